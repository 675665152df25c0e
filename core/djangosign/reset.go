package djangosign

import (
	"crypto/hmac"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultResetTimeout is Django's PASSWORD_RESET_TIMEOUT default: 3 days.
const DefaultResetTimeout = 259200 * time.Second

// resetKeySalt is PasswordResetTokenGenerator.key_salt.
const resetKeySalt = "django.contrib.auth.tokens.PasswordResetTokenGenerator"

// Reset token shape: "<ts base36>-<32 hex>"; the timestamp has at most 13
// base36 digits (any int64).
const (
	resetHashLen     = sha256HexLen / 2
	sha256HexLen     = 64
	maxResetTokenLen = maxBase36Len + 1 + resetHashLen
)

// ResetUser is the state of a user that a reset token is bound to. Any
// change to it (a new password hash, a login, a new address) invalidates
// outstanding tokens.
type ResetUser struct {
	// PK is the user's integer primary key.
	PK int64
	// PasswordHash is the stored password hash string (auth_user.password),
	// including unusable "!…" hashes.
	PasswordHash string
	// LastLogin is the time of the last login, or the zero Time if the user
	// never logged in. Sub-second precision is ignored.
	LastLogin time.Time
	// Email is the user's email field, or "".
	Email string
	// ExtraEmails are, for allauth tokens ([WithAllauth]), the addresses of
	// all the user's allauth EmailAddress rows (which normally include
	// Email). Order and duplicates do not matter; entries are used
	// verbatim. Ignored for plain Django tokens.
	ExtraEmails []string
}

// ResetTokens makes and checks password-reset tokens compatible with
// Django's PasswordResetTokenGenerator (Django 3.1+, SHA-256) or, with
// [WithAllauth], with allauth's EmailAwarePasswordResetTokenGenerator.
// Tokens are "<ts>-<hash>": ts is the creation time in seconds since
// 2001-01-01 in base36, hash the even-indexed characters of the hex
// HMAC-SHA256 of the user's state under a key derived from the secret.
// Tokens are not stored: one stays valid until the timeout passes or the
// user's state changes (which a successful reset does, by changing the
// password hash).
//
// A ResetTokens is immutable and safe for concurrent use.
type ResetTokens struct {
	keys    [][]byte // primary first, then fallbacks
	timeout int64    // seconds
	allauth bool
	now     func() time.Time
}

// resetConfig collects ResetOptions.
type resetConfig struct {
	commonConfig
	timeout time.Duration
	allauth bool
}

// NewResetTokens returns a generator keyed with secret (Django's
// SECRET_KEY as bytes; it must not be empty, and Django recommends at
// least 50 characters). Without options tokens are Django's, valid for
// [DefaultResetTimeout], timed with time.Now. Errors wrap
// [ErrInvalidConfig].
func NewResetTokens(secret []byte, opts ...ResetOption) (*ResetTokens, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("%w: empty secret", ErrInvalidConfig)
	}
	cfg := resetConfig{timeout: DefaultResetTimeout}
	for _, o := range opts {
		if o == nil {
			return nil, fmt.Errorf("%w: nil option", ErrInvalidConfig)
		}
		o.applyReset(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.timeout < time.Second || cfg.timeout%time.Second != 0 {
		return nil, fmt.Errorf("%w: reset timeout must be a positive whole number of seconds", ErrInvalidConfig)
	}
	return &ResetTokens{
		keys:    deriveKeys(resetKeySalt, secret, cfg.fallbacks),
		timeout: int64(cfg.timeout / time.Second),
		allauth: cfg.allauth,
		now:     cfg.now,
	}, nil
}

// Make returns a token for u's current state, timestamped now. A clock
// before 2001-01-01 gives timestamp 0.
func (g *ResetTokens) Make(u ResetUser) string {
	return g.makeAt(u, secondsSince2001(g.now()))
}

// makeAt is _make_token_with_timestamp with the primary key.
func (g *ResetTokens) makeAt(u ResetUser, ts int64) string {
	return strconv.FormatInt(ts, 36) + "-" + string(g.hash(g.keys[0], u, ts))
}

// hash is salted_hmac(...).hexdigest()[::2] as ASCII bytes.
func (g *ResetTokens) hash(key []byte, u ResetUser, ts int64) []byte {
	mac := newMAC(key)
	mac.Write(resetHashValue(u, ts, g.allauth))
	var sum [sha256HexLen / 2]byte
	var hx [sha256HexLen]byte
	hex.Encode(hx[:], mac.Sum(sum[:0]))
	out := make([]byte, resetHashLen)
	for i := range out {
		out[i] = hx[2*i]
	}
	return out
}

// Check reports whether token was made by [ResetTokens.Make] (with the
// secret or a fallback secret) for u's current state and is not older
// than the timeout. Like Django it rejects a token only when
// now - ts > timeout, so a token timestamped in the future (by a clock
// that ran ahead) is accepted. It returns false, without panicking, for
// any malformed input; inputs longer than a well-formed token are
// rejected before any work.
func (g *ResetTokens) Check(u ResetUser, token string) bool {
	if len(token) == 0 || len(token) > maxResetTokenLen {
		return false
	}
	tsPart, hashPart, ok := strings.Cut(token, "-")
	if !ok || len(hashPart) != resetHashLen || len(tsPart) > maxBase36Len {
		return false
	}
	ts, ok := parseCanonicalInt(tsPart, 36)
	if !ok || ts < 0 {
		return false
	}
	now := nowSince2001(g.now())
	if now > ts && now-ts > g.timeout {
		return false
	}
	match := 0
	for _, key := range g.keys {
		if hmac.Equal(g.hash(key, u, ts), []byte(hashPart)) {
			match = 1
		}
	}
	return match == 1
}
