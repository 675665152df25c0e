package authtest

import (
	"net/http"
	"strings"
	"testing"
)

// testHeaders checks the headers restauth puts on its answers, whatever
// the outcome, and Accept negotiation.
func (s *suite) testHeaders(t *testing.T) {
	e := s.newEnv(t)
	e.createUser(t, newUser("alice"))
	key := e.login(t, "alice", defaultPassword)
	login := jsonObject("username", "alice", "password", defaultPassword)

	t.Run("security headers on every answer", func(t *testing.T) {
		for _, tc := range []struct {
			method, path, body string
			header             []string
		}{
			{http.MethodPost, e.path("login/"), login, nil},
			{http.MethodPost, e.path("login/"), `{}`, nil},
			{http.MethodGet, e.path("login/"), "", nil},
			{http.MethodOptions, e.path("login/"), "", nil},
			{http.MethodGet, e.path("user/"), "", []string{"Authorization", tokenHeader(key)}},
			{http.MethodHead, e.path("user/"), "", []string{"Authorization", tokenHeader(key)}},
			{http.MethodGet, e.path("user/"), "", nil},
			{http.MethodGet, e.path("nope/"), "", nil},
			{http.MethodPost, e.path("logout/"), "", nil},
			{http.MethodGet, "/api/protected/", "", nil},
			{http.MethodGet, "/api/optional/", "", []string{"Authorization", "Token deadbeef"}},
		} {
			res := e.do(t, tc.method, tc.path, tc.body, tc.header...)
			res.wantRestauthHeaders(t)
			if !strings.Contains(strings.Join(res.header.Values("Vary"), ","), "Accept") {
				t.Errorf("%s: Vary %q does not name Accept", res.req, res.header.Values("Vary"))
			}
		}
	})

	t.Run("Accept negotiation", func(t *testing.T) {
		for _, tc := range []struct {
			accept string
			status int
		}{
			{"application/json", http.StatusOK},
			{"*/*", http.StatusOK},
			{"application/json; indent=4", http.StatusOK},
			{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", http.StatusOK},
			{"application/xml", http.StatusNotAcceptable},
			{"text/plain", http.StatusNotAcceptable},
			{"application/json;q=0", http.StatusNotAcceptable},
		} {
			res := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(key), "Accept", tc.accept)
			res.wantStatus(t, tc.status)
			res.wantRestauthHeaders(t)
			if tc.status == http.StatusNotAcceptable && string(res.body) != `{"detail":"Could not satisfy the request Accept header."}` {
				t.Errorf("Accept %q: body %s", tc.accept, res.body)
			}
		}
	})
}
