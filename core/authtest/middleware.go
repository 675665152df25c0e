package authtest

import (
	"net/http"
	"testing"
)

// testMiddleware checks the adapter's middleware and typed user getter on
// the application routes of [Server].
func (s *suite) testMiddleware(t *testing.T) {
	e := s.newEnv(t)
	e.createUser(t, newUser("alice"))
	bob := e.createUser(t, newUser("bob"))
	key := e.login(t, "alice", defaultPassword)
	bobKey := e.login(t, "bob", defaultPassword)
	if err := e.store.SetActive(t.Context(), bob.ID, false); err != nil {
		t.Fatal(err)
	}

	reject := func(t *testing.T, res *response, detail string) {
		t.Helper()
		res.want(t, http.StatusUnauthorized, `{"detail":"`+detail+`"}`)
		res.wantHeader(t, "WWW-Authenticate", "Token")
	}

	t.Run("required", func(t *testing.T) {
		for _, path := range []string{"/api/protected/", "/api/protected"} {
			for _, m := range []string{http.MethodGet, http.MethodPost} {
				reject(t, e.do(t, m, path, ""), "Authentication credentials were not provided.")
				reject(t, e.do(t, m, path, "", "Authorization", "Token deadbeef"), "Invalid token.")
				reject(t, e.do(t, m, path, "", "Authorization", "Token"), "Invalid token header. No credentials provided.")
				reject(t, e.do(t, m, path, "", "Authorization", tokenHeader(bobKey)), "User inactive or deleted.")
				e.do(t, m, path, "", "Authorization", tokenHeader(key)).wantApp(t, map[string]string{"username": "alice"})
			}
		}
	})

	t.Run("optional", func(t *testing.T) {
		for _, path := range []string{"/api/optional/", "/api/optional"} {
			e.do(t, http.MethodGet, path, "").wantApp(t, map[string]string{"user": ""})
			e.do(t, http.MethodGet, path, "", "Authorization", "Bearer "+key).wantApp(t, map[string]string{"user": ""})
			e.do(t, http.MethodGet, path, "", "Authorization", tokenHeader(key)).wantApp(t, map[string]string{"user": "alice"})
			reject(t, e.do(t, http.MethodGet, path, "", "Authorization", "Token deadbeef"), "Invalid token.")
			reject(t, e.do(t, http.MethodGet, path, "", "Authorization", tokenHeader(bobKey)), "User inactive or deleted.")
		}
	})

	t.Run("logout is seen by the middleware", func(t *testing.T) {
		k := e.login(t, "alice", defaultPassword)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(k)).wantApp(t, map[string]string{"username": "alice"})
		e.do(t, http.MethodPost, e.path("logout/"), "", "Authorization", tokenHeader(k)).wantStatus(t, http.StatusOK)
		reject(t, e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(k)), "Invalid token.")
	})
}
