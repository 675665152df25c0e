package password

import (
	"fmt"
	"log/slog"
)

// DefaultMaxLength is the default [WithMaxLength]: 4096 bytes, Django's old
// MAXIMUM_PASSWORD_LENGTH, long enough for any passphrase and short enough
// that hashing a maximal password costs no more than a normal one.
const DefaultMaxLength = 4096

// minMaxLength is the smallest allowed maximum length: every hasher must
// accept at least bcrypt's 72 bytes.
const minMaxLength = 72

// Option configures a [Policy]; see [NewPolicy].
type Option func(*policyConfig) error

// policyConfig collects options before NewPolicy builds the Policy.
type policyConfig struct {
	preferred    Hasher
	verifiers    []Hasher
	verifiersSet bool
	maxLength    int
	limiter      *Limiter
	logger       *slog.Logger
}

// WithHasher sets the preferred hasher: new hashes are made with it, a
// successful check of a hash made otherwise reports needsRehash, and the
// dummy hash spent for unknown users and unusable passwords costs what it
// costs. Default: [DefaultArgon2].
func WithHasher(h Hasher) Option {
	return func(c *policyConfig) error {
		if h == nil {
			return fmt.Errorf("%w: nil hasher", ErrInvalidConfig)
		}
		c.preferred = h
		return nil
	}
}

// WithVerifiers replaces the extra algorithms accepted for stored hashes
// (the preferred hasher is always accepted, and wins over a verifier of the
// same algorithm). Default: pbkdf2_sha256, pbkdf2_sha1, argon2,
// bcrypt_sha256 and bcrypt with default parameters, i.e. everything a
// Django database may hold that this package supports. Pass none to accept
// only the preferred hasher's algorithm. Two verifiers with the same
// algorithm are an error.
func WithVerifiers(hs ...Hasher) Option {
	return func(c *policyConfig) error {
		for _, h := range hs {
			if h == nil {
				return fmt.Errorf("%w: nil verifier", ErrInvalidConfig)
			}
		}
		c.verifiers = append([]Hasher(nil), hs...)
		c.verifiersSet = true
		return nil
	}
}

// WithMaxLength sets the longest password, in bytes, that Make and Check
// accept; longer ones fail with [ErrPasswordTooLong] before any hashing, so
// huge request bodies cannot buy expensive work. It must be at least 72.
// Default: [DefaultMaxLength].
func WithMaxLength(bytes int) Option {
	return func(c *policyConfig) error {
		if bytes < minMaxLength {
			return fmt.Errorf("%w: maximum password length must be at least %d bytes", ErrInvalidConfig, minMaxLength)
		}
		c.maxLength = bytes
		return nil
	}
}

// WithLimiter sets the limiter every hash goes through. Share one Limiter
// between all policies of a process so the budget is global. Default: a
// limiter of its own with [LimiterConfig] defaults.
func WithLimiter(l *Limiter) Option {
	return func(c *policyConfig) error {
		if l == nil {
			return fmt.Errorf("%w: nil limiter", ErrInvalidConfig)
		}
		c.limiter = l
		return nil
	}
}

// WithLogger sets a logger for integrity warnings: a stored hash that is
// malformed or of an unsupported algorithm is logged at Warn level (with the
// algorithm id when it is a known Django one, never the hash). Default: no
// logging.
func WithLogger(l *slog.Logger) Option {
	return func(c *policyConfig) error {
		c.logger = l
		return nil
	}
}
