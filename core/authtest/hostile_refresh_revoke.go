package authtest

import (
	"net/http"
	"testing"
)

// hostileRefreshRevocation is T-RT-04: refresh tokens die on logout (by
// Bearer, refresh cookie or body), password change and password reset,
// including a logout racing with refreshes of the same login.
func (s *suite) hostileRefreshRevocation(t *testing.T, envs *rtEnvs) {
	e := envs.strict
	logout := e.path("logout/")
	t.Run("logout", func(t *testing.T) {
		for name, how := range map[string]func(l jwtLogin) *response{
			"Bearer": func(l jwtLogin) *response {
				return e.do(t, http.MethodPost, logout, "", "Authorization", "Bearer "+l.access)
			},
			"refresh cookie": func(l jwtLogin) *response {
				return e.do(t, http.MethodPost, logout, "", "Cookie", cookieHeader("refresh", l.refresh, "csrftoken", l.csrf), "X-CSRFToken", l.csrf)
			},
			"refresh in body": func(l jwtLogin) *response { return e.do(t, http.MethodPost, logout, jsonObject("refresh", l.refresh)) },
		} {
			t.Run(name, func(t *testing.T) {
				l := e.loginJWT(t, "alice")
				res, next := e.rtRotate(t, l.refresh) // a rotated login, not just a fresh one
				res.wantStatus(t, http.StatusOK)
				l.access, l.refresh = next.access, next.refresh
				how(l).wantJSON(t, http.StatusOK, `{"detail":"Successfully logged out."}`)
				e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
				e.rtWantDead(t, "logged-out login", next)
			})
		}
	})

	t.Run("password change", func(t *testing.T) {
		e.createUser(t, newUser("rt04pc"))
		mine, other := e.loginJWT(t, "rt04pc"), e.loginJWT(t, "rt04pc")
		e.do(t, http.MethodPost, e.path("password/change/"),
			jsonObject("old_password", defaultPassword, "new_password1", "Changed-pass-456", "new_password2", "Changed-pass-456"),
			"Authorization", "Bearer "+mine.access).wantStatus(t, http.StatusOK)
		e.rtWantDead(t, "other login", rtPair{other.access, other.refresh})
		e.rtWantAlive(t, "the changer's login", rtPair{access: mine.access})
	})

	t.Run("password reset", func(t *testing.T) {
		g, outbox := envs.grace, envs.outbox
		g.createUser(t, newUser("rt04pr"))
		a, b := g.loginJWT(t, "rt04pr"), g.loginJWT(t, "rt04pr")
		g.do(t, http.MethodPost, g.path("password/reset/"), jsonObject("email", "rt04pr@example.com")).wantStatus(t, http.StatusOK)
		sub := lastLink(t, outbox, "rt04pr@example.com", resetLinkRe)
		g.secrets.add(sub[2])
		g.do(t, http.MethodPost, g.path("password/reset/confirm/"),
			jsonObject("new_password1", "Reset-pass-99", "new_password2", "Reset-pass-99", "uid", sub[1], "token", sub[2])).
			wantStatus(t, http.StatusOK)
		g.rtWantDead(t, "login a", rtPair{a.access, a.refresh})
		g.rtWantDead(t, "login b", rtPair{b.access, b.refresh})
	})

	t.Run("logout racing with refresh", func(t *testing.T) {
		s.hostileRefreshLogoutRace(t, envs)
	})
}

// hostileRefreshLogoutRace fires refreshes of one login's refresh token
// together with a logout presenting the same token (issue #7). Whatever the
// interleaving: no 5xx, the logout succeeds, in strict mode at most one
// refresh succeeds, and once the logout has answered every token of the
// login is dead: a refresh that won the race must not leave a live
// successor. Run it under -race.
func (s *suite) hostileRefreshLogoutRace(t *testing.T, envs *rtEnvs) {
	const rounds = 2
	for _, tc := range []struct {
		name      string
		refreshes int
		e         *env
	}{
		{"one refresh against the logout", 1, envs.strict},
		{"many refreshes against the logout", 8, envs.strict},
		{"many refreshes within a grace window", 8, envs.grace},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.e
			for range rounds {
				l := e.loginJWT(t, "alice")
				reqs := []*http.Request{e.rtPost(t, "logout/", jsonObject("refresh", l.refresh))}
				for range tc.refreshes {
					reqs = append(reqs, e.rtPost(t, "token/refresh/", jsonObject("refresh", l.refresh)))
				}
				out := e.rtFire(t, reqs)
				if out[0] == nil {
					t.FailNow()
				}
				out[0].wantJSON(t, http.StatusOK, `{"detail":"Successfully logged out."}`)
				issued := []rtPair{{l.access, l.refresh}}
				for _, res := range out[1:] {
					switch {
					case res == nil:
					case res.status == http.StatusOK:
						issued = append(issued, e.rtPairOf(t, res))
					case res.status != http.StatusUnauthorized:
						t.Errorf("refresh racing a logout: %d %s", res.status, res.body)
					}
				}
				if e == envs.strict && len(issued) > 2 {
					t.Errorf("%d refreshes of one token succeeded", len(issued)-1)
				}
				for _, p := range issued {
					e.rtWantDead(t, "token issued around the logout", p)
				}
				if _, fam := e.rtRecord(t, l.refresh); fam.Revoked.IsZero() {
					t.Error("the login is still live after its logout")
				}
			}
		})
	}
}
