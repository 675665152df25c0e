package sqlstore

import (
	"context"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
)

// sqlDeleteUser removes a user; its tokens and refresh families (and their
// tokens) go with it through ON DELETE CASCADE.
const sqlDeleteUser = `DELETE FROM restauth_user WHERE id = ?`

// DeleteUser implements core.UserStore.
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, sqlx.Rebind(s.dialect.bindType(), sqlDeleteUser), id)
	if err != nil {
		return wrap("delete user", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap("delete user", err)
	}
	if n == 0 {
		return core.ErrNotFound
	}
	return nil
}
