package memstore

import (
	"context"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// CreateUser implements core.UserStore.
func (s *Store) CreateUser(ctx context.Context, u *core.User) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	usernameKey, emailKey, err := storekit.UserKeys(u)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.byUsername[usernameKey]; taken {
		return core.ErrUsernameTaken
	}
	if _, taken := s.byEmail[emailKey]; taken && emailKey != "" {
		return core.ErrEmailTaken
	}
	s.lastID++
	stored := *u
	stored.ID = s.lastID
	stored.DateJoined = storedTime(u.DateJoined)
	stored.LastLogin = storedTime(u.LastLogin)
	s.users[stored.ID] = &stored
	s.byUsername[usernameKey] = stored.ID
	if emailKey != "" {
		s.byEmail[emailKey] = stored.ID
	}
	u.ID = stored.ID
	return nil
}

// UserByID implements core.UserStore.
func (s *Store) UserByID(ctx context.Context, id int64) (*core.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.userCopy(id)
}

// UserByUsername implements core.UserStore.
func (s *Store) UserByUsername(ctx context.Context, username string) (*core.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key := core.CanonicalUsername(username)
	if !storekit.Storable(key, core.MaxKeyLength) {
		return nil, core.ErrNotFound
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byUsername[key]
	if !ok {
		return nil, core.ErrNotFound
	}
	return s.userCopy(id)
}

// UserByEmail implements core.UserStore.
func (s *Store) UserByEmail(ctx context.Context, email string) (*core.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key := core.CanonicalEmail(email)
	if key == "" || !storekit.Storable(key, core.MaxKeyLength) {
		return nil, core.ErrNotFound
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	id, ok := s.byEmail[key]
	if !ok {
		return nil, core.ErrNotFound
	}
	return s.userCopy(id)
}

// UpdateProfile implements core.UserStore.
func (s *Store) UpdateProfile(ctx context.Context, u *core.User) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	key := core.CanonicalUsername(u.Username)
	if err := storekit.CheckText(
		storekit.TextField{Name: "username", Value: u.Username, Max: core.MaxUsernameLength},
		storekit.TextField{Name: "username key", Value: key, Max: core.MaxKeyLength},
		storekit.TextField{Name: "first name", Value: u.FirstName, Max: core.MaxNameLength},
		storekit.TextField{Name: "last name", Value: u.LastName, Max: core.MaxNameLength},
	); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.users[u.ID]
	if !ok {
		return core.ErrNotFound
	}
	if holder, taken := s.byUsername[key]; taken && holder != u.ID {
		return core.ErrUsernameTaken
	}
	delete(s.byUsername, core.CanonicalUsername(stored.Username))
	s.byUsername[key] = u.ID
	stored.Username, stored.FirstName, stored.LastName = u.Username, u.FirstName, u.LastName
	s.logChangeLocked(u.ID, "", "")
	return nil
}

// SetPassword implements core.UserStore.
func (s *Store) SetPassword(ctx context.Context, id int64, hash string) error {
	if err := storekit.CheckText(storekit.TextField{Name: "password", Value: hash, Max: core.MaxPasswordHashLength}); err != nil {
		return err
	}
	return s.alter(ctx, id, func(u *core.User) bool {
		u.PasswordHash = hash
		u.TokenEpoch++
		return true
	})
}

// UpgradePasswordHash implements core.UserStore. It returns ErrNotFound for
// an unknown id.
func (s *Store) UpgradePasswordHash(ctx context.Context, id int64, oldHash, newHash string) (bool, error) {
	if err := storekit.CheckText(storekit.TextField{Name: "password", Value: newHash, Max: core.MaxPasswordHashLength}); err != nil {
		return false, err
	}
	swapped := false
	err := s.alter(ctx, id, func(u *core.User) bool {
		if u.PasswordHash == oldHash {
			u.PasswordHash = newHash
			swapped = true
		}
		return swapped
	})
	return swapped, err
}

// SetActive implements core.UserStore.
func (s *Store) SetActive(ctx context.Context, id int64, active bool) error {
	return s.alter(ctx, id, func(u *core.User) bool {
		u.IsActive = active
		if !active {
			u.TokenEpoch++
		}
		return true
	})
}

// SetEmailVerified implements core.UserStore.
func (s *Store) SetEmailVerified(ctx context.Context, id int64, verified bool) error {
	return s.alter(ctx, id, func(u *core.User) bool { u.EmailVerified = verified; return true })
}

// RecordLogin implements core.UserStore.
func (s *Store) RecordLogin(ctx context.Context, id int64, at time.Time) error {
	at = storedTime(at)
	return s.update(ctx, id, func(u *core.User) { u.LastLogin = at })
}

// update applies change to the stored user id under the write lock.
func (s *Store) update(ctx context.Context, id int64, change func(u *core.User)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return core.ErrNotFound
	}
	change(u)
	return nil
}

// alter is update for a write that alters a login: when change reports
// that it changed something, a user change is logged (core.ChangeFeed)
// under the same lock.
func (s *Store) alter(ctx context.Context, id int64, change func(u *core.User) bool) error {
	return s.update(ctx, id, func(u *core.User) {
		if change(u) {
			s.logChangeLocked(id, "", "")
		}
	})
}

// userCopy returns a copy of user id; the caller holds the lock.
func (s *Store) userCopy(id int64) (*core.User, error) {
	u, ok := s.users[id]
	if !ok {
		return nil, core.ErrNotFound
	}
	c := *u
	return &c, nil
}
