package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

var _ core.SocialAccountStore = (*Store)(nil)

// CreateSocialAccount implements core.SocialAccountStore.
func (s *Store) CreateSocialAccount(ctx context.Context, a *core.SocialAccount) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storekit.SocialKey(a.Provider, a.UID); err != nil {
		return err
	}
	extra, err := storekit.SocialExtra(a.ExtraData)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[a.UserID]; !ok {
		return fmt.Errorf("memstore: social account of user %d: %w", a.UserID, core.ErrNotFound)
	}
	if s.socialByUID(a.Provider, a.UID) != nil {
		return core.ErrSocialAccountTaken
	}
	if s.social == nil {
		s.social = make(map[int64]*core.SocialAccount)
	}
	s.lastSocialID++
	stored := *a
	stored.ID = s.lastSocialID
	stored.ExtraData = json.RawMessage(extra)
	stored.LastLogin = storedTime(a.LastLogin)
	stored.DateJoined = storedTime(a.DateJoined)
	s.social[stored.ID] = &stored
	a.ID = stored.ID
	return nil
}

// socialByUID returns the account of (provider, uid), or nil; the caller
// holds the lock.
func (s *Store) socialByUID(provider, uid string) *core.SocialAccount {
	for _, sa := range s.social {
		if sa.Provider == provider && sa.UID == uid {
			return sa
		}
	}
	return nil
}

// socialCopy returns a copy of sa that shares nothing with it.
func socialCopy(sa *core.SocialAccount) core.SocialAccount {
	c := *sa
	c.ExtraData = slices.Clone(sa.ExtraData)
	return c
}

// SocialAccountByUID implements core.SocialAccountStore.
func (s *Store) SocialAccountByUID(ctx context.Context, provider, uid string) (*core.SocialAccount, *core.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if !storekit.SocialKeyStorable(provider, uid) {
		return nil, nil, core.ErrNotFound
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	sa := s.socialByUID(provider, uid)
	if sa == nil {
		return nil, nil, core.ErrNotFound
	}
	u, err := s.userCopy(sa.UserID)
	if err != nil {
		return nil, nil, err
	}
	c := socialCopy(sa)
	return &c, u, nil
}

// SocialAccountsByUser implements core.SocialAccountStore.
func (s *Store) SocialAccountsByUser(ctx context.Context, userID int64) ([]core.SocialAccount, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := []core.SocialAccount{}
	for _, sa := range s.social {
		if sa.UserID == userID {
			out = append(out, socialCopy(sa))
		}
	}
	slices.SortFunc(out, func(a, b core.SocialAccount) int { return int(a.ID - b.ID) })
	return out, nil
}

// RecordSocialLogin implements core.SocialAccountStore.
func (s *Store) RecordSocialLogin(ctx context.Context, id int64, at time.Time, extra json.RawMessage) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	stored, err := storekit.SocialExtra(extra)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sa, ok := s.social[id]
	if !ok {
		return core.ErrNotFound
	}
	sa.LastLogin = storedTime(at)
	sa.ExtraData = json.RawMessage(stored)
	return nil
}

// DeleteSocialAccount implements core.SocialAccountStore; the lock makes
// the keepOne check and the delete one step.
func (s *Store) DeleteSocialAccount(ctx context.Context, userID, id int64, keepOne bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sa, ok := s.social[id]
	if !ok || sa.UserID != userID {
		return core.ErrNotFound
	}
	if keepOne {
		others := 0
		for _, o := range s.social {
			if o.UserID == userID && o.ID != id {
				others++
			}
		}
		if others == 0 {
			return core.ErrLastLoginMethod
		}
	}
	delete(s.social, id)
	return nil
}
