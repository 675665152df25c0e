package storetest

import (
	"fmt"
	"testing"

	"github.com/restauth/restauth/core"
)

// testCase is one conformance check run against a fresh store.
type testCase struct {
	name string
	run  func(t *testing.T, s core.Store)
}

// Run runs the whole conformance suite against the stores built by
// newStore, one fresh store per subtest. newStore returns a fresh, empty
// store; it registers whatever cleanup the store needs with t.Cleanup and
// fails t (t.Fatal) if the store cannot be built.
func Run(t *testing.T, newStore func(t *testing.T) core.Store) {
	t.Helper()
	if newStore == nil {
		t.Fatal("storetest.Run: newStore is nil")
	}
	for _, group := range [][]testCase{
		createCases(),
		lookupCases(),
		uniqueCases(),
		concurrencyCases(),
		profileCases(),
		credentialCases(),
		notFoundCases(),
		tokenCases(),
		copyCases(),
		literalCases(),
		limitCases(),
		contextCases(),
		deleteCases(),
		staffCases(),
	} {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) {
				s := newStore(t)
				if s == nil {
					t.Fatal("newStore returned nil")
				}
				tc.run(t, s)
			})
		}
	}
	t.Run("Refresh", func(t *testing.T) { runRefresh(t, newStore) })
	t.Run("LoginToken", func(t *testing.T) { runLoginToken(t, newStore) })
	t.Run("StaffStore", func(t *testing.T) { runStaffStore(t, newStore) })
	t.Run("ChangeFeed", func(t *testing.T) { runChangeFeed(t, newStore) })
	t.Run("SocialAccountStore", func(t *testing.T) { runSocial(t, newStore) })
}

// runRefresh runs the core.RefreshStore cases, one fresh store each. The
// first store built tells whether the capability is there; if it is not,
// the whole group is skipped with a message.
func runRefresh(t *testing.T, newStore func(t *testing.T) core.Store) {
	for _, tc := range refreshCases() {
		unsupported := ""
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			rs, ok := s.(core.RefreshStore)
			if !ok {
				unsupported = fmt.Sprintf("%T", s)
				t.Skipf("skipped: %s does not implement core.RefreshStore", unsupported)
			}
			tc.run(t, s, rs)
		})
		if unsupported != "" {
			t.Skipf("skipped: %s does not implement core.RefreshStore", unsupported)
		}
	}
}
