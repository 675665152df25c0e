package core

import "time"

// User is an account, shaped like Django's auth_user so that an existing
// Django database can be mapped onto it.
type User struct {
	// ID is the integer primary key, exposed on the wire as "pk".
	ID int64
	// Username is the login name as the user typed it (after NFKC).
	// Uniqueness is case-insensitive on CanonicalUsername(Username).
	Username string
	// Email is the address mail is delivered to, as stored. It may be empty.
	// Uniqueness is case-insensitive on CanonicalEmail(Email) when non-empty.
	Email string
	// FirstName and LastName are free text of at most 150 characters.
	FirstName string
	LastName  string
	// PasswordHash is a Django-format hash ("argon2$argon2id$...") or an
	// unusable marker starting with "!". It never leaves the server.
	PasswordHash string
	// IsActive is false for deactivated accounts, which cannot log in or
	// authenticate.
	IsActive bool
	// EmailVerified reports whether Email was confirmed (allauth's verified
	// EmailAddress). With mandatory verification, login requires it.
	EmailVerified bool
	// IsStaff is Django's is_staff: the user may use admin screens. The
	// adapters' RequireStaff lets only such users through.
	IsStaff bool
	// IsSuperuser is Django's is_superuser: every permission without being
	// granted it. restauth itself grants nothing by it; apps may.
	IsSuperuser bool
	// DateJoined is when the account was created (UTC).
	DateJoined time.Time
	// LastLogin is the time of the last successful login (UTC); zero if never.
	LastLogin time.Time
	// TokenEpoch is bumped whenever every credential of the user must die
	// (password change or reset, deactivation, logout everywhere).
	// Stateless credentials carry the epoch they were minted under.
	TokenEpoch int64
}

// Token is an opaque DB token as sent in "Authorization: Token <key>".
// Only the SHA-256 digest of the key is stored; the key itself is shown to
// the client once, in the login response.
type Token struct {
	// Digest is the lowercase hex SHA-256 of the 40-hex key.
	Digest string
	// UserID is the owner.
	UserID int64
	// Created is when the token was issued (UTC).
	Created time.Time
	// Expires is when the token stops working (UTC); zero means never,
	// which is DRF's behaviour.
	Expires time.Time
}
