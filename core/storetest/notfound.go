package storetest

import (
	"context"
	"testing"

	"github.com/restauth/restauth/core"
)

func notFoundCases() []testCase {
	return []testCase{
		{"NotFound/ByIDMethods", testNotFoundByID},
	}
}

// byIDMethods calls every method keyed by a user id and returns its error.
// UpgradePasswordHash is included: store.go does not spell it out, but a
// compare-and-swap on a missing row is a miss, not a lost race.
func byIDMethods(s core.Store) map[string]func(ctx context.Context, id int64) error {
	return map[string]func(ctx context.Context, id int64) error{
		"UserByID": func(ctx context.Context, id int64) error {
			_, err := s.UserByID(ctx, id)
			return err
		},
		"UpdateProfile": func(ctx context.Context, id int64) error {
			u := newUser("ghost")
			u.ID = id
			return s.UpdateProfile(ctx, u)
		},
		"SetPassword": func(ctx context.Context, id int64) error {
			return s.SetPassword(ctx, id, hashB)
		},
		"UpgradePasswordHash": func(ctx context.Context, id int64) error {
			_, err := s.UpgradePasswordHash(ctx, id, hashA, hashB)
			return err
		},
		"SetActive(true)": func(ctx context.Context, id int64) error {
			return s.SetActive(ctx, id, true)
		},
		"SetActive(false)": func(ctx context.Context, id int64) error {
			return s.SetActive(ctx, id, false)
		},
		"SetEmailVerified": func(ctx context.Context, id int64) error {
			return s.SetEmailVerified(ctx, id, true)
		},
		"RecordLogin": func(ctx context.Context, id int64) error {
			return s.RecordLogin(ctx, id, loggedInAt())
		},
	}
}

func testNotFoundByID(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	for name, call := range byIDMethods(s) {
		for _, id := range []int64{u.ID + 1000, 0, -1} {
			wantErrIs(t, name, call(t.Context(), id), core.ErrNotFound)
		}
	}
	wantNoUsername(t, s, "ghost")
	checkUser(t, mustGet(t, s, u.ID), u)
}
