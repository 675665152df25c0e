package authtest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
)

// testPaths checks routing: both slash forms without redirects, 404s under
// the prefix, and a custom prefix.
func (s *suite) testPaths(t *testing.T) {
	e := s.newEnv(t)
	e.createUser(t, newUser("alice"))
	const notFound = `{"detail":"Not found."}`

	t.Run("with and without trailing slash", func(t *testing.T) {
		for _, slash := range []string{"/", ""} {
			key := e.do(t, http.MethodPost, e.path("login"+slash), jsonObject("username", "alice", "password", defaultPassword)).wantKey(t)
			e.do(t, http.MethodGet, e.path("user"+slash), "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
			e.do(t, http.MethodPatch, e.path("user"+slash), `{"first_name":"A"}`, "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
			e.do(t, http.MethodPost, e.path("logout"+slash), "", "Authorization", tokenHeader(key)).
				want(t, http.StatusOK, `{"detail":"Successfully logged out."}`)
			res := e.do(t, http.MethodGet, e.path("login"+slash), "")
			res.want(t, http.StatusMethodNotAllowed, `{"detail":"Method \"GET\" not allowed."}`)
			res.wantHeader(t, "Allow", "POST, OPTIONS")
		}
	})

	t.Run("unknown paths under the prefix", func(t *testing.T) {
		for _, rel := range []string{"", "nope/", "nope", "xxlogin", "xxlogin/", "loginxx/", "LOGIN/", "login/extra", "login/extra/", "a/b/c/", "user/1/"} {
			for _, m := range []string{http.MethodGet, http.MethodPost} {
				res := e.do(t, m, e.path(rel), "")
				res.want(t, http.StatusNotFound, notFound)
			}
		}
	})

	t.Run("custom prefix", func(t *testing.T) {
		c := s.newEnv(t, func(c *core.Config) { c.Prefix = "/auth/v1/" })
		c.createUser(t, newUser("alice"))
		if c.prefix != "/auth/v1/" {
			t.Fatalf("Prefix() = %q", c.prefix)
		}
		key := c.login(t, "alice", defaultPassword)
		c.do(t, http.MethodGet, "/auth/v1/user", "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
		c.do(t, http.MethodGet, "/auth/v1/nope/", "").want(t, http.StatusNotFound, notFound)
		res := c.do(t, http.MethodPost, "/api/auth/login/", jsonObject("username", "alice", "password", defaultPassword))
		if res.status != http.StatusNotFound || strings.Contains(string(res.body), `"key"`) {
			t.Errorf("%s under the default prefix answered %d %s, want 404", res.req, res.status, res.body)
		}
	})
}
