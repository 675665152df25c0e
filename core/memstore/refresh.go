package memstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// storedRefreshToken returns a private copy of t with times as a database
// returns them.
func storedRefreshToken(t *core.RefreshToken) *core.RefreshToken {
	c := *t
	c.Issued = storedTime(t.Issued)
	c.Expires = storedTime(t.Expires)
	c.Used = storedTime(t.Used)
	return &c
}

// expired reports whether tok has expired at `at` (at >= Expires).
func expired(tok *core.RefreshToken, at time.Time) bool {
	return !storedTime(at).Before(tok.Expires)
}

// CreateRefreshFamily implements core.RefreshStore. first must belong to
// f (same family ID and user); a family ID or jti already stored is
// refused with a plain error.
func (s *Store) CreateRefreshFamily(ctx context.Context, f *core.RefreshFamily, first *core.RefreshToken) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := errors.Join(storekit.CheckRefreshID("family id", f.ID), storekit.CheckRefreshID("jti", first.JTI)); err != nil {
		return err
	}
	if first.FamilyID != f.ID || first.UserID != f.UserID {
		return fmt.Errorf("memstore: create refresh family: first token (family %q, user %d) does not belong to family %q of user %d",
			first.FamilyID, first.UserID, f.ID, f.UserID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[f.UserID]; !ok {
		return fmt.Errorf("memstore: refresh family owner %d: %w", f.UserID, core.ErrNotFound)
	}
	if _, dup := s.families[f.ID]; dup {
		return errors.New("memstore: create refresh family: family id already stored")
	}
	if _, dup := s.refresh[first.JTI]; dup {
		return errors.New("memstore: create refresh family: jti already stored")
	}
	stored := *f
	stored.Created = storedTime(f.Created)
	stored.Revoked = storedTime(f.Revoked)
	s.families[f.ID] = &stored
	s.refresh[first.JTI] = storedRefreshToken(first)
	return nil
}

// ConsumeRefreshToken implements core.RefreshStore under the write lock,
// so that of concurrent calls for one jti exactly one succeeds. An expired
// token is not found, even if it was also used; a used token is reported
// as used before a revoked family is reported. The successor must
// continue the token's family for the same user.
func (s *Store) ConsumeRefreshToken(ctx context.Context, jti string, at time.Time, successor *core.RefreshToken) (*core.RefreshToken, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errors.Join(
		storekit.CheckRefreshID("successor jti", successor.JTI),
		storekit.CheckRefreshID("successor family id", successor.FamilyID),
		storekit.CheckInstant("rotation", at),
	); err != nil {
		return nil, err
	}
	if !storekit.RefreshIDStorable(jti) {
		return nil, core.ErrNotFound
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, ok := s.refresh[jti]
	if !ok || expired(tok, at) {
		return nil, core.ErrNotFound
	}
	before := *tok
	if !tok.Used.IsZero() {
		return &before, core.ErrRefreshUsed
	}
	if !s.families[tok.FamilyID].Revoked.IsZero() {
		return &before, core.ErrRefreshRevoked
	}
	if successor.FamilyID != tok.FamilyID || successor.UserID != tok.UserID {
		return nil, fmt.Errorf("memstore: consume refresh token: successor (family %q, user %d) does not continue family %q of user %d",
			successor.FamilyID, successor.UserID, tok.FamilyID, tok.UserID)
	}
	if _, dup := s.refresh[successor.JTI]; dup {
		return nil, errors.New("memstore: consume refresh token: successor jti already stored")
	}
	tok.Used = storedTime(at)
	s.refresh[successor.JTI] = storedRefreshToken(successor)
	return &before, nil
}

// AddRefreshToken implements core.RefreshStore.
func (s *Store) AddRefreshToken(ctx context.Context, t *core.RefreshToken) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := errors.Join(storekit.CheckRefreshID("jti", t.JTI), storekit.CheckRefreshID("family id", t.FamilyID)); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.families[t.FamilyID]
	switch {
	case !ok:
		return core.ErrNotFound
	case !f.Revoked.IsZero():
		return core.ErrRefreshRevoked
	case f.UserID != t.UserID:
		return fmt.Errorf("memstore: add refresh token: token of user %d in family %q of user %d", t.UserID, f.ID, f.UserID)
	}
	if _, dup := s.refresh[t.JTI]; dup {
		return errors.New("memstore: add refresh token: jti already stored")
	}
	s.refresh[t.JTI] = storedRefreshToken(t)
	return nil
}

// RefreshTokenByJTI implements core.RefreshStore.
func (s *Store) RefreshTokenByJTI(ctx context.Context, jti string) (*core.RefreshToken, *core.RefreshFamily, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if !storekit.RefreshIDStorable(jti) {
		return nil, nil, core.ErrNotFound
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	tok, ok := s.refresh[jti]
	if !ok {
		return nil, nil, core.ErrNotFound
	}
	tc, fc := *tok, *s.families[tok.FamilyID]
	return &tc, &fc, nil
}

// UserByRefreshFamily implements core.RefreshStore.
func (s *Store) UserByRefreshFamily(ctx context.Context, familyID string) (*core.User, *core.RefreshFamily, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if !storekit.RefreshIDStorable(familyID) {
		return nil, nil, core.ErrNotFound
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	f, ok := s.families[familyID]
	if !ok {
		return nil, nil, core.ErrNotFound
	}
	u, err := s.userCopy(f.UserID)
	if err != nil {
		return nil, nil, err
	}
	fc := *f
	return u, &fc, nil
}

// RevokeRefreshFamily implements core.RefreshStore.
func (s *Store) RevokeRefreshFamily(ctx context.Context, familyID string, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := storekit.CheckInstant("revocation", at); err != nil {
		return err
	}
	if !storekit.RefreshIDStorable(familyID) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.families[familyID]; ok && f.Revoked.IsZero() {
		f.Revoked = storedTime(at)
		s.logChangeLocked(f.UserID, familyID, "")
	}
	return nil
}

// RevokeUserRefreshFamilies implements core.RefreshStore. An exception no
// store could hold matches no family, so it excepts nothing.
func (s *Store) RevokeUserRefreshFamilies(ctx context.Context, userID int64, exceptFamilyID string, at time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	if err := storekit.CheckInstant("revocation", at); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, f := range s.families {
		if f.UserID == userID && f.Revoked.IsZero() && id != exceptFamilyID {
			f.Revoked = storedTime(at)
			n++
		}
	}
	if n > 0 {
		s.logChangeLocked(userID, "", "")
	}
	return n, nil
}

// FlushExpiredRefreshTokens implements core.RefreshStore: it deletes the
// tokens expired at `before` (Expires <= before), then every family left
// without tokens.
func (s *Store) FlushExpiredRefreshTokens(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for jti, tok := range s.refresh {
		if expired(tok, before) {
			delete(s.refresh, jti)
			n++
		}
	}
	live := make(map[string]bool, len(s.families))
	for _, tok := range s.refresh {
		live[tok.FamilyID] = true
	}
	for id := range s.families {
		if !live[id] {
			delete(s.families, id)
		}
	}
	return n, nil
}
