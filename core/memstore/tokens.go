package memstore

import (
	"context"
	"fmt"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// CreateToken implements core.TokenStore. A token of an unknown user is
// refused with an error wrapping core.ErrNotFound, like a foreign key.
func (s *Store) CreateToken(ctx context.Context, t *core.Token) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.insertTokenLocked(t)
	return err
}

// insertTokenLocked validates t and stores a copy, returning its owner.
// The caller holds s.mu for writing.
func (s *Store) insertTokenLocked(t *core.Token) (*core.User, error) {
	if err := storekit.CheckText(storekit.TextField{Name: "digest", Value: t.Digest, Max: core.TokenDigestLength}); err != nil {
		return nil, err
	}
	u, ok := s.users[t.UserID]
	if !ok {
		return nil, fmt.Errorf("memstore: token owner %d: %w", t.UserID, core.ErrNotFound)
	}
	if _, dup := s.tokens[t.Digest]; dup {
		return nil, core.ErrTokenExists
	}
	stored := *t
	stored.Created = storedTime(t.Created)
	stored.Expires = storedTime(t.Expires)
	s.tokens[t.Digest] = &stored
	return u, nil
}

// UserByToken implements core.TokenStore.
func (s *Store) UserByToken(ctx context.Context, digest string) (*core.User, *core.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.tokens[digest]
	if !ok {
		return nil, nil, core.ErrNotFound
	}
	u, err := s.userCopy(t.UserID)
	if err != nil {
		return nil, nil, err
	}
	tc := *t
	return u, &tc, nil
}

// DeleteToken implements core.TokenStore.
func (s *Store) DeleteToken(ctx context.Context, digest string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[digest]; ok {
		delete(s.tokens, digest)
		s.logChangeLocked(t.UserID, "", digest)
	}
	return nil
}

// DeleteUserTokens implements core.TokenStore.
func (s *Store) DeleteUserTokens(ctx context.Context, userID int64, exceptDigest string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for digest, t := range s.tokens {
		if t.UserID == userID && digest != exceptDigest {
			delete(s.tokens, digest)
			n++
		}
	}
	if n > 0 {
		s.logChangeLocked(userID, "", "")
	}
	return n, nil
}
