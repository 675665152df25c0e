package memstore

import (
	"context"
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
	s.mu.Lock()
	defer s.mu.Unlock()
	u, err := s.insertTokenLocked(t)
	if err != nil {
		return err
	}
	u.LastLogin = storedTime(at)
	return nil
}
