package authtest

import (
	"net/http"
	"testing"

	"github.com/restauth/restauth/core"
)

// testLogout checks POST logout/ (and GET with LogoutOnGet).
func (s *suite) testLogout(t *testing.T) {
	e := s.newEnv(t)
	e.createUser(t, newUser("alice"))
	logout := e.path("logout/")
	const loggedOut = `{"detail":"Successfully logged out."}`

	t.Run("GET is not allowed", func(t *testing.T) {
		key := e.login(t, "alice", defaultPassword)
		res := e.do(t, http.MethodGet, logout, "", "Authorization", tokenHeader(key))
		res.want(t, http.StatusMethodNotAllowed, `{"detail":"Method \"GET\" not allowed."}`)
		res.wantHeader(t, "Allow", "POST, OPTIONS")
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
	})

	t.Run("revokes the presented token only", func(t *testing.T) {
		k1 := e.login(t, "alice", defaultPassword)
		k2 := e.login(t, "alice", defaultPassword)
		res := e.do(t, http.MethodPost, logout, "", "Authorization", tokenHeader(k1))
		res.want(t, http.StatusOK, loggedOut)
		res.wantHeader(t, "Allow", "POST, OPTIONS")
		gone := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(k1))
		gone.want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(k2)).wantStatus(t, http.StatusOK)

		t.Run("again with the revoked token", func(t *testing.T) {
			e.do(t, http.MethodPost, logout, "", "Authorization", tokenHeader(k1)).want(t, http.StatusOK, loggedOut)
		})
	})

	t.Run("stale credentials never fail", func(t *testing.T) {
		for _, h := range []string{"Token deadbeef", "Token", "Token a b"} {
			e.do(t, http.MethodPost, logout, "", "Authorization", h).want(t, http.StatusOK, loggedOut)
		}
	})

	t.Run("anonymous", func(t *testing.T) {
		e.do(t, http.MethodPost, logout, "").want(t, http.StatusOK, loggedOut)
	})

	t.Run("with a JSON body", func(t *testing.T) {
		key := e.login(t, "alice", defaultPassword)
		e.do(t, http.MethodPost, logout, `{}`, "Authorization", tokenHeader(key)).want(t, http.StatusOK, loggedOut)
	})

	t.Run("LogoutOnGet", func(t *testing.T) {
		g := s.newEnv(t, func(c *core.Config) { c.LogoutOnGet = true })
		g.createUser(t, newUser("alice"))
		key := g.login(t, "alice", defaultPassword)
		res := g.do(t, http.MethodGet, g.path("logout/"), "", "Authorization", tokenHeader(key))
		res.want(t, http.StatusOK, loggedOut)
		res.wantHeader(t, "Allow", "GET, POST, HEAD, OPTIONS")
		g.do(t, http.MethodGet, g.path("user/"), "", "Authorization", tokenHeader(key)).
			want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)
	})
}
