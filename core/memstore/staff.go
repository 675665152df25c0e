package memstore

import (
	"context"

	"github.com/restauth/restauth/core"
)

var _ core.StaffStore = (*Store)(nil)

// SetStaff implements core.StaffStore.
func (s *Store) SetStaff(ctx context.Context, id int64, staff, superuser bool) error {
	return s.update(ctx, id, func(u *core.User) { u.IsStaff, u.IsSuperuser = staff, superuser })
}
