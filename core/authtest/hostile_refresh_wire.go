package authtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
)

// hostileRefreshWhereTokensGo is T-RT-09 (dj-rest-auth #383/#580): in
// cookie mode (the default: HttpOnly cookies) the refresh token travels
// only in Set-Cookie, never in a JSON body, at login ("refresh": "", as
// dj-rest-auth answers; docs/design.md §6) and at rotation (no "refresh"
// key); in header mode (no cookies, JWT_AUTH_HTTPONLY=False) it is in the
// JSON body and no cookie is set.
func (s *suite) hostileRefreshWhereTokensGo(t *testing.T, envs *rtEnvs) {
	clk := envs.clk
	t.Run("cookie mode", func(t *testing.T) {
		e := envs.strict
		l := e.loginJWT(t, "alice")
		c := l.cookies["refresh"]
		if string(l.body["refresh"]) != `""` || c == nil || !c.HttpOnly || !jwtRe.MatchString(c.Value) {
			t.Fatalf("login: body refresh %s, cookie %+v", l.body["refresh"], c)
		}
		for _, how := range []string{"body", "cookie"} {
			old := l.refresh
			var res *response
			if how == "body" {
				res = e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", old))
			} else {
				res = e.do(t, http.MethodPost, e.path("token/refresh/"), "", "Cookie", cookieHeader("refresh", old, "csrftoken", l.csrf), "X-CSRFToken", l.csrf)
			}
			res.wantStatus(t, http.StatusOK)
			next := res.cookies()["refresh"]
			if next == nil || !next.HttpOnly || next.Value == old {
				t.Fatalf("refresh by %s: rotated cookie %+v", how, next)
			}
			e.secrets.add(next.Value)
			var body map[string]json.RawMessage
			if err := json.Unmarshal(res.body, &body); err != nil {
				t.Fatal(err)
			}
			if _, ok := body["refresh"]; ok || strings.Contains(string(res.body), next.Value) || strings.Contains(string(res.body), old) {
				t.Errorf("refresh by %s: a refresh token is in the body %s", how, res.body)
			}
			l.refresh = next.Value
		}
	})

	t.Run("header mode", func(t *testing.T) {
		e := s.newEnv(t, jwtMode(clk), func(c *core.Config) {
			c.JWT.DisableCookies = true
			c.JWT.NotHTTPOnly = true
		})
		e.createUser(t, newUser("alice"))
		l := e.loginJWT(t, "alice")
		if len(l.cookies) != 0 || !jwtRe.MatchString(l.refresh) {
			t.Fatalf("login: cookies %v, body %s", l.cookies, l.body["refresh"])
		}
		res := e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh))
		res.wantStatus(t, http.StatusOK)
		p := e.rtPairOf(t, res)
		if len(res.header.Values("Set-Cookie")) != 0 || !jwtRe.MatchString(p.refresh) || p.refresh == l.refresh {
			t.Errorf("rotation: cookies %q, body %s", res.header.Values("Set-Cookie"), res.body)
		}
		e.rtWantRecorded(t, "rotated", p.refresh)
	})
}
