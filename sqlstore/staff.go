package sqlstore

import (
	"context"

	"github.com/restauth/restauth/core"
)

var _ core.StaffStore = (*Store)(nil)

// SetStaff implements core.StaffStore: one UPDATE of both flags, which
// leaves token_epoch alone, written with its change (core.ChangeFeed).
func (s *Store) SetStaff(ctx context.Context, id int64, staff, superuser bool) error {
	return s.alterUserByID(ctx, "set staff", s.q.setStaff, s.cq.pgSetStaff, id, staff, superuser, id)
}
