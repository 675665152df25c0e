package authtest

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
)

// Paths of the application routes RunRequire expects.
const (
	// RequireUserPath is behind the adapter's RequireUser.
	RequireUserPath = "/api/protected/"
	// RequireStaffPath is behind the adapter's RequireStaff.
	RequireStaffPath = "/api/staff/"
	// RequireAnnPath is behind the adapter's Require(AllowAnn).
	RequireAnnPath = "/api/ann/"
)

// AllowAnn is the predicate of RequireAnnPath: the caller's first name is
// "Ann". It reads a field that a stateless JWT principal lacks until the
// user is loaded.
func AllowAnn(p *core.Principal) bool { return p.User.FirstName == "Ann" }

// RequireAnswer is the JSON object the routes of RunRequire answer for the
// principal the adapter's typed getter returns: the username, whether the
// user is staff and whether the principal is stateless.
func RequireAnswer(p *core.Principal) map[string]string {
	return map[string]string{
		"username":  p.User.Username,
		"staff":     strconv.FormatBool(p.User.IsStaff),
		"stateless": strconv.FormatBool(p.Stateless),
	}
}

// RunRequire runs the authorization suite (core.Auth.Require, and the
// adapters' Require and RequireStaff) against servers built by newServer,
// each backed by a fresh in-memory store. newServer follows the rules of
// [Server] but mounts, besides restauth, three GET routes, each answering
// 200 with RequireAnswer of the principal read through the adapter's
// typed getter:
//
//   - RequireUserPath behind the adapter's RequireUser;
//   - RequireStaffPath behind the adapter's RequireStaff;
//   - RequireAnnPath behind the adapter's Require(AllowAnn).
func RunRequire(t *testing.T, newServer Server) {
	t.Helper()
	RunRequireWithStore(t, newServer, func(*testing.T) core.Store { return memstore.New() })
}

// RunRequireWithStore is RunRequire on fresh stores from newStore, so that
// a store shows that the staff flags it keeps authorize as memstore's do.
func RunRequireWithStore(t *testing.T, newServer Server, newStore func(t *testing.T) core.Store) {
	t.Helper()
	if newServer == nil || newStore == nil {
		t.Fatal("authtest: newServer and newStore must not be nil")
	}
	s := &suite{newServer: newServer, newStore: newStore, sink: newSuiteSink()}
	t.Run("Token", s.testRequireToken)
	t.Run("SessionFirst", s.testRequireSession)
	t.Run("StatelessJWT", s.testRequireStateless)
	t.Run("StoreFailure", s.testRequireStoreFailure)
	s.sink.check(t)
}

// NetHTTPRequire is the Server for RunRequire on plain net/http: restauth
// on an http.ServeMux with core's RequireUser and Require. It is the
// reference the adapters must match, and lets a store run the suite
// without a framework.
func NetHTTPRequire(t *testing.T, cfg core.Config) (http.Handler, *core.Auth) {
	a, err := core.New(cfg)
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	answer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := core.PrincipalFrom(r.Context())
		if !ok {
			http.Error(w, "no principal behind the middleware", http.StatusInternalServerError)
			return
		}
		writeJSON(w, RequireAnswer(p))
	})
	mux := http.NewServeMux()
	mux.Handle(a.Prefix(), a.Handler())
	mux.Handle("GET "+RequireUserPath+"{$}", a.RequireUser(answer))
	mux.Handle("GET "+RequireStaffPath+"{$}", a.Require(core.IsStaff)(answer))
	mux.Handle("GET "+RequireAnnPath+"{$}", a.Require(AllowAnn)(answer))
	return mux, a
}

// permissionDenied is DRF's PermissionDenied body.
const permissionDenied = `{"detail":"You do not have permission to perform this action."}`

// requireCast creates the suite's users: admin (staff), root (superuser,
// not staff), ann (first name Ann) and bob (none of these).
func (e *env) requireCast(t *testing.T) (admin, root, ann, bob *core.User) {
	t.Helper()
	nu := newUser("admin")
	nu.IsStaff = true
	admin = e.createUser(t, nu)
	nu = newUser("root")
	nu.IsSuperuser = true
	root = e.createUser(t, nu)
	nu = newUser("ann")
	nu.FirstName = "Ann"
	ann = e.createUser(t, nu)
	bob = e.createUser(t, newUser("bob"))
	if !admin.IsStaff || admin.IsSuperuser || root.IsStaff || !root.IsSuperuser {
		t.Fatalf("CreateUser did not keep the flags: admin %v/%v, root %v/%v", admin.IsStaff, admin.IsSuperuser, root.IsStaff, root.IsSuperuser)
	}
	return admin, root, ann, bob
}

