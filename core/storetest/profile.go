package storetest

import (
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

func profileCases() []testCase {
	return []testCase{
		{"UpdateProfile/WritesOnlyProfileFields", testProfileWritesOnlyProfile},
		{"UpdateProfile/OwnUsernameAnyCase", testProfileOwnUsername},
		{"UpdateProfile/TakenUsername", testProfileTakenUsername},
		{"UpdateProfile/Unchanged", testProfileUnchanged},
	}
}

func testProfileWritesOnlyProfile(t *testing.T, s core.Store) {
	u := newUser("alice")
	u.EmailVerified = true
	mustCreate(t, s, u)

	upd := &core.User{
		ID:            u.ID,
		Username:      "Alice2",
		FirstName:     "Ann",
		LastName:      "Smith",
		Email:         "changed@example.com",
		PasswordHash:  hashB,
		IsActive:      false,
		EmailVerified: false,
		DateJoined:    time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC),
		LastLogin:     loggedInAt(),
		TokenEpoch:    42,
	}
	if err := s.UpdateProfile(t.Context(), upd); err != nil {
		t.Fatalf("UpdateProfile: %v", err)
	}
	want := *u
	want.Username, want.FirstName, want.LastName = "Alice2", "Ann", "Smith"
	checkUser(t, mustGet(t, s, u.ID), &want)

	wantNoUsername(t, s, "alice")
	if got, err := s.UserByUsername(t.Context(), "ALICE2"); err != nil || got.ID != u.ID {
		t.Errorf("UserByUsername(ALICE2) = %v, %v; want user %d", got, err, u.ID)
	}
	if got, err := s.UserByEmail(t.Context(), "alice@example.com"); err != nil || got.ID != u.ID {
		t.Errorf("UserByEmail(old email) = %v, %v; want user %d", got, err, u.ID)
	}
	wantNoEmail(t, s, "changed@example.com")
}

func testProfileOwnUsername(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	for _, name := range []string{"alice", "ALICE", "Alice"} {
		upd := *u
		upd.Username = name
		if err := s.UpdateProfile(t.Context(), &upd); err != nil {
			t.Fatalf("UpdateProfile(own username %q): %v", name, err)
		}
		if got := mustGet(t, s, u.ID); got.Username != name {
			t.Errorf("Username = %q, want %q", got.Username, name)
		}
	}
}

func testProfileTakenUsername(t *testing.T, s core.Store) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	upd := *bob
	upd.Username = "ALICE"
	upd.FirstName = "Changed"
	wantErrIs(t, "UpdateProfile(taken)", s.UpdateProfile(t.Context(), &upd), core.ErrUsernameTaken)
	checkUser(t, mustGet(t, s, bob.ID), bob)
	checkUser(t, mustGet(t, s, alice.ID), alice)
}

// testProfileUnchanged writes the values already stored: no row changes,
// which some databases report as zero affected rows. It is not a miss.
func testProfileUnchanged(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	for range 2 {
		if err := s.UpdateProfile(t.Context(), u); err != nil {
			t.Fatalf("UpdateProfile(same values): %v", err)
		}
	}
	checkUser(t, mustGet(t, s, u.ID), u)
}
