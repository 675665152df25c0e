package authtest

import (
	"net/http"
	"testing"

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
func RunWithStore(t *testing.T, newServer Server, newStore func(t *testing.T) core.Store) {
	t.Helper()
	if newServer == nil || newStore == nil {
		t.Fatal("authtest: newServer and newStore must not be nil")
	}
	s := &suite{newServer: newServer, newStore: newStore, sink: newSuiteSink()}
	for _, g := range []struct {
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
		{"Hostile", s.testHostile},
	} {
		t.Run(g.name, g.run)
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
}
