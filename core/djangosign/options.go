package djangosign

import (
	"fmt"
	"time"
)

// ResetOption configures [NewResetTokens].
type ResetOption interface {
	applyReset(*resetConfig)
}

// SignerOption configures [NewSigner].
type SignerOption interface {
	applySigner(*signerConfig)
}

// Option configures both [NewResetTokens] and [NewSigner].
type Option interface {
	ResetOption
	SignerOption
}

// commonConfig holds the settings both constructors share.
type commonConfig struct {
	fallbacks [][]byte
	now       func() time.Time
	nowSet    bool
}

// validate checks the shared settings.
func (c *commonConfig) validate() error {
	if c.nowSet && c.now == nil {
		return fmt.Errorf("%w: nil clock", ErrInvalidConfig)
	}
	if c.now == nil {
		c.now = time.Now
	}
	for i, s := range c.fallbacks {
		if len(s) == 0 {
			return fmt.Errorf("%w: fallback secret %d is empty", ErrInvalidConfig, i)
		}
	}
	return nil
}

// commonOption applies to the shared part of either configuration.
type commonOption func(*commonConfig)

func (o commonOption) applyReset(c *resetConfig)   { o(&c.commonConfig) }
func (o commonOption) applySigner(c *signerConfig) { o(&c.commonConfig) }

// WithFallbackSecrets adds older secrets (Django's SECRET_KEY_FALLBACKS)
// that are still accepted when checking tokens or loading signed values;
// new ones are always made with the primary secret. Each must be
// non-empty. Repeated uses accumulate.
func WithFallbackSecrets(secrets ...[]byte) Option {
	return commonOption(func(c *commonConfig) {
		c.fallbacks = append(c.fallbacks, secrets...)
	})
}

// WithClock replaces time.Now, for tests. now must not be nil and must be
// safe for concurrent use.
func WithClock(now func() time.Time) Option {
	return commonOption(func(c *commonConfig) {
		c.now = now
		c.nowSet = true
	})
}

// resetOption applies only to [NewResetTokens].
type resetOption func(*resetConfig)

func (o resetOption) applyReset(c *resetConfig) { o(c) }

// WithTimeout sets how long a reset token stays valid (Django's
// PASSWORD_RESET_TIMEOUT, default [DefaultResetTimeout]). It must be a
// positive whole number of seconds.
func WithTimeout(d time.Duration) ResetOption {
	return resetOption(func(c *resetConfig) {
		c.timeout = d
	})
}

// WithAllauth makes tokens with allauth's
// EmailAwarePasswordResetTokenGenerator, which also binds every address of
// the user ([ResetUser.ExtraEmails]); this is what dj-rest-auth uses when
// allauth is installed.
func WithAllauth() ResetOption {
	return resetOption(func(c *resetConfig) {
		c.allauth = true
	})
}
