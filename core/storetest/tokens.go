package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

func tokenCases() []testCase {
	return []testCase{
		{"Token/CreateAndLookup", testTokenCreateAndLookup},
		{"Token/ReflectsCurrentUser", testTokenReflectsUser},
		{"Token/DeleteIdempotent", testTokenDelete},
		{"Token/DeleteUserTokens", testTokenDeleteUser},
		{"Token/DeleteUserTokensExcept", testTokenDeleteUserExcept},
		{"Token/DuplicateDigest", testTokenDuplicate},
		{"Token/UnknownOwner", testTokenUnknownOwner},
	}
}

func testTokenCreateAndLookup(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	forever := tokenFor(u.ID, 1)
	expiring := tokenFor(u.ID, 2)
	expiring.Expires = loggedInAt()
	expired := tokenFor(u.ID, 3)
	expired.Expires = time.Date(2000, 1, 1, 0, 0, 0, 1000, zonePST()) // the caller checks expiry
	for _, tok := range []*core.Token{forever, expiring, expired} {
		mustCreateToken(t, s, tok)
	}
	for _, tok := range []*core.Token{forever, expiring, expired} {
		gotUser, gotTok, err := s.UserByToken(t.Context(), tok.Digest)
		if err != nil {
			t.Fatalf("UserByToken: %v", err)
		}
		if gotUser == nil || gotTok == nil {
			t.Fatalf("UserByToken returned %v, %v", gotUser, gotTok)
		}
		checkUser(t, gotUser, u)
		checkToken(t, gotTok, tok)
	}
	_, _, err := s.UserByToken(t.Context(), digest(99))
	wantErrIs(t, "UserByToken(unknown)", err, core.ErrNotFound)
	_, _, err = s.UserByToken(t.Context(), "")
	wantErrIs(t, "UserByToken(empty)", err, core.ErrNotFound)
}

// testTokenReflectsUser: the token lookup returns the owner as stored now,
// including an inactive one (the caller decides what that means).
func testTokenReflectsUser(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	tok := tokenFor(u.ID, 1)
	mustCreateToken(t, s, tok)
	if err := s.SetActive(t.Context(), u.ID, false); err != nil {
		t.Fatalf("SetActive: %v", err)
	}
	gotUser, _, err := s.UserByToken(t.Context(), tok.Digest)
	if err != nil {
		t.Fatalf("UserByToken: %v", err)
	}
	checkUser(t, gotUser, mustGet(t, s, u.ID))
	if gotUser.IsActive || gotUser.TokenEpoch != 1 {
		t.Errorf("UserByToken user: IsActive=%v TokenEpoch=%d, want false 1", gotUser.IsActive, gotUser.TokenEpoch)
	}
}

func testTokenDelete(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	a, b := tokenFor(u.ID, 1), tokenFor(u.ID, 2)
	mustCreateToken(t, s, a)
	mustCreateToken(t, s, b)
	for range 2 {
		if err := s.DeleteToken(t.Context(), a.Digest); err != nil {
			t.Fatalf("DeleteToken: %v", err)
		}
	}
	if err := s.DeleteToken(t.Context(), digest(99)); err != nil {
		t.Fatalf("DeleteToken(never existed): %v", err)
	}
	_, _, err := s.UserByToken(t.Context(), a.Digest)
	wantErrIs(t, "UserByToken(deleted)", err, core.ErrNotFound)
	if _, got, err := s.UserByToken(t.Context(), b.Digest); err != nil {
		t.Errorf("UserByToken(other token of the same user): %v", err)
	} else {
		checkToken(t, got, b)
	}
}