// wantDenied checks DRF's PermissionDenied: 403 with its body, the
// restauth headers and no challenge (other credentials would not help).
func (r *response) wantDenied(t *testing.T) {
	t.Helper()
	r.wantJSON(t, http.StatusForbidden, permissionDenied)
	r.wantHeader(t, "X-Content-Type-Options", "nosniff")
	r.wantHeader(t, "WWW-Authenticate", "")
}

// testRequireToken: with DB tokens (401 challenge "Token"), staff pass
// RequireStaff, everyone else authenticated gets 403, and anonymous or
// invalid credentials get exactly RequireUser's answer. Flags changed in
// the store apply from the next request.
func (s *suite) testRequireToken(t *testing.T) {
	// Flags are changed in the store behind the server's back below: read
	// it on every request (the login-state cache has its own group).
	e := s.newEnv(t, readEveryRequest)
	admin, _, _, bob := e.requireCast(t)
	keys := map[string]string{}
	for _, name := range []string{"admin", "root", "ann", "bob"} {
		keys[name] = e.login(t, name, defaultPassword)
	}
	get := func(path, user string) *response {
		return e.do(t, http.MethodGet, path, "", "Authorization", tokenHeader(keys[user]))
	}

	t.Run("anonymous and invalid credentials as RequireUser", func(t *testing.T) {
		for _, path := range []string{RequireStaffPath, RequireAnnPath} {
			res := e.do(t, http.MethodGet, path, "")
			res.want(t, http.StatusUnauthorized, notProvided)
			res.wantHeader(t, "WWW-Authenticate", "Token")
			wantSame(t, res, e.do(t, http.MethodGet, RequireUserPath, ""))
			for _, h := range []string{"Token deadbeef", "Token", "Bearer " + keys["admin"]} {
				wantSame(t, e.do(t, http.MethodGet, path, "", "Authorization", h), e.do(t, http.MethodGet, RequireUserPath, "", "Authorization", h))
			}
		}
	})

	t.Run("staff", func(t *testing.T) {
		get(RequireStaffPath, "admin").wantApp(t, map[string]string{"username": "admin", "staff": "true", "stateless": "false"})
		for _, name := range []string{"root", "ann", "bob"} {
			get(RequireStaffPath, name).wantDenied(t)
			// Authenticated all the same.
			get(RequireUserPath, name).wantStatus(t, http.StatusOK)
		}
	})

	t.Run("predicate on the user", func(t *testing.T) {
		get(RequireAnnPath, "ann").wantApp(t, map[string]string{"username": "ann", "staff": "false", "stateless": "false"})
		for _, name := range []string{"admin", "root", "bob"} {
			get(RequireAnnPath, name).wantDenied(t)
		}
	})

	t.Run("inactive as RequireUser", func(t *testing.T) {
		if err := e.store.SetActive(t.Context(), bob.ID, false); err != nil {
			t.Fatal(err)
		}
		res := get(RequireStaffPath, "bob")
		res.want(t, http.StatusUnauthorized, `{"detail":"User inactive or deleted."}`)
		wantSame(t, res, get(RequireUserPath, "bob"))
	})

	t.Run("flags changed in the store", func(t *testing.T) {
		ss, ok := e.store.(core.StaffStore)
		if !ok {
			t.Skipf("skipped: %T does not implement core.StaffStore", e.store)
		}
		if err := ss.SetStaff(t.Context(), admin.ID, false, false); err != nil {
			t.Fatal(err)
		}
		get(RequireStaffPath, "admin").wantDenied(t)
		ann, err := e.store.UserByUsername(t.Context(), "ann")
		if err != nil {
			t.Fatal(err)
		}
		if err := ss.SetStaff(t.Context(), ann.ID, true, false); err != nil {
			t.Fatal(err)
		}
		get(RequireStaffPath, "ann").wantApp(t, map[string]string{"username": "ann", "staff": "true", "stateless": "false"})
	})
}

