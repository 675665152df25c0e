package simplejwt

import (
	"crypto/rand"
	"encoding/hex"
	"maps"
	"time"
)

// TokenType is the value of the token_type claim.
type TokenType string

// The token types restauth mints. SimpleJWT's "sliding" tokens are never
// issued by dj-rest-auth and are not accepted.
const (
	// Access tokens authenticate requests.
	Access TokenType = "access"
	// Refresh tokens obtain new access tokens.
	Refresh TokenType = "refresh"
)

// Registered and SimpleJWT claim names. The user id claim is configurable
// (Config.UserIDClaim).
const (
	claimTokenType = "token_type"
	claimExp       = "exp"
	claimIat       = "iat"
	claimNbf       = "nbf"
	claimJTI       = "jti"
	claimIss       = "iss"
	claimAud       = "aud"
)

// FamilyClaim is restauth's claim naming the refresh family (the login) a
// token descends from. Tokens minted by Django have none.
const FamilyClaim = "fam"

// isStandardClaim reports whether name is a claim this package handles
// itself, which may therefore appear neither as Config.UserIDClaim nor in
// Claims.Extra.
func isStandardClaim(name string) bool {
	switch name {
	case claimTokenType, claimExp, claimIat, claimNbf, claimJTI, claimIss, claimAud, FamilyClaim:
		return true
	}
	return false
}

// ReservedClaim reports whether name is a claim the codec writes itself
// (the registered claims, token_type, the family claim and the configured
// user id claim), which Claims.Extra cannot hold.
func (c *Codec) ReservedClaim(name string) bool {
	return isStandardClaim(name) || name == c.userIDClaim
}

// Claims is what restauth puts in a token, and what Parse returns.
type Claims struct {
	// TokenType is "access" or "refresh".
	TokenType TokenType

	// Expires is exp. It is written in whole seconds (fractions truncated,
	// as SimpleJWT does); Parse returns it in UTC.
	Expires time.Time

	// IssuedAt is iat, in whole seconds like Expires.
	IssuedAt time.Time

	// JTI is the token's unique id: 32 lowercase hex characters from
	// NewJTI, like SimpleJWT's uuid4().hex. It keys the refresh store and
	// any denylist.
	JTI string

	// UserID is written under Config.UserIDClaim as a JSON number (as
	// SimpleJWT ≤5.5.0 does). Parse also accepts a JSON string of decimal
	// digits (SimpleJWT ≥5.5.1 writes "1").
	UserID int64

	// Family is restauth's "fam" claim: the refresh family (login) the
	// token belongs to. Written only when non-empty; optional on parse.
	Family string

	// Extra holds custom claims (dj-rest-auth's JWT_TOKEN_CLAIMS_SERIALIZER
	// additions). Mint writes them after the claims above, sorted by name,
	// and rejects names this package uses. Parse returns every claim not
	// listed above here (nil when there are none), with JSON numbers as
	// json.Number so they survive a refresh unchanged.
	Extra map[string]any
}

// clone returns c with its own copy of Extra (nil when empty, as Parse
// returns it).
func (c Claims) clone() Claims {
	if len(c.Extra) == 0 {
		c.Extra = nil
	} else {
		c.Extra = maps.Clone(c.Extra)
	}
	return c
}

// NewJTI returns a fresh token id: a random (version 4) UUID as 32
// lowercase hex characters, exactly like SimpleJWT's uuid4().hex.
func NewJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return hex.EncodeToString(b[:])
}

// wholeSeconds truncates t to the second in UTC, as the token carries it.
func wholeSeconds(t time.Time) time.Time {
	return time.Unix(t.Unix(), 0).UTC()
}
