package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// staffFlags are the four combinations of IsStaff and IsSuperuser.
var staffFlags = []struct{ staff, superuser bool }{
	{false, false}, {true, false}, {false, true}, {true, true},
}

func staffCases() []testCase {
	return []testCase{
		{"Staff/RoundTrip", testStaffRoundTrip},
		{"Staff/UpdateProfileKeepsFlags", testStaffUpdateProfile},
		{"Staff/OtherWritesKeepFlags", testStaffOtherWrites},
	}
}

// testStaffRoundTrip creates a user of every flag combination and reads
// the flags back through every user read of the contract: UserByID,
// UserByUsername, UserByEmail, UserByToken and, on a core.RefreshStore,
// UserByRefreshFamily.
func testStaffRoundTrip(t *testing.T, s core.Store) {
	rs, _ := s.(core.RefreshStore)
	for i, fl := range staffFlags {
		u := newUser(fmt.Sprintf("user%d", i))
		u.IsStaff, u.IsSuperuser = fl.staff, fl.superuser
		mustCreate(t, s, u)
		if u.IsStaff != fl.staff || u.IsSuperuser != fl.superuser {
			t.Errorf("CreateUser changed the flags of its argument: %v %v", u.IsStaff, u.IsSuperuser)
		}
		tok := tokenFor(u.ID, byte(i+1))
		mustCreateToken(t, s, tok)

		reads := map[string]func() (*core.User, error){
			"UserByID":       func() (*core.User, error) { return s.UserByID(t.Context(), u.ID) },
			"UserByUsername": func() (*core.User, error) { return s.UserByUsername(t.Context(), u.Username) },
			"UserByEmail":    func() (*core.User, error) { return s.UserByEmail(t.Context(), u.Email) },
			"UserByToken": func() (*core.User, error) {
				got, _, err := s.UserByToken(t.Context(), tok.Digest)
				return got, err
			},
		}
		if rs != nil {
			f, first := newFamily(u.ID, i+1)
			mustCreateFamily(t, rs, f, first)
			reads["UserByRefreshFamily"] = func() (*core.User, error) {
				got, _, err := rs.UserByRefreshFamily(t.Context(), f.ID)
				return got, err
			}
		}
		for name, read := range reads {
			got, err := read()
			if err != nil {
				t.Errorf("%s of %s: %v", name, u.Username, err)
				continue
			}
			if got.IsStaff != fl.staff || got.IsSuperuser != fl.superuser {
				t.Errorf("%s of %s: IsStaff, IsSuperuser = %v, %v; want %v, %v",
					name, u.Username, got.IsStaff, got.IsSuperuser, fl.staff, fl.superuser)
			}
			checkUser(t, got, u)
		}
	}
}

// testStaffUpdateProfile: UpdateProfile writes the profile fields only, so
// a profile update carrying other flags (a client sending is_staff) never
// promotes or demotes anyone.
func testStaffUpdateProfile(t *testing.T, s core.Store) {
	for i, fl := range staffFlags {
		u := newUser(fmt.Sprintf("user%d", i))
		u.IsStaff, u.IsSuperuser = fl.staff, fl.superuser
		mustCreate(t, s, u)
		upd := *u
		upd.Username, upd.FirstName = fmt.Sprintf("renamed%d", i), "Changed"
		upd.IsStaff, upd.IsSuperuser = !fl.staff, !fl.superuser
		if err := s.UpdateProfile(t.Context(), &upd); err != nil {
			t.Fatalf("UpdateProfile: %v", err)
		}
		want := *u
		want.Username, want.FirstName = upd.Username, upd.FirstName
		checkUser(t, mustGet(t, s, u.ID), &want)
	}
}

// testStaffOtherWrites: no other write of the contract touches the flags.
func testStaffOtherWrites(t *testing.T, s core.Store) {
	u := newUser("admin")
	u.IsStaff, u.IsSuperuser = true, true
	mustCreate(t, s, u)
	writes := []struct {
		name string
		call func() error
	}{
		{"SetPassword", func() error { return s.SetPassword(t.Context(), u.ID, hashB) }},
		{"UpgradePasswordHash", func() error { _, err := s.UpgradePasswordHash(t.Context(), u.ID, hashB, hashA); return err }},
		{"SetActive(false)", func() error { return s.SetActive(t.Context(), u.ID, false) }},
		{"SetActive(true)", func() error { return s.SetActive(t.Context(), u.ID, true) }},
		{"SetEmailVerified", func() error { return s.SetEmailVerified(t.Context(), u.ID, true) }},
		{"RecordLogin", func() error { return s.RecordLogin(t.Context(), u.ID, loggedInAt()) }},
	}
	if ls, ok := s.(core.LoginTokenStore); ok {
		writes = append(writes, struct {
			name string
			call func() error
		}{"CreateLoginToken", func() error {
			return ls.CreateLoginToken(t.Context(), tokenFor(u.ID, 1), loggedInAt().Add(time.Minute))
		}})
	}
	for _, w := range writes {
		if err := w.call(); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if got := mustGet(t, s, u.ID); !got.IsStaff || !got.IsSuperuser {
			t.Errorf("after %s: IsStaff, IsSuperuser = %v, %v; want true, true", w.name, got.IsStaff, got.IsSuperuser)
		}
	}
}

