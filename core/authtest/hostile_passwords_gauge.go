package authtest

import (
	"sync"

	"github.com/restauth/restauth/core/password"
)

// pwGaugeHasher wraps a hasher and records the most operations and the
// most memory (by the limiter's own accounting: a stored hash's
// EncodedCost for Verify, Cost for Hash) in flight at once, to show that
// the limiter bounds them.
type pwGaugeHasher struct {
	password.Hasher
	mu               sync.Mutex
	ops, mem         int64
	maxOps, maxMem   int64
	verifies, hashes int64
}

// enter records one operation of mem bytes starting; the returned func
// records its end.
func (g *pwGaugeHasher) enter(mem int64) func() {
	g.mu.Lock()
	g.ops++
	g.mem += mem
	g.maxOps = max(g.maxOps, g.ops)
	g.maxMem = max(g.maxMem, g.mem)
	g.mu.Unlock()
	return func() {
		g.mu.Lock()
		g.ops--
		g.mem -= mem
		g.mu.Unlock()
	}
}

// Hash implements password.Hasher.
func (g *pwGaugeHasher) Hash(pw string) (string, error) {
	defer g.enter(g.Hasher.Cost().MemoryBytes)()
	g.mu.Lock()
	g.hashes++
	g.mu.Unlock()
	return g.Hasher.Hash(pw)
}

// Verify implements password.Hasher.
func (g *pwGaugeHasher) Verify(pw, encoded string) (bool, error) {
	defer g.enter(g.EncodedCost(encoded).MemoryBytes)()
	g.mu.Lock()
	g.verifies++
	g.mu.Unlock()
	return g.Hasher.Verify(pw, encoded)
}

// EncodedCost implements password.EncodedCoster.
func (g *pwGaugeHasher) EncodedCost(encoded string) password.Cost {
	if ec, ok := g.Hasher.(password.EncodedCoster); ok {
		return ec.EncodedCost(encoded)
	}
	return g.Hasher.Cost()
}

// peak returns the most operations and bytes seen in flight, and the
// number of verifications and hashes.
func (g *pwGaugeHasher) peak() (ops, mem, verifies, hashes int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.maxOps, g.maxMem, g.verifies, g.hashes
}
