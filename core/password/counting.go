package password

import "sync/atomic"

// CountingHasher wraps a Hasher and counts the full-cost hash operations it
// performs. It is meant for tests, including tests in other packages that
// assert "exactly one hash per failed login" or "no hash for an over-long
// password": use it as a [Policy]'s preferred hasher with [WithHasher].
//
// A counted operation is a Hash or Verify call that returned a nil error
// (and, for Verify, was not given an unusable "!…" hash), because those are
// the calls that computed a hash; calls rejected on their input (a
// malformed stored hash, an over-long password) are counted only by
// [CountingHasher.Calls]. CountingHasher is safe for concurrent use.
type CountingHasher struct {
	inner    Hasher
	hashes   atomic.Int64
	calls    atomic.Int64
	hardened atomic.Int64
}

// NewCountingHasher returns a CountingHasher around h.
func NewCountingHasher(h Hasher) *CountingHasher {
	return &CountingHasher{inner: h}
}

// Unwrap returns the wrapped hasher.
func (c *CountingHasher) Unwrap() Hasher { return c.inner }

// Count returns the number of full-cost hash operations so far.
func (c *CountingHasher) Count() int64 { return c.hashes.Load() }

// Calls returns the number of Hash and Verify calls so far, including those
// that failed before hashing.
func (c *CountingHasher) Calls() int64 { return c.calls.Load() }

// Hardened returns the number of HardenRuntime calls so far: failed checks
// of an outdated hash that were padded to the current cost, which together
// with their Verify make one full-cost operation.
func (c *CountingHasher) Hardened() int64 { return c.hardened.Load() }

// Reset sets every counter to zero.
func (c *CountingHasher) Reset() {
	c.hashes.Store(0)
	c.calls.Store(0)
	c.hardened.Store(0)
}

// Algorithm returns the wrapped hasher's algorithm.
func (c *CountingHasher) Algorithm() string { return c.inner.Algorithm() }

// Hash calls the wrapped hasher's Hash and counts it.
func (c *CountingHasher) Hash(password string) (string, error) {
	c.calls.Add(1)
	s, err := c.inner.Hash(password)
	if err == nil {
		c.hashes.Add(1)
	}
	return s, err
}

// Verify calls the wrapped hasher's Verify and counts it.
func (c *CountingHasher) Verify(password, encoded string) (bool, error) {
	c.calls.Add(1)
	ok, err := c.inner.Verify(password, encoded)
	if err == nil && !isUnusablePrefix(encoded) {
		c.hashes.Add(1)
	}
	return ok, err
}

// NeedsRehash returns the wrapped hasher's answer; it is not counted.
func (c *CountingHasher) NeedsRehash(encoded string) bool { return c.inner.NeedsRehash(encoded) }

// Cost returns the wrapped hasher's cost.
func (c *CountingHasher) Cost() Cost { return c.inner.Cost() }

// EncodedCost forwards to the wrapped hasher if it is an [EncodedCoster],
// else returns its Cost.
func (c *CountingHasher) EncodedCost(encoded string) Cost {
	if ec, ok := c.inner.(EncodedCoster); ok {
		return ec.EncodedCost(encoded)
	}
	return c.inner.Cost()
}

// HardenRuntime forwards to the wrapped hasher if it is a [Hardener] and
// counts the call (see [CountingHasher.Hardened]).
func (c *CountingHasher) HardenRuntime(password, encoded string) {
	if h, ok := c.inner.(Hardener); ok {
		c.hardened.Add(1)
		h.HardenRuntime(password, encoded)
	}
}