// staffStoreCase is one check of core.StaffStore.
type staffStoreCase struct {
	name string
	run  func(t *testing.T, s core.Store, ss core.StaffStore)
}

// staffStoreCases checks core.StaffStore (core/store_staff.go).
func staffStoreCases() []staffStoreCase {
	return []staffStoreCase{
		{"Sets", testSetStaffSets},
		{"Unchanged", testSetStaffUnchanged},
		{"UnknownUser", testSetStaffUnknownUser},
		{"CancelledContext", testSetStaffCancelled},
	}
}

// runStaffStore runs the core.StaffStore cases, one fresh store each, and
// skips the group with a message when the store lacks the capability.
func runStaffStore(t *testing.T, newStore func(t *testing.T) core.Store) {
	for _, tc := range staffStoreCases() {
		unsupported := ""
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			ss, ok := s.(core.StaffStore)
			if !ok {
				unsupported = fmt.Sprintf("%T", s)
				t.Skipf("skipped: %s does not implement core.StaffStore", unsupported)
			}
			tc.run(t, s, ss)
		})
		if unsupported != "" {
			t.Skipf("skipped: %s does not implement core.StaffStore", unsupported)
		}
	}
}

// testSetStaffSets walks a user through every combination: each call sets
// both flags and nothing else (TokenEpoch included), of that user only.
func testSetStaffSets(t *testing.T, s core.Store, ss core.StaffStore) {
	u := mustCreate(t, s, newUser("alice"))
	other := newUser("bob")
	other.IsStaff = true
	mustCreate(t, s, other)
	// Every combination, ending where the user started.
	for _, fl := range []struct{ staff, superuser bool }{{true, false}, {false, true}, {true, true}, {false, false}} {
		if err := ss.SetStaff(t.Context(), u.ID, fl.staff, fl.superuser); err != nil {
			t.Fatalf("SetStaff(%v, %v): %v", fl.staff, fl.superuser, err)
		}
		want := *u
		want.IsStaff, want.IsSuperuser = fl.staff, fl.superuser
		checkUser(t, mustGet(t, s, u.ID), &want)
		got, err := s.UserByUsername(t.Context(), "alice")
		if err != nil || got.IsStaff != fl.staff || got.IsSuperuser != fl.superuser {
			t.Errorf("UserByUsername after SetStaff(%v, %v) = %+v, %v", fl.staff, fl.superuser, got, err)
		}
		checkUser(t, mustGet(t, s, other.ID), other)
	}
}

// testSetStaffUnchanged writes the values already stored: no row changes,
// which some databases report as zero affected rows. It is not a miss.
func testSetStaffUnchanged(t *testing.T, s core.Store, ss core.StaffStore) {
	u := newUser("alice")
	u.IsStaff = true
	mustCreate(t, s, u)
	for range 2 {
		if err := ss.SetStaff(t.Context(), u.ID, true, false); err != nil {
			t.Fatalf("SetStaff(same values): %v", err)
		}
	}
	checkUser(t, mustGet(t, s, u.ID), u)
}

// testSetStaffUnknownUser: an unknown id is ErrNotFound and changes no one.
func testSetStaffUnknownUser(t *testing.T, s core.Store, ss core.StaffStore) {
	u := mustCreate(t, s, newUser("alice"))
	for _, id := range []int64{u.ID + 1000, 0, -1} {
		wantErrIs(t, fmt.Sprintf("SetStaff(%d)", id), ss.SetStaff(t.Context(), id, true, true), core.ErrNotFound)
	}
	checkUser(t, mustGet(t, s, u.ID), u)
}

// testSetStaffCancelled: a done context fails the call with a non-sentinel
// error and writes nothing.
func testSetStaffCancelled(t *testing.T, s core.Store, ss core.StaffStore) {
	u := mustCreate(t, s, newUser("alice"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := ss.SetStaff(ctx, u.ID, true, true)
	if err == nil {
		t.Fatal("SetStaff with a cancelled context succeeded")
	}
	if isSentinel(err) {
		t.Errorf("SetStaff with a cancelled context: err = %v, want a non-sentinel error", err)
	}
	checkUser(t, mustGet(t, s, u.ID), u)
}
