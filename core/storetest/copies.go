package storetest

import (
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

func copyCases() []testCase {
	return []testCase{
		{"Copies/ReturnedUser", testCopiesReturnedUser},
		{"Copies/InputValues", testCopiesInput},
		{"Copies/ReturnedToken", testCopiesReturnedToken},
	}
}

// scribble overwrites every field of u.
func scribble(u *core.User) {
	u.ID += 1000
	u.Username = "mallory"
	u.Email = "mallory@example.com"
	u.FirstName, u.LastName = "M", "M"
	u.PasswordHash = "!"
	u.IsActive = !u.IsActive
	u.EmailVerified = !u.EmailVerified
	u.DateJoined = time.Unix(0, 0)
	u.LastLogin = time.Unix(0, 0)
	u.TokenEpoch += 1000
}

func testCopiesReturnedUser(t *testing.T, s core.Store) {
	u := newUser("alice")
	mustCreate(t, s, u)
	want := *u
	for _, get := range []func() (*core.User, error){
		func() (*core.User, error) { return s.UserByID(t.Context(), u.ID) },
		func() (*core.User, error) { return s.UserByUsername(t.Context(), "alice") },
		func() (*core.User, error) { return s.UserByEmail(t.Context(), "alice@example.com") },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("lookup: %v", err)
		}
		scribble(got)
	}
	checkUser(t, mustGet(t, s, u.ID), &want)
	wantNoUsername(t, s, "mallory")
}

func testCopiesInput(t *testing.T, s core.Store) {
	u := newUser("alice")
	mustCreate(t, s, u)
	want := *u
	scribble(u)
	checkUser(t, mustGet(t, s, want.ID), &want)

	upd := want
	upd.FirstName = "Ann"
	if err := s.UpdateProfile(t.Context(), &upd); err != nil {
		t.Fatalf("UpdateProfile: %v", err)
	}
	want.FirstName = "Ann"
	scribble(&upd)
	checkUser(t, mustGet(t, s, want.ID), &want)

	tok := tokenFor(want.ID, 1)
	mustCreateToken(t, s, tok)
	wantTok := *tok
	tok.UserID += 1000
	tok.Created = time.Unix(0, 0)
	tok.Expires = time.Unix(0, 0)
	_, got, err := s.UserByToken(t.Context(), wantTok.Digest)
	if err != nil {
		t.Fatalf("UserByToken: %v", err)
	}
	checkToken(t, got, &wantTok)
}

func testCopiesReturnedToken(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	tok := tokenFor(u.ID, 1)
	mustCreateToken(t, s, tok)
	gotUser, gotTok, err := s.UserByToken(t.Context(), tok.Digest)
	if err != nil {
		t.Fatalf("UserByToken: %v", err)
	}
	scribble(gotUser)
	gotTok.UserID += 1000
	gotTok.Expires = time.Unix(0, 0)
	gotUser, gotTok, err = s.UserByToken(t.Context(), tok.Digest)
	if err != nil {
		t.Fatalf("UserByToken: %v", err)
	}
	checkUser(t, gotUser, u)
	checkToken(t, gotTok, tok)
}
