package core

import "context"

// StaffStore is an optional store capability: changing the Django flags
// is_staff and is_superuser of an existing user (CreateUser already
// writes them, and every user read returns them). Code that needs it finds
// it by type assertion on the store, as core does with RefreshStore:
//
//	ss, ok := store.(core.StaffStore)
//
// memstore and sqlstore implement it.
type StaffStore interface {
	// SetStaff sets IsStaff and IsSuperuser of user id, and nothing else:
	// TokenEpoch is not moved, so the user's credentials stay valid. The
	// flags are read from the store at every authorization ([Auth.Require]
	// loads the user even for a stateless JWT), so a demotion takes effect
	// at the next request. Writing the values already stored is not an
	// error. It returns ErrNotFound for an unknown id.
	SetStaff(ctx context.Context, id int64, staff, superuser bool) error
}
