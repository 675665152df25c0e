package storetest

import (
	"testing"

	"github.com/restauth/restauth/core"
)

func lookupCases() []testCase {
	return []testCase{
		{"Lookup/UsernameCaseInsensitive", testLookupUsername},
		{"Lookup/EmailCaseInsensitive", testLookupEmail},
		{"Lookup/EmptyEmailNeverMatches", testLookupEmptyEmail},
	}
}

func testLookupUsername(t *testing.T, s core.Store) {
	alice := mustCreate(t, s, &core.User{
		Username: "Alice", Email: "Alice@Example.COM",
		PasswordHash: hashA, IsActive: true, DateJoined: joinedAt(),
	})
	straße := mustCreate(t, s, newUser("Straße"))
	for _, q := range []struct {
		name string
		id   int64
	}{
		{"Alice", alice.ID},
		{"ALICE", alice.ID},
		{"alice", alice.ID},
		{"ＡＬＩＣＥ", alice.ID},    // fullwidth: NFKC folds it to alice
		{"STRASSE", straße.ID}, // case folding maps ß to ss
		{"strasse", straße.ID},
	} {
		got, err := s.UserByUsername(t.Context(), q.name)
		if err != nil {
			t.Errorf("UserByUsername(%q): %v", q.name, err)
			continue
		}
		if got.ID != q.id {
			t.Errorf("UserByUsername(%q).ID = %d, want %d", q.name, got.ID, q.id)
		}
	}
	got, err := s.UserByUsername(t.Context(), "aLiCe")
	if err != nil {
		t.Fatalf("UserByUsername: %v", err)
	}
	checkUser(t, got, alice)
	// The comparison is binary on the canonical key: no prefix matching,
	// no collation padding.
	for _, q := range []string{"Alic", "Alicee", "Alice ", " Alice", "Alíce", ""} {
		wantNoUsername(t, s, q)
	}
}

func testLookupEmail(t *testing.T, s core.Store) {
	alice := mustCreate(t, s, &core.User{
		Username: "alice", Email: "Alice@Example.COM",
		PasswordHash: hashA, IsActive: true, DateJoined: joinedAt(),
	})
	for _, q := range []string{
		"Alice@Example.COM",
		"alice@example.com",
		"ALICE@EXAMPLE.COM",
		"  alice@example.com\t", // surrounding white space is trimmed
		"ａｌｉｃｅ@ｅｘａｍｐｌｅ.com",
	} {
		got, err := s.UserByEmail(t.Context(), q)
		if err != nil {
			t.Errorf("UserByEmail(%q): %v", q, err)
			continue
		}
		checkUser(t, got, alice)
	}
	for _, q := range []string{"alice@example.co", "alice@example.com.", "alice", "alıce@example.com"} {
		wantNoEmail(t, s, q)
	}
}

func testLookupEmptyEmail(t *testing.T, s core.Store) {
	wantNoEmail(t, s, "")
	a := newUser("noemail1")
	a.Email = ""
	b := newUser("noemail2")
	b.Email = ""
	c := newUser("blankemail")
	c.Email = "   " // canonical form is empty: no email either
	for _, u := range []*core.User{a, b, c} {
		mustCreate(t, s, u)
	}
	for _, q := range []string{"", " ", "   "} {
		wantNoEmail(t, s, q)
	}
	if got := mustGet(t, s, b.ID); got.Email != "" {
		t.Errorf("Email = %q, want empty", got.Email)
	}
}
