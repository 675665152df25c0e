package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/restauth/restauth/core"
)

var _ core.LoginTokenStore = (*Store)(nil)

// CreateLoginToken implements core.LoginTokenStore: LastLogin and the token
// are written under one lock, after every check has passed.
func (s *Store) CreateLoginToken(ctx context.Context, t *core.Token, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := core.CheckText(core.TextField{Name: "digest", Value: t.Digest, Max: core.TokenDigestLength}); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[t.UserID]
	if !ok {
		return fmt.Errorf("memstore: token owner %d: %w", t.UserID, core.ErrNotFound)
	}
	if _, dup := s.tokens[t.Digest]; dup {
		return core.ErrTokenExists
	}
	stored := *t
	stored.Created = storedTime(t.Created)
	stored.Expires = storedTime(t.Expires)
	s.tokens[t.Digest] = &stored
	u.LastLogin = storedTime(at)
	return nil
}
