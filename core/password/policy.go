package password

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// Policy is how the rest of the library makes and checks passwords: it
// chooses the hasher for a stored hash, caps password length before any
// work, spends exactly one full-cost hash on every Check (so failures for
// unknown users, unusable passwords, malformed hashes and wrong passwords
// do the same work), and runs all hashing through a [Limiter].
//
// A Policy is immutable after [NewPolicy] and safe for concurrent use.
type Policy struct {
	preferred Hasher
	byAlg     map[string]Hasher // read-only after NewPolicy
	maxLength int
	limiter   *Limiter
	logger    *slog.Logger
}

// NewPolicy returns a Policy configured by opts. Errors wrap
// [ErrInvalidConfig].
func NewPolicy(opts ...Option) (*Policy, error) {
	c := policyConfig{maxLength: DefaultMaxLength}
	for _, opt := range opts {
		if err := opt(&c); err != nil {
			return nil, err
		}
	}
	if c.preferred == nil {
		c.preferred = DefaultArgon2()
	}
	if !c.verifiersSet {
		c.verifiers = defaultVerifiers()
	}
	if c.limiter == nil {
		l, err := NewLimiter(LimiterConfig{})
		if err != nil {
			return nil, err
		}
		c.limiter = l
	}
	byAlg := make(map[string]Hasher, len(c.verifiers)+1)
	for _, h := range c.verifiers {
		if _, dup := byAlg[h.Algorithm()]; dup {
			return nil, fmt.Errorf("%w: two verifiers for algorithm %s", ErrInvalidConfig, safeAlgorithmName(h.Algorithm()))
		}
		byAlg[h.Algorithm()] = h
	}
	byAlg[c.preferred.Algorithm()] = c.preferred
	return &Policy{
		preferred: c.preferred,
		byAlg:     byAlg,
		maxLength: c.maxLength,
		limiter:   c.limiter,
		logger:    c.logger,
	}, nil
}

// defaultVerifiers returns every supported Django format with default
// parameters.
func defaultVerifiers() []Hasher {
	sha1, _ := NewPBKDF2("pbkdf2_sha1", DefaultPBKDF2Iterations)
	plain, _ := NewPlainBcrypt(DefaultBcryptCost)
	return []Hasher{DefaultPBKDF2(), sha1, DefaultArgon2(), DefaultBcrypt(), plain}
}

// Hasher returns the preferred hasher.
func (p *Policy) Hasher() Hasher { return p.preferred }

// MaxLength returns the longest accepted password in bytes.
func (p *Policy) MaxLength() int { return p.maxLength }

// Make returns a new hash of password made by the preferred hasher. It
// returns [ErrPasswordTooLong], without hashing, for a password over the
// maximum length, and ctx.Err() if ctx ends while waiting for the limiter.
func (p *Policy) Make(ctx context.Context, password string) (string, error) {
	if len(password) > p.maxLength {
		return "", ErrPasswordTooLong
	}
	var encoded string
	err := p.run(ctx, p.preferred.Cost(), func() (err error) {
		encoded, err = p.preferred.Hash(password)
		return err
	})
	return encoded, err
}

