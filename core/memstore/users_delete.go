package memstore

import (
	"context"

	"github.com/restauth/restauth/core"
)

// DeleteUser implements core.UserStore: the user, its keys, its DB tokens,
// its refresh families and tokens and its social accounts go in one step.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[id]
	if !ok {
		return core.ErrNotFound
	}
	delete(s.users, id)
	delete(s.byUsername, core.CanonicalUsername(u.Username))
	if k := core.CanonicalEmail(u.Email); k != "" && s.byEmail[k] == id {
		delete(s.byEmail, k)
	}
	for d, tok := range s.tokens {
		if tok.UserID == id {
			delete(s.tokens, d)
		}
	}
	for fid, f := range s.families {
		if f.UserID == id {
			delete(s.families, fid)
		}
	}
	for jti, rt := range s.refresh {
		if rt.UserID == id {
			delete(s.refresh, jti)
		}
	}
	for sid, sa := range s.social {
		if sa.UserID == id {
			delete(s.social, sid)
		}
	}
	s.logChangeLocked(id, "", "")
	return nil
}