func testTokenDeleteUser(t *testing.T, s core.Store) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	aliceTokens := []*core.Token{tokenFor(alice.ID, 1), tokenFor(alice.ID, 2), tokenFor(alice.ID, 3)}
	bobToken := tokenFor(bob.ID, 4)
	for _, tok := range append(aliceTokens, bobToken) {
		mustCreateToken(t, s, tok)
	}
	if err := s.DeleteToken(t.Context(), aliceTokens[0].Digest); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	for i, want := range []int{2, 0} {
		n, err := s.DeleteUserTokens(t.Context(), alice.ID, "")
		if err != nil || n != want {
			t.Fatalf("DeleteUserTokens(alice) call %d = %d, %v; want %d, nil", i+1, n, err, want)
		}
	}
	for _, tok := range aliceTokens {
		_, _, err := s.UserByToken(t.Context(), tok.Digest)
		wantErrIs(t, "UserByToken(alice's token)", err, core.ErrNotFound)
	}
	gotUser, gotTok, err := s.UserByToken(t.Context(), bobToken.Digest)
	if err != nil {
		t.Fatalf("UserByToken(bob's token): %v", err)
	}
	checkUser(t, gotUser, bob)
	checkToken(t, gotTok, bobToken)
	if n, err := s.DeleteUserTokens(t.Context(), bob.ID+1000, ""); err != nil || n != 0 {
		t.Errorf("DeleteUserTokens(unknown user) = %d, %v; want 0, nil", n, err)
	}
}

func testTokenDeleteUserExcept(t *testing.T, s core.Store) {
	alice := mustCreate(t, s, newUser("alice"))
	keep, drop1, drop2 := tokenFor(alice.ID, 1), tokenFor(alice.ID, 2), tokenFor(alice.ID, 3)
	for _, tok := range []*core.Token{keep, drop1, drop2} {
		mustCreateToken(t, s, tok)
	}
	if n, err := s.DeleteUserTokens(t.Context(), alice.ID, keep.Digest); err != nil || n != 2 {
		t.Fatalf("DeleteUserTokens(alice, except keep) = %d, %v; want 2, nil", n, err)
	}
	if _, got, err := s.UserByToken(t.Context(), keep.Digest); err != nil {
		t.Fatalf("kept token gone: %v", err)
	} else {
		checkToken(t, got, keep)
	}
	for _, tok := range []*core.Token{drop1, drop2} {
		_, _, err := s.UserByToken(t.Context(), tok.Digest)
		wantErrIs(t, "UserByToken(dropped token)", err, core.ErrNotFound)
	}
	// An exception that matches no token of the user removes them all.
	if n, err := s.DeleteUserTokens(t.Context(), alice.ID, "not-a-digest"); err != nil || n != 1 {
		t.Errorf("DeleteUserTokens(alice, foreign exception) = %d, %v; want 1, nil", n, err)
	}
}

func testTokenDuplicate(t *testing.T, s core.Store) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	orig := tokenFor(alice.ID, 1)
	mustCreateToken(t, s, orig)
	dup := tokenFor(bob.ID, 1)
	dup.Expires = loggedInAt()
	if err := s.CreateToken(t.Context(), dup); err == nil {
		t.Fatal("CreateToken(duplicate digest) succeeded, want an error")
	}
	gotUser, gotTok, err := s.UserByToken(t.Context(), orig.Digest)
	if err != nil {
		t.Fatalf("UserByToken: %v", err)
	}
	checkUser(t, gotUser, alice)
	checkToken(t, gotTok, orig)
}

func testTokenUnknownOwner(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	tok := tokenFor(u.ID+1000, 1)
	err := s.CreateToken(t.Context(), tok)
	if err == nil {
		t.Fatal("CreateToken(unknown user) succeeded, want an error")
	}
	if errors.Is(err, core.ErrUsernameTaken) || errors.Is(err, core.ErrEmailTaken) {
		t.Errorf("CreateToken(unknown user): err = %v, want no 'taken' error", err)
	}
	_, _, err = s.UserByToken(t.Context(), tok.Digest)
	wantErrIs(t, "UserByToken", err, core.ErrNotFound)
}
