package authtest

import (
	"context"
	"sync"

	"github.com/restauth/restauth/core"
)

// tokSpyStore wraps a store and records what the DB-token path asks of
// it: every token written (to check that only digests are persisted) and
// every digest looked up (to check that garbage never reaches the store
// and that lookups are by digest). Group E's helper.
type tokSpyStore struct {
	core.Store
	mu      sync.Mutex
	created []core.Token
	lookups []string
}

// install wraps the config's store; use it as a newEnv option.
func (s *tokSpyStore) install(c *core.Config) {
	s.Store = c.Store
	c.Store = s
}

// CreateToken records t, then stores it.
func (s *tokSpyStore) CreateToken(ctx context.Context, t *core.Token) error {
	s.mu.Lock()
	s.created = append(s.created, *t)
	s.mu.Unlock()
	return s.Store.CreateToken(ctx, t)
}

// UserByToken records the digest, then looks it up.
func (s *tokSpyStore) UserByToken(ctx context.Context, digest string) (*core.User, *core.Token, error) {
	s.mu.Lock()
	s.lookups = append(s.lookups, digest)
	s.mu.Unlock()
	return s.Store.UserByToken(ctx, digest)
}

// lookupCount returns how many UserByToken calls were made so far.
func (s *tokSpyStore) lookupCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.lookups)
}

// lookedUp returns the digests looked up so far.
func (s *tokSpyStore) lookedUp() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.lookups...)
}

// createdTokens returns the tokens written so far.
func (s *tokSpyStore) createdTokens() []core.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]core.Token(nil), s.created...)
}
