package authtest

import (
	"net/http"
	"slices"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
)

// Server builds the handler under test from cfg, as an application would:
//
//   - restauth mounted with cfg (its endpoints under cfg.Prefix, default
//     "/api/auth/");
//   - GET and POST "/api/protected/" (and "/api/protected") behind the
//     adapter's required-authentication middleware, answering
//     200 {"username": "<username>"} with the username read through the
//     adapter's typed getter;
//   - GET "/api/optional/" (and "/api/optional") behind the adapter's
//     optional-authentication middleware, answering
//     200 {"user": "<username>"}, or {"user": ""} for an anonymous caller;
//   - GET "/api/claims/" behind the required-authentication middleware,
//     answering 200 with the principal's Claims as a JSON object ({} when
//     there are none), read through the adapter's typed principal getter.
//
// It returns the handler and the core service it mounted, which the suite
// uses to create users. Server must not change cfg (the suite passes the
// store, password policy and logger it inspects) and should fail t when
// the mount fails.
type Server func(t *testing.T, cfg core.Config) (http.Handler, *core.Auth)

// Run runs the conformance suite against servers built by newServer, each
// backed by a fresh in-memory store (core/memstore).
func Run(t *testing.T, newServer Server) {
	t.Helper()
	RunWithStore(t, newServer, func(*testing.T) core.Store { return memstore.New() })
}

// RunWithStore runs the conformance suite against servers built by
// newServer, each backed by a fresh, empty store from newStore, so that a
// store implementation (SQLite, PostgreSQL, MySQL) can show it serves the
// HTTP protocol exactly as the in-memory store does. newStore registers any
// cleanup with t.Cleanup and fails t if the store cannot be built.
//
// Each group of the suite runs as a subtest of t named after it ("Login",
// "Sessions", "Extensions", "Hostile", …: the top-level subtests that
// "go test -v" lists). With no groups, every group runs; otherwise only the
// named ones, in the suite's order whatever the order of groups, and a
// name that is not a group fails t before any group runs. A selection
// suits a combination whose other groups another run already covers,
// such as an adapter on a SQL store; the check that no secret leaks
// across the run (T-OPS-02) then covers only the groups that ran.
func RunWithStore(t *testing.T, newServer Server, newStore func(t *testing.T) core.Store, groups ...string) {
	t.Helper()
	runSuite(t, &suite{newServer: newServer, newStore: newStore}, groups)
}

// runSuite runs the groups of s (all when groups is empty); see
// RunWithStore.
func runSuite(t *testing.T, s *suite, groups []string) {
	t.Helper()
	if s.newServer == nil || s.newStore == nil {
		t.Fatal("authtest: newServer and newStore must not be nil")
	}
	s.sink = newSuiteSink()
	all := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"Login", s.testLogin},
		{"LoginHashing", s.testLoginHashing},
		{"TokenHeader", s.testTokenHeader},
		{"UserDetails", s.testUserDetails},
		{"Logout", s.testLogout},
		{"Paths", s.testPaths},
		{"Middleware", s.testMiddleware},
		{"StoreFailure", s.testStoreFailure},
		{"Headers", s.testHeaders},
		{"PasswordChange", s.testPasswordChange},
		{"Registration", s.testRegistration},
		{"PasswordReset", s.testPasswordReset},
		{"JWTLogin", s.testJWTLogin},
		{"JWTAuth", s.testJWTAuth},
		{"JWTTokenEndpoints", s.testJWTTokenEndpoints},
		{"JWTLogout", s.testJWTLogout},
		{"JWTInterop", s.testJWTInterop},
		{"JWTVerifiedCache", s.testJWTVerifiedCache},
		{"Throttling", s.testThrottling},
		{"Sessions", s.testSessions},
		{"LoginCSRF", s.testLoginCSRF},
		{"Combined", s.testCombined},
		{"Extensions", s.testExtensions},
		{"Revocation", s.testRevocation},
		{"Hostile", s.testHostile},
	}
	known := make(map[string]bool, len(all))
	for _, g := range all {
		known[g.name] = true
	}
	for _, name := range groups {
		if !known[name] {
			t.Fatalf("authtest: no group %q", name)
		}
	}
	for _, g := range all {
		if len(groups) == 0 || slices.Contains(groups, g.name) {
			t.Run(g.name, g.run)
		}
	}
	// T-OPS-02 across the whole run: no secret handed out by any env in
	// anything any env logged or answered as an error.
	s.sink.check(t)
}

// suite holds what every group needs to build its environment.
type suite struct {
	newServer Server
	newStore  func(t *testing.T) core.Store
	sink      *suiteSink // the run's log records, error bodies and secrets
	// newSessions, when set, replaces the in-memory session stores of
	// the groups (RunWithSessionStore).
	newSessions func(t *testing.T) sessions.Store
}