// Check reports whether password matches the stored hash encoded and, if it
// does, whether the caller should store a fresh hash from Make (the hash is
// of another algorithm than the preferred one or has outdated parameters).
//
// Every call does exactly one full-cost hash through the limiter: a usable
// hash of an accepted algorithm is verified (a failed verification of an
// outdated hash of the preferred algorithm is padded up to the current
// cost, see [Hardener]); an empty, unusable ("!…"),
// malformed or unsupported one costs one dummy hash with the preferred
// hasher and reports (false, false, nil), exactly like a wrong password (a
// malformed or unsupported hash is also logged, see [WithLogger]). The only
// errors are [ErrPasswordTooLong], returned without hashing for a password
// over the maximum length, and ctx.Err() if ctx ends while waiting for the
// limiter.
func (p *Policy) Check(ctx context.Context, password, encoded string) (ok, needsRehash bool, err error) {
	if len(password) > p.maxLength {
		return false, false, ErrPasswordTooLong
	}
	if !IsUsable(encoded) {
		return false, false, p.dummy(ctx, password)
	}
	alg, hasAlg := algorithmOf(encoded)
	h := p.byAlg[alg]
	if h == nil {
		reason := ErrUnsupportedAlgorithm
		if !hasAlg {
			reason = ErrMalformedHash
		}
		p.warn(ctx, alg, reason)
		return false, false, p.dummy(ctx, password)
	}
	// A failed check of an outdated hash of the preferred algorithm is
	// padded to the current cost (see [Hardener]), in the same limiter
	// slot, which then also holds the current cost's memory.
	cost := verifyCost(h, encoded)
	hd, harden := h.(Hardener)
	harden = harden && alg == p.preferred.Algorithm() && p.preferred.NeedsRehash(encoded)
	if harden {
		cost.MemoryBytes = max(cost.MemoryBytes, h.Cost().MemoryBytes)
	}
	var verifyErr error
	err = p.run(ctx, cost, func() error {
		ok, verifyErr = h.Verify(password, encoded)
		if harden && verifyErr == nil && !ok {
			hd.HardenRuntime(password, encoded)
		}
		return nil
	})
	if err != nil {
		return false, false, err
	}
	if verifyErr != nil {
		// Hashers reject malformed input before hashing, so the work is
		// still to be done.
		p.warn(ctx, alg, verifyErr)
		return false, false, p.dummy(ctx, password)
	}
	if !ok {
		return false, false, nil
	}
	return true, alg != p.preferred.Algorithm() || p.preferred.NeedsRehash(encoded), nil
}

// Dummy spends one hash at the preferred hasher's cost, through the limiter
// and the preferred hasher's Hash, and throws it away. Call it when there
// is no stored hash to check (an unknown user) so that the response takes as
// long as a wrong password would. It returns [ErrPasswordTooLong], without
// hashing, for a password over the maximum length (as Check does), and
// ctx.Err() if ctx ends while waiting for the limiter.
func (p *Policy) Dummy(ctx context.Context, password string) error {
	if len(password) > p.maxLength {
		return ErrPasswordTooLong
	}
	return p.dummy(ctx, password)
}

// dummy hashes password with the preferred hasher and discards the result.
// If the hasher refuses the password (plain bcrypt and a long password), a
// 64-byte stand-in is hashed instead so the work is the same. Only a limiter
// error is returned.
func (p *Policy) dummy(ctx context.Context, password string) error {
	return p.run(ctx, p.preferred.Cost(), func() error {
		if _, err := p.preferred.Hash(password); err != nil {
			_, _ = p.preferred.Hash(string(hexSHA256(password)))
		}
		return nil
	})
}

// run calls fn while holding cost from the limiter.
func (p *Policy) run(ctx context.Context, cost Cost, fn func() error) error {
	release, err := p.limiter.Acquire(ctx, cost)
	if err != nil {
		return err
	}
	defer release()
	return fn()
}

// verifyCost is what verifying encoded with h holds.
func verifyCost(h Hasher, encoded string) Cost {
	if ec, ok := h.(EncodedCoster); ok {
		return ec.EncodedCost(encoded)
	}
	return h.Cost()
}

// warn logs an integrity warning about a stored hash, without the hash.
func (p *Policy) warn(ctx context.Context, alg string, err error) {
	if p.logger == nil {
		return
	}
	reason := "malformed"
	if errors.Is(err, ErrUnsupportedAlgorithm) {
		reason = "unsupported algorithm"
	}
	p.logger.LogAttrs(ctx, slog.LevelWarn, "stored password hash is malformed",
		slog.String("reason", reason),
		slog.String("algorithm", safeAlgorithmName(alg)))
}
