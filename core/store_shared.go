package core

import (
	"context"
	"time"
)

// Optional store capabilities for a database that restauth shares with
// another framework (sqlstore's Django schema: Django's auth_user,
// DRF's authtoken_token, SimpleJWT's blacklist and allauth's
// EmailAddress). core finds each by type assertion on Config.Store, and
// where the shared tables dictate a rule that differs from restauth's
// own, the shared tables win. docs/django.md lists every difference.

// TokenKeyStore is an optional TokenStore capability for a schema that
// keeps DB token keys themselves, one per user (DRF's authtoken_token,
// whose primary key is the key in plain text). With it core stores no
// digest and creates no second token:
//
//   - a login returns the user's existing key, creating one only when the
//     user has none (DRF's Token.objects.get_or_create), so every device
//     of a user shares one key and a logout on any of them ends it for
//     all (dj-rest-auth's logout deletes the row);
//   - requests are authenticated with UserByTokenKey and logout deletes
//     with DeleteTokenKey.
//
// Principal.Credential stays the key's digest (it is never the secret);
// DeleteUserTokens still receives a digest to keep and must compare it
// with the digests of the stored keys (storekit.TokenDigest). The other
// TokenStore methods are not called by core when this capability is
// present.
type TokenKeyStore interface {
	// GetOrCreateTokenKey returns the key of user t.UserID's token; if
	// the user has none it inserts t, whose Digest field holds the fresh
	// key itself (40 lowercase hex characters), and reports created.
	// When lastLogin is not zero, LastLogin is set to it in the same
	// transaction (RecordLogin). Concurrent calls for one user return the
	// same key, exactly one of them reporting created. An unknown user
	// returns an error wrapping ErrNotFound.
	GetOrCreateTokenKey(ctx context.Context, t *Token, lastLogin time.Time) (key string, created bool, err error)

	// UserByTokenKey returns the token with that key (its Digest field
	// holding the key) and its owner in one round trip, or ErrNotFound.
	UserByTokenKey(ctx context.Context, key string) (*User, *Token, error)

	// DeleteTokenKey removes the token with that key; a missing token is
	// not an error.
	DeleteTokenKey(ctx context.Context, key string) error
}

// RefreshBlacklist is an optional RefreshStore capability for a database
// shared with SimpleJWT: refresh tokens minted by the other service
// carry no refresh family, and both sides record the ones that must not
// be used again in SimpleJWT's blacklist. With it, core rotates such a
// token (blacklisting it and starting a new login) instead of refusing
// it, honours the blacklist in token/verify/, and blacklists such a token
// at logout.
//
// The store must also make the shared blacklist authoritative for the
// tokens restauth mints: a token of a family that the other service
// blacklisted is refused by ConsumeRefreshToken (ErrRefreshRevoked) and
// ends its family's access tokens (UserByRefreshFamily reports the family
// revoked), and restauth's own rotations and revocations blacklist the
// tokens they end, so the other service refuses them too.
type RefreshBlacklist interface {
	// BlacklistRefreshToken blacklists the refresh token t, minted
	// elsewhere (t.FamilyID is ""; t.Encoded is the token), at `at`. It
	// returns ErrRefreshUsed if the token was blacklisted already,
	// including by a concurrent call: of several calls for one JTI exactly
	// one succeeds.
	BlacklistRefreshToken(ctx context.Context, t *RefreshToken, at time.Time) error

	// RefreshTokenBlacklisted reports whether the token with that JTI is
	// blacklisted. An unknown JTI is not blacklisted.
	RefreshTokenBlacklisted(ctx context.Context, jti string) (bool, error)
}

// EmailAddressStore is an optional UserStore capability for a schema in
// which email addresses have rows of their own (allauth's EmailAddress).
// Email confirmation keys then sign the address's ID, as allauth's do, so
// a key mailed by either side is accepted by the other.
type EmailAddressStore interface {
	// EmailAddressID returns the ID of the address row of user userID
	// that matches the user's current email, or ErrNotFound (no email,
	// or no such row).
	EmailAddressID(ctx context.Context, userID int64) (int64, error)

	// UserByEmailAddressID returns the owner of address row id, provided
	// the address is still the owner's current email; otherwise (or for an
	// unknown id) ErrNotFound.
	UserByEmailAddressID(ctx context.Context, id int64) (*User, error)

	// EmailAddresses returns the addresses of every row of user userID,
	// as stored, in any order; none for an unknown user. allauth's
	// password-reset tokens are bound to all of them, so a reset link dies
	// when an address is added or removed on either side.
	EmailAddresses(ctx context.Context, userID int64) ([]string, error)
}
