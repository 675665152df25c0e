package simplejwt

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// Defaults applied by New to zero Config fields. The lifetimes and the user
// id claim are SimpleJWT's defaults, so a zero Config (plus a key) behaves
// like an untouched SIMPLE_JWT setting.
const (
	// DefaultAccessLifetime is SimpleJWT's ACCESS_TOKEN_LIFETIME.
	DefaultAccessLifetime = 5 * time.Minute
	// DefaultRefreshLifetime is SimpleJWT's REFRESH_TOKEN_LIFETIME.
	DefaultRefreshLifetime = 24 * time.Hour
	// DefaultUserIDClaim is SimpleJWT's USER_ID_CLAIM.
	DefaultUserIDClaim = "user_id"
	// DefaultMaxTokenLength bounds the work an unauthenticated token can
	// cause. Tokens minted here are a few hundred bytes; 8 KiB leaves room
	// for custom claims and RSA-4096 signatures.
	DefaultMaxTokenLength = 8192
)

// Limits enforced by New and Mint.
const (
	// maxTokenLengthLimit caps Config.MaxTokenLength: beyond it the cap
	// no longer bounds anything useful.
	maxTokenLengthLimit = 1 << 20
	// maxIDLength caps jti, fam and kid: the blacklist table stores jti in
	// a 255-character column.
	maxIDLength = 255
)

// Config configures a Codec. It mirrors the SIMPLE_JWT settings that change
// what goes over the wire. Zero fields take the defaults documented on each
// field; New rejects anything unsafe or inconsistent with an error wrapping
// ErrConfig rather than guessing, because a misconfigured token codec fails
// open in ways that are hard to notice in production.
type Config struct {
	// SigningKey is the current key. Every token is minted with it, and it
	// verifies tokens too. Required.
	SigningKey Key

	// PreviousKeys are still accepted for verification but never used to
	// sign (key rotation, like Django's SECRET_KEY_FALLBACKS). Remove a key
	// from this list to invalidate every token it signed.
	PreviousKeys []Key

	// Audience, if set, is written as "aud" on mint and required to match on
	// parse (SIMPLE_JWT AUDIENCE). When empty, a token that carries an aud
	// is rejected, as PyJWT does.
	Audience string

	// Issuer, if set, is written as "iss" on mint and required to match on
	// parse (SIMPLE_JWT ISSUER).
	Issuer string

	// Leeway is the clock skew tolerated on exp, nbf and iat. Default 0, as
	// SimpleJWT's LEEWAY. Several servers whose clocks differ by more than a
	// second should set a few seconds, or tokens minted by one may be "used
	// before issued" on another. It may not exceed AccessLifetime.
	Leeway time.Duration

	// UserIDClaim is the claim carrying the user id (SIMPLE_JWT
	// USER_ID_CLAIM). Default "user_id". It may not be a claim this package
	// already uses (token_type, exp, iat, nbf, jti, iss, aud, fam).
	UserIDClaim string

	// AccessLifetime is the access token lifetime. Default 5 minutes.
	AccessLifetime time.Duration

	// RefreshLifetime is the refresh token lifetime. Default 24 hours. It
	// may not be shorter than AccessLifetime.
	RefreshLifetime time.Duration

	// MaxTokenLength is the longest token Parse will look at, in bytes;
	// longer ones are rejected with ErrTooLong before any decoding
	// (CVE-2025-30204 class). Default 8192; at most 1 MiB. Mint refuses to
	// produce a token Parse would reject for length.
	MaxTokenLength int

	// Now returns the current time. Default time.Now. Tests fix it to make
	// minted tokens and expiry checks deterministic.
	Now func() time.Time
}

// withDefaults returns cfg with zero fields replaced by their defaults.
func (cfg Config) withDefaults() Config {
	if cfg.UserIDClaim == "" {
		cfg.UserIDClaim = DefaultUserIDClaim
	}
	if cfg.AccessLifetime == 0 {
		cfg.AccessLifetime = DefaultAccessLifetime
	}
	if cfg.RefreshLifetime == 0 {
		cfg.RefreshLifetime = DefaultRefreshLifetime
	}
	if cfg.MaxTokenLength == 0 {
		cfg.MaxTokenLength = DefaultMaxTokenLength
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg
}

// validate checks everything but the keys, after withDefaults.
func (cfg Config) validate() error {
	switch {
	case cfg.AccessLifetime < 0:
		return fmt.Errorf("%w: AccessLifetime must be positive", ErrConfig)
	case cfg.RefreshLifetime < 0:
		return fmt.Errorf("%w: RefreshLifetime must be positive", ErrConfig)
	case cfg.RefreshLifetime < cfg.AccessLifetime:
		return fmt.Errorf("%w: RefreshLifetime is shorter than AccessLifetime", ErrConfig)
	case cfg.Leeway < 0:
		return fmt.Errorf("%w: Leeway must not be negative", ErrConfig)
	case cfg.Leeway > cfg.AccessLifetime:
		return fmt.Errorf("%w: Leeway exceeds AccessLifetime, which would more than double token lifetimes", ErrConfig)
	case cfg.MaxTokenLength < 0 || cfg.MaxTokenLength > maxTokenLengthLimit:
		return fmt.Errorf("%w: MaxTokenLength must be between 1 and %d", ErrConfig, maxTokenLengthLimit)
	}
	if !utf8.ValidString(cfg.UserIDClaim) {
		return fmt.Errorf("%w: UserIDClaim is not valid UTF-8", ErrConfig)
	}
	if isStandardClaim(cfg.UserIDClaim) {
		return fmt.Errorf("%w: UserIDClaim %q is a claim this package already uses", ErrConfig, cfg.UserIDClaim)
	}
	if !utf8.ValidString(cfg.Audience) || !utf8.ValidString(cfg.Issuer) {
		return fmt.Errorf("%w: Audience and Issuer must be valid UTF-8", ErrConfig)
	}
	return nil
}
