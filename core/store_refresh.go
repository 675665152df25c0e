package core

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors of RefreshStore.ConsumeRefreshToken.
var (
	// ErrRefreshUsed means the refresh token was already consumed by an
	// earlier rotation: presenting it again is reuse.
	ErrRefreshUsed = errors.New("restauth: refresh token already used")
	// ErrRefreshRevoked means the token's family was revoked (logout,
	// password change, detected reuse).
	ErrRefreshRevoked = errors.New("restauth: refresh token family revoked")
)

// RefreshFamily is one login's chain of rotated refresh tokens. Access
// tokens carry the family ID, so revoking the family ends the whole login:
// its refresh tokens and its outstanding access tokens.
type RefreshFamily struct {
	// ID is a random identifier (32 lowercase hex characters).
	ID string
	// UserID is the owner.
	UserID int64
	// Created is when the login happened (UTC).
	Created time.Time
	// Revoked is when the family was revoked (UTC); zero while it is live.
	Revoked time.Time
	// EndedElsewhere is set, with Revoked, by a store sharing SimpleJWT's
	// blacklist (RefreshBlacklist) when the family reads as revoked only
	// because the other service blacklisted one of its tokens: its logout,
	// or its rotation of the token, which continues the login there with
	// tokens restauth did not issue (they carry the family's claim and
	// were issued at or after Revoked).
	EndedElsewhere bool
}

// RefreshToken is the record of one issued refresh JWT, keyed by its jti
// (SimpleJWT's OutstandingToken, plus the family and single-use state).
type RefreshToken struct {
	// JTI is the token's "jti" claim (32 lowercase hex characters).
	JTI string
	// FamilyID is the family the token belongs to.
	FamilyID string
	// UserID is the owner.
	UserID int64
	// Issued and Expires mirror the token's iat and exp (UTC).
	Issued  time.Time
	Expires time.Time
	// Used is when the token was consumed by a rotation (UTC); zero while
	// unused.
	Used time.Time
	// Encoded is the token itself, set by core when it mints or presents
	// one, for a store that keeps it (SimpleJWT's OutstandingToken.token
	// column); other stores ignore it. Stores never return it, and it is a
	// secret: never log it.
	Encoded string
}

// RefreshStore is the optional store capability behind JWT refresh tokens:
// outstanding tokens, rotation and revocation. core finds it by type
// assertion on Config.Store; JWT authentication requires it unless the
// JWT configuration is stateless.
//
// Rules beyond the common ones of Store:
//   - Rotation is atomic: ConsumeRefreshToken marks a token used and
//     inserts its successor in one transaction, decided by a single
//     conditional update, so that of several concurrent calls for the same
//     jti exactly one succeeds, on every database.
//   - Revocation is idempotent and never fails for unknown IDs.
//   - IDs are at most MaxRefreshIDLength characters; empty IDs and a zero
//     time are refused with ErrInvalidValue.
type RefreshStore interface {
	// CreateRefreshFamily stores a new family and its first token (a
	// login). first.FamilyID must be f.ID and first.UserID f.UserID. A
	// family of an unknown user returns an error wrapping ErrNotFound;
	// duplicate IDs fail with a non-sentinel error.
	CreateRefreshFamily(ctx context.Context, f *RefreshFamily, first *RefreshToken) error

	// ConsumeRefreshToken marks token jti used at `at` and stores successor
	// in the same family, if and only if the token exists, is unused, has
	// not expired at `at`, and its family is live. It returns the token as
	// it was before the call, and:
	//   - nil on success;
	//   - ErrRefreshUsed (with the token, whose Used is set) if it was
	//     already consumed;
	//   - ErrRefreshRevoked (with the token) if its family is revoked;
	//   - ErrNotFound (nil token) if there is no such jti or it expired.
	// On any error nothing is written. Precedence: an expired token (at >=
	// Expires) is ErrNotFound even if it was used; a used token is
	// ErrRefreshUsed even if its family is revoked. A successor whose
	// FamilyID or UserID differ from the token's, or whose jti is already
	// stored, fails with a non-sentinel error.
	ConsumeRefreshToken(ctx context.Context, jti string, at time.Time, successor *RefreshToken) (*RefreshToken, error)

	// AddRefreshToken inserts t into its existing, live family without
	// consuming anything (a successor granted within the reuse grace
	// window). It returns ErrRefreshRevoked if the family is revoked and
	// ErrNotFound if it does not exist; t.UserID must be the family's owner.
	AddRefreshToken(ctx context.Context, t *RefreshToken) error

	// RefreshTokenByJTI returns the token and its family, or ErrNotFound.
	RefreshTokenByJTI(ctx context.Context, jti string) (*RefreshToken, *RefreshFamily, error)

	// UserByRefreshFamily returns the family and its owner in one round
	// trip (the per-request check of an access token), or ErrNotFound.
	UserByRefreshFamily(ctx context.Context, familyID string) (*User, *RefreshFamily, error)

	// RevokeRefreshFamily revokes one family at `at` (logout, detected
	// reuse). Revoking a revoked or unknown family is not an error; the
	// first revocation time is kept.
	RevokeRefreshFamily(ctx context.Context, familyID string, at time.Time) error

	// RevokeUserRefreshFamilies revokes every live family of user id
	// except exceptFamilyID ("" revokes all; an ID no store could hold
	// excepts nothing) and reports how many it revoked (password change,
	// logout everywhere, deactivation).
	RevokeUserRefreshFamilies(ctx context.Context, userID int64, exceptFamilyID string, at time.Time) (int, error)

	// FlushExpiredRefreshTokens deletes tokens with Expires <= before, and
	// families left without tokens, and reports how many tokens it deleted
	// (SimpleJWT's flushexpiredtokens).
	FlushExpiredRefreshTokens(ctx context.Context, before time.Time) (int, error)
}
