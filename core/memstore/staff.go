package memstore

import (
	"context"

	"github.com/restauth/restauth/core"
)

var _ core.StaffStore = (*Store)(nil)

// SetStaff implements core.StaffStore.
func (s *Store) SetStaff(ctx context.Context, id int64, staff, superuser bool) error {
	return s.alter(ctx, id, func(u *core.User) bool { u.IsStaff, u.IsSuperuser = staff, superuser; return true })
}