// testRequireSession: with sessions first (no challenge), an anonymous
// request is RequireUser's 403, and a refused session gets the other 403.
func (s *suite) testRequireSession(t *testing.T) {
	e := s.newEnv(t, sessionMode(newClock()))
	e.requireCast(t)
	res := e.do(t, http.MethodGet, RequireStaffPath, "")
	res.wantJSON(t, http.StatusForbidden, notProvided)
	res.wantHeader(t, "WWW-Authenticate", "")
	wantSame(t, res, e.do(t, http.MethodGet, RequireUserPath, ""))

	adminSID, _ := e.sessionLogin(t, "admin", defaultPassword)
	bobSID, _ := e.sessionLogin(t, "bob", defaultPassword)
	e.do(t, http.MethodGet, RequireStaffPath, "", "Cookie", cookieHeader("sessionid", adminSID)).
		wantApp(t, map[string]string{"username": "admin", "staff": "true", "stateless": "false"})
	e.do(t, http.MethodGet, RequireStaffPath, "", "Cookie", cookieHeader("sessionid", bobSID)).wantDenied(t)
}

// testRequireStateless: a stateless JWT carries only the user's ID; the
// predicate sees the user loaded from the store (RequireUser alone reads
// nothing), and a user deleted or deactivated since login is refused as
// JWT authentication refuses it.
func (s *suite) testRequireStateless(t *testing.T) {
	fs := &failingStore{}
	e := s.newEnv(t, jwtMode(newClock()), func(c *core.Config) { c.JWT.Stateless = true }, fs.install)
	_, _, ann, bob := e.requireCast(t)
	access := map[string]string{}
	for _, name := range []string{"admin", "root", "ann", "bob"} {
		access[name] = e.loginJWT(t, name).access
	}
	get := func(path, user string) *response {
		return e.do(t, http.MethodGet, path, "", "Authorization", "Bearer "+access[user])
	}

	get(RequireUserPath, "admin").wantApp(t, map[string]string{"username": "", "staff": "false", "stateless": "true"})
	get(RequireStaffPath, "admin").wantApp(t, map[string]string{"username": "admin", "staff": "true", "stateless": "false"})
	get(RequireAnnPath, "ann").wantApp(t, map[string]string{"username": "ann", "staff": "false", "stateless": "false"})
	for _, name := range []string{"root", "ann", "bob"} {
		get(RequireStaffPath, name).wantDenied(t)
	}
	get(RequireAnnPath, "bob").wantDenied(t)

	anon := e.do(t, http.MethodGet, RequireStaffPath, "")
	anon.wantJSON(t, http.StatusUnauthorized, notProvided)
	anon.wantHeader(t, "WWW-Authenticate", bearerChallenge)
	wantSame(t, anon, e.do(t, http.MethodGet, RequireUserPath, ""))

	t.Run("inactive user", func(t *testing.T) {
		if err := e.store.SetActive(t.Context(), bob.ID, false); err != nil {
			t.Fatal(err)
		}
		get(RequireUserPath, "bob").wantStatus(t, http.StatusOK) // stateless: not checked
		res := get(RequireAnnPath, "bob")
		res.wantJSON(t, http.StatusUnauthorized, `{"detail":"User is inactive","code":"user_inactive"}`)
		res.wantHeader(t, "WWW-Authenticate", bearerChallenge)
	})

	t.Run("deleted user", func(t *testing.T) {
		if err := e.store.DeleteUser(t.Context(), ann.ID); err != nil {
			t.Fatal(err)
		}
		res := get(RequireAnnPath, "ann")
		res.wantJSON(t, http.StatusUnauthorized, `{"detail":"User not found","code":"user_not_found"}`)
		res.wantHeader(t, "WWW-Authenticate", bearerChallenge)
	})

	t.Run("store failure", func(t *testing.T) {
		fs.fail("UserByID")
		defer fs.clear()
		res := get(RequireStaffPath, "admin")
		res.wantJSON(t, http.StatusServiceUnavailable, `{"detail":"Service temporarily unavailable, try again later."}`)
		if res.header.Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", res.req)
		}
		get(RequireUserPath, "admin").wantStatus(t, http.StatusOK)
	})
}

// testRequireStoreFailure: a store that fails during authentication is
// answered 503 exactly as by RequireUser, never as anonymous or refused.
func (s *suite) testRequireStoreFailure(t *testing.T) {
	fs := &failingStore{}
	e := s.newEnv(t, fs.install)
	e.requireCast(t)
	key := e.login(t, "admin", defaultPassword)
	fs.fail("UserByToken")
	defer fs.clear()
	for _, path := range []string{RequireStaffPath, RequireAnnPath} {
		res := e.do(t, http.MethodGet, path, "", "Authorization", tokenHeader(key))
		res.want(t, http.StatusServiceUnavailable, `{"detail":"Service temporarily unavailable, try again later."}`)
		wantSame(t, res, e.do(t, http.MethodGet, RequireUserPath, "", "Authorization", tokenHeader(key)))
	}
}
