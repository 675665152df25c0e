package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// loginTokenCase is one check of core.LoginTokenStore.
type loginTokenCase struct {
	name string
	run  func(t *testing.T, s core.Store, ls core.LoginTokenStore)
}

// loginTokenCases checks core.LoginTokenStore (core/store_login.go).
func loginTokenCases() []loginTokenCase {
	return []loginTokenCase{
		{"Writes", testLoginTokenWrites},
		{"UnknownUser", testLoginTokenUnknownUser},
		{"DuplicateDigest", testLoginTokenDuplicate},
		{"InvalidDigest", testLoginTokenInvalid},
		{"CancelledContext", testLoginTokenCancelled},
	}
}

// runLoginToken runs the core.LoginTokenStore cases, one fresh store each,
// and skips the group with a message when the store lacks the capability.
func runLoginToken(t *testing.T, newStore func(t *testing.T) core.Store) {
	for _, tc := range loginTokenCases() {
		unsupported := ""
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			ls, ok := s.(core.LoginTokenStore)
			if !ok {
				unsupported = fmt.Sprintf("%T", s)
				t.Skipf("skipped: %s does not implement core.LoginTokenStore", unsupported)
			}
			tc.run(t, s, ls)
		})
		if unsupported != "" {
			t.Skipf("skipped: %s does not implement core.LoginTokenStore", unsupported)
		}
	}
}

// testLoginTokenWrites: both writes happen, as RecordLogin and CreateToken
// would make them (UTC, microseconds, expiry kept).
func testLoginTokenWrites(t *testing.T, s core.Store, ls core.LoginTokenStore) {
	u := mustCreate(t, s, newUser("alice"))
	tok := tokenFor(u.ID, 1)
	tok.Expires = loggedInAt().Add(time.Hour)
	if err := ls.CreateLoginToken(t.Context(), tok, loggedInAt()); err != nil {
		t.Fatalf("CreateLoginToken: %v", err)
	}
	gotUser, gotTok, err := s.UserByToken(t.Context(), tok.Digest)
	if err != nil {
		t.Fatalf("UserByToken: %v", err)
	}
	checkToken(t, gotTok, tok)
	want := *u
	want.LastLogin = loggedInAt()
	checkUser(t, gotUser, &want)
	checkUser(t, mustGet(t, s, u.ID), &want)
	// A second login of the same user moves LastLogin and adds a token.
	later := loggedInAt().Add(time.Minute)
	if err := ls.CreateLoginToken(t.Context(), tokenFor(u.ID, 2), later); err != nil {
		t.Fatalf("second CreateLoginToken: %v", err)
	}
	checkTime(t, "LastLogin", mustGet(t, s, u.ID).LastLogin, later)
	if _, _, err := s.UserByToken(t.Context(), tok.Digest); err != nil {
		t.Errorf("first token lost: %v", err)
	}
}

// testLoginTokenUnknownUser: a token of an unknown user wraps ErrNotFound
// and stores nothing.
func testLoginTokenUnknownUser(t *testing.T, s core.Store, ls core.LoginTokenStore) {
	u := mustCreate(t, s, newUser("alice"))
	tok := tokenFor(u.ID+1000, 1)
	err := ls.CreateLoginToken(t.Context(), tok, loggedInAt())
	wantErrIs(t, "CreateLoginToken(unknown user)", err, core.ErrNotFound)
	_, _, err = s.UserByToken(t.Context(), tok.Digest)
	wantErrIs(t, "UserByToken after the failed login", err, core.ErrNotFound)
	checkUser(t, mustGet(t, s, u.ID), u)
}

// testLoginTokenDuplicate: a digest already stored returns ErrTokenExists
// and leaves LastLogin as it was (the write is atomic).
func testLoginTokenDuplicate(t *testing.T, s core.Store, ls core.LoginTokenStore) {
	owner := mustCreate(t, s, newUser("alice"))
	other := mustCreate(t, s, newUser("bob"))
	mustCreateToken(t, s, tokenFor(owner.ID, 1))
	err := ls.CreateLoginToken(t.Context(), tokenFor(other.ID, 1), loggedInAt())
	wantErrIs(t, "CreateLoginToken(duplicate digest)", err, core.ErrTokenExists)
	checkUser(t, mustGet(t, s, other.ID), other)
	gotUser, _, err := s.UserByToken(t.Context(), digest(1))
	if err != nil || gotUser.ID != owner.ID {
		t.Errorf("the stored token changed owner: %v, %v", gotUser, err)
	}
}

// testLoginTokenInvalid: a digest no store could hold wraps ErrInvalidValue
// and writes nothing.
func testLoginTokenInvalid(t *testing.T, s core.Store, ls core.LoginTokenStore) {
	u := mustCreate(t, s, newUser("alice"))
	for _, d := range []string{strings.Repeat("a", core.TokenDigestLength+1), "nul\x00byte", "\xff\xfe"} {
		tok := &core.Token{Digest: d, UserID: u.ID, Created: joinedAt()}
		err := ls.CreateLoginToken(t.Context(), tok, loggedInAt())
		wantErrIs(t, "CreateLoginToken(invalid digest)", err, core.ErrInvalidValue)
	}
	checkUser(t, mustGet(t, s, u.ID), u)
}

// testLoginTokenCancelled: a cancelled context fails the call and writes
// nothing.
func testLoginTokenCancelled(t *testing.T, s core.Store, ls core.LoginTokenStore) {
	u := mustCreate(t, s, newUser("alice"))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tok := tokenFor(u.ID, 1)
	if err := ls.CreateLoginToken(ctx, tok, loggedInAt()); err == nil {
		t.Fatal("CreateLoginToken with a cancelled context succeeded")
	}
	_, _, err := s.UserByToken(t.Context(), tok.Digest)
	wantErrIs(t, "UserByToken after the cancelled login", err, core.ErrNotFound)
	checkUser(t, mustGet(t, s, u.ID), u)
}
