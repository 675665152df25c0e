package core

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors of the storage contract. Stores return them (possibly
// wrapped) so that core can tell "no such row" and "already taken" apart from
// a failing database. Any other non-nil error means the store is unavailable
// or broken: core answers 503 with Retry-After and never falls through to an
// anonymous request or a half-written state.
var (
	// ErrNotFound means the requested row does not exist.
	ErrNotFound = errors.New("restauth: not found")
	// ErrUsernameTaken means another user already holds the canonical username.
	ErrUsernameTaken = errors.New("restauth: username already taken")
	// ErrEmailTaken means another user already holds the canonical email.
	ErrEmailTaken = errors.New("restauth: email already taken")
)

// Store is everything restauth needs to persist. Implementations live in
// their own modules (sqlstore) or in core/memstore for tests; every one must
// pass the conformance suite in core/storetest.
//
// Common rules for every method:
//   - ctx is honoured: a cancelled or expired context aborts the call with an
//     error.
//   - Times are stored and returned in UTC with at least microsecond
//     precision.
//   - Usernames and emails are compared only through CanonicalUsername and
//     CanonicalEmail, with a binary comparison; uniqueness is enforced by the
//     store itself (a unique index), so that two concurrent writers cannot
//     both succeed. An empty email is never unique and never matches.
//   - Returned values are copies: mutating them does not change the store.
//   - Values that no store could hold (see limits.go: over the column
//     limit, invalid UTF-8, NUL bytes) are refused before anything is
//     written, with an error wrapping ErrInvalidValue; lookups with such
//     values return ErrNotFound.
type Store interface {
	UserStore
	TokenStore
}

// UserStore persists accounts.
type UserStore interface {
	// CreateUser inserts u and sets u.ID. It returns ErrUsernameTaken or
	// ErrEmailTaken (checked in that order when both clash) if the
	// canonical username or non-empty canonical email is held by another
	// user, including when a concurrent CreateUser won the race.
	CreateUser(ctx context.Context, u *User) error

	// UserByID returns the user with that primary key, or ErrNotFound.
	UserByID(ctx context.Context, id int64) (*User, error)

	// UserByUsername returns the user whose canonical username equals
	// CanonicalUsername(username), or ErrNotFound.
	UserByUsername(ctx context.Context, username string) (*User, error)

	// UserByEmail returns the user whose canonical email equals
	// CanonicalEmail(email), or ErrNotFound. An empty email never matches.
	UserByEmail(ctx context.Context, email string) (*User, error)

	// UpdateProfile writes u.Username, u.FirstName and u.LastName of the
	// user u.ID and nothing else. It returns ErrNotFound if the user does
	// not exist and ErrUsernameTaken if another user holds the new
	// canonical username (keeping one's own username, in any case, is fine).
	UpdateProfile(ctx context.Context, u *User) error

	// SetPassword replaces the password hash of user id and increments its
	// TokenEpoch in the same write, so that credentials minted under the
	// old epoch can be rejected. It returns ErrNotFound for an unknown id.
	SetPassword(ctx context.Context, id int64, hash string) error

	// UpgradePasswordHash replaces the hash of user id only if it still
	// equals oldHash (compare-and-swap), without touching TokenEpoch. It is
	// used to re-hash on login when parameters changed; it reports whether
	// the swap happened. A concurrent password change therefore always wins
	// over an upgrade. It returns ErrNotFound for an unknown id.
	UpgradePasswordHash(ctx context.Context, id int64, oldHash, newHash string) (bool, error)

	// SetActive sets IsActive of user id; deactivating also increments
	// TokenEpoch. It returns ErrNotFound for an unknown id.
	SetActive(ctx context.Context, id int64, active bool) error

	// SetEmailVerified marks the email of user id as verified (or not).
	// It returns ErrNotFound for an unknown id.
	SetEmailVerified(ctx context.Context, id int64, verified bool) error

	// RecordLogin sets LastLogin of user id to at. It returns ErrNotFound
	// for an unknown id.
	RecordLogin(ctx context.Context, id int64, at time.Time) error

	// DeleteUser removes user id and everything that belongs to it (DB
	// tokens, refresh families and their tokens), freeing its username
	// and email. It returns ErrNotFound for an unknown id. Core uses it to
	// undo a registration whose login step failed, so that retrying works.
	DeleteUser(ctx context.Context, id int64) error
}

// TokenStore persists opaque DB tokens ("Authorization: Token <key>").
// Only digests are ever stored; a user may hold many tokens (one per login,
// so several devices can be logged in at once).
type TokenStore interface {
	// CreateToken inserts t. A digest collision returns ErrTokenExists
	// (with 160-bit keys it does not happen); a token of an unknown user
	// returns an error wrapping ErrNotFound, like a foreign key.
	CreateToken(ctx context.Context, t *Token) error

	// UserByToken returns the token with that digest and its owner in one
	// round trip, or ErrNotFound if no such token exists. It does not check
	// expiry or IsActive: the caller does, so that it can answer precisely.
	UserByToken(ctx context.Context, digest string) (*User, *Token, error)

	// DeleteToken removes the token with that digest. Deleting a missing
	// token is not an error (logout is idempotent).
	DeleteToken(ctx context.Context, digest string) error

	// DeleteUserTokens removes every token of user id except the one with
	// digest exceptDigest ("" removes all) and reports how many were removed
	// ("log out everywhere"; a password change keeps the caller's token).
	// An unknown user has no tokens: 0, nil.
	DeleteUserTokens(ctx context.Context, userID int64, exceptDigest string) (int, error)
}
