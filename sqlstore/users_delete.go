package sqlstore

import (
	"context"

	"github.com/restauth/restauth/core"
)

// sqlDeleteUser removes a user; its tokens and refresh families (and their
// tokens) go with it through ON DELETE CASCADE.
const sqlDeleteUser = `DELETE FROM restauth_user WHERE id = ?`

// DeleteUser implements core.UserStore, with its change
// (core.ChangeFeed).
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	n, err := s.alterUser(ctx, "delete user", s.cq.deleteUser, s.cq.pgDeleteUser, id, id)
	if err != nil {
		return wrapOnce("delete user", err)
	}
	if n == 0 {
		return core.ErrNotFound
	}
	return nil
}
