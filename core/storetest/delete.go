package storetest

import (
	"errors"
	"testing"

	"github.com/restauth/restauth/core"
)

// deleteCases check UserStore.DeleteUser.
func deleteCases() []testCase {
	return []testCase{
		{"Delete/FreesKeysAndCredentials", testDeleteUser},
		{"Delete/Unknown", testDeleteUnknown},
	}
}

// testDeleteUser: DeleteUser removes the user, its tokens and (when the
// store keeps them) its refresh families, frees its username and email,
// and leaves other users alone.
func testDeleteUser(t *testing.T, s core.Store) {
	ctx := t.Context()
	gone := mustCreate(t, s, newUser("Gone"))
	kept := mustCreate(t, s, newUser("kept"))
	mustCreateToken(t, s, tokenFor(gone.ID, 1))
	mustCreateToken(t, s, tokenFor(kept.ID, 2))
	rs, hasRefresh := s.(core.RefreshStore)
	var fam *core.RefreshFamily
	var first *core.RefreshToken
	if hasRefresh {
		fam, first = mustLogin(t, rs, gone.ID, 1)
	}
	if err := s.DeleteUser(ctx, gone.ID); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	if _, err := s.UserByID(ctx, gone.ID); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("UserByID after DeleteUser: %v, want ErrNotFound", err)
	}
	if _, _, err := s.UserByToken(ctx, digest(1)); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("the deleted user's token: %v, want ErrNotFound", err)
	}
	if hasRefresh {
		if _, _, err := rs.UserByRefreshFamily(ctx, fam.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("the deleted user's refresh family: %v, want ErrNotFound", err)
		}
		if _, _, err := rs.RefreshTokenByJTI(ctx, first.JTI); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("the deleted user's refresh token: %v, want ErrNotFound", err)
		}
	}
	if _, _, err := s.UserByToken(ctx, digest(2)); err != nil {
		t.Errorf("another user's token: %v", err)
	}
	mustGet(t, s, kept.ID)
	mustCreate(t, s, newUser("GONE")) // username and email are free again
}

// testDeleteUnknown: deleting a missing user is ErrNotFound.
func testDeleteUnknown(t *testing.T, s core.Store) {
	if err := s.DeleteUser(t.Context(), 424242); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("DeleteUser(unknown) = %v, want ErrNotFound", err)
	}
}
