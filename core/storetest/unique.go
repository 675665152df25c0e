package storetest

import (
	"testing"

	"github.com/restauth/restauth/core"
)

func uniqueCases() []testCase {
	return []testCase{
		{"Unique/DuplicateUsername", testUniqueUsername},
		{"Unique/DuplicateEmail", testUniqueEmail},
		{"Unique/UsernameCheckedFirst", testUniqueUsernameFirst},
	}
}

func testUniqueUsername(t *testing.T, s core.Store) {
	mustCreate(t, s, newUser("alice"))
	for _, name := range []string{"alice", "ALICE", "ａｌｉｃｅ"} {
		u := newUser("x")
		u.Username = name
		u.Email = "other@example.com"
		wantErrIs(t, "CreateUser("+name+")", s.CreateUser(t.Context(), u), core.ErrUsernameTaken)
	}
	wantNoEmail(t, s, "other@example.com")
}

func testUniqueEmail(t *testing.T, s core.Store) {
	mustCreate(t, s, newUser("alice"))
	for _, email := range []string{"alice@example.com", "ALICE@Example.com", " alice@example.com "} {
		u := newUser("bob")
		u.Email = email
		wantErrIs(t, "CreateUser(email "+email+")", s.CreateUser(t.Context(), u), core.ErrEmailTaken)
	}
	wantNoUsername(t, s, "bob")
}

func testUniqueUsernameFirst(t *testing.T, s core.Store) {
	mustCreate(t, s, newUser("alice"))
	mustCreate(t, s, newUser("bob"))
	// Username of alice, email of bob, and the same user twice: both clash,
	// and the username is reported.
	for _, email := range []string{"bob@example.com", "alice@example.com"} {
		u := newUser("Alice")
		u.Email = email
		wantErrIs(t, "CreateUser(Alice, "+email+")", s.CreateUser(t.Context(), u), core.ErrUsernameTaken)
	}
}
