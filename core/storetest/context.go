package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

func contextCases() []testCase {
	return []testCase{
		{"Context/Cancelled", func(t *testing.T, s core.Store) { testContextDone(t, s, cancelled(t)) }},
		{"Context/DeadlineExceeded", func(t *testing.T, s core.Store) {
			ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
			defer cancel()
			testContextDone(t, s, ctx)
		}},
	}
}

// testContextDone calls every method with a context that is already done:
// each must fail with an error that is none of the sentinels (a dead
// context is not "not found"), and writes must not happen.
func testContextDone(t *testing.T, s core.Store, ctx context.Context) {
	u := mustCreate(t, s, newUser("alice"))
	tok := tokenFor(u.ID, 1)
	mustCreateToken(t, s, tok)

	calls := map[string]func() error{
		"CreateUser": func() error { return s.CreateUser(ctx, newUser("bob")) },
		"UserByUsername": func() error {
			_, err := s.UserByUsername(ctx, "alice")
			return err
		},
		"UserByUsername(missing)": func() error {
			_, err := s.UserByUsername(ctx, "nobody")
			return err
		},
		"UserByEmail": func() error {
			_, err := s.UserByEmail(ctx, "alice@example.com")
			return err
		},
		"UserByEmail(empty)": func() error {
			_, err := s.UserByEmail(ctx, "")
			return err
		},
		"UserByToken": func() error {
			_, _, err := s.UserByToken(ctx, tok.Digest)
			return err
		},
		"CreateToken":  func() error { return s.CreateToken(ctx, tokenFor(u.ID, 2)) },
		"DeleteToken":  func() error { return s.DeleteToken(ctx, tok.Digest) },
		"DeleteToken2": func() error { return s.DeleteToken(ctx, digest(99)) },
		"DeleteUserTokens": func() error {
			_, err := s.DeleteUserTokens(ctx, u.ID, "")
			return err
		},
	}
	for name, call := range byIDMethods(s) {
		calls[name] = func() error { return call(ctx, u.ID) }
	}
	for name, call := range calls {
		err := call()
		if err == nil {
			t.Errorf("%s with a done context succeeded, want an error", name)
		} else if isSentinel(err) {
			t.Errorf("%s with a done context: err = %v, want a non-sentinel error", name, err)
		}
	}

	checkUser(t, mustGet(t, s, u.ID), u)
	wantNoUsername(t, s, "bob")
	if _, got, err := s.UserByToken(t.Context(), tok.Digest); err != nil {
		t.Errorf("token gone after a DeleteToken with a done context: %v", err)
	} else {
		checkToken(t, got, tok)
	}
	_, _, err := s.UserByToken(t.Context(), digest(2))
	wantErrIs(t, "UserByToken(token created with a done context)", err, core.ErrNotFound)
}
