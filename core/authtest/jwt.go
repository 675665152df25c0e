package authtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

var expirationRe = regexp.MustCompile(`^"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"$`)

// testJWTLogin checks the login answer in JWT mode: body, cookies and
// their attributes.
func (s *suite) testJWTLogin(t *testing.T) {
	clk := newClock()
	e := s.newEnv(t, jwtMode(clk))
	alice := e.createUser(t, newUser("alice"))
	user := fmt.Sprintf(`{"pk":%d,"username":"alice","email":"alice@example.com","first_name":"","last_name":""}`, alice.ID)

	t.Run("HttpOnly cookies and an empty refresh in the body", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		if string(l.body["refresh"]) != `""` || string(l.body["user"]) != user || len(l.body) != 3 {
			t.Errorf("body %v", l.body)
		}
		acc, ref, csrf := l.cookies["access"], l.cookies["refresh"], l.cookies["csrftoken"]
		if acc == nil || ref == nil || csrf == nil {
			t.Fatalf("cookies %v", l.cookies)
		}
		if acc.Value != l.access || !acc.HttpOnly || !acc.Secure || acc.SameSite != http.SameSiteLaxMode || acc.Path != "/" || acc.MaxAge != 300 || acc.Domain != "" {
			t.Errorf("access cookie %+v", acc)
		}
		if !jwtRe.MatchString(ref.Value) || !ref.HttpOnly || !ref.Secure || ref.Path != "/api/auth/" || ref.MaxAge != 86400 {
			t.Errorf("refresh cookie %+v", ref)
		}
		if len(csrf.Value) != 64 || csrf.HttpOnly || csrf.Path != "/" || csrf.MaxAge != 31449600 {
			t.Errorf("csrftoken cookie %+v", csrf)
		}
	})

	t.Run("expirations and refresh in the body when configured", func(t *testing.T) {
		g := s.newEnv(t, jwtMode(clk), func(c *core.Config) {
			c.JWT.ReturnExpiration = true
			c.JWT.NotHTTPOnly = true
		})
		g.createUser(t, newUser("alice"))
		l := g.loginJWT(t, "alice")
		var refresh string
		_ = json.Unmarshal(l.body["refresh"], &refresh)
		if !jwtRe.MatchString(refresh) || refresh != l.cookies["refresh"].Value || l.cookies["refresh"].HttpOnly || l.cookies["access"].HttpOnly {
			t.Errorf("refresh %q cookies %+v", refresh, l.cookies)
		}
		for _, k := range []string{"access_expiration", "refresh_expiration"} {
			if !expirationRe.Match(l.body[k]) {
				t.Errorf("%s = %s", k, l.body[k])
			}
		}
	})

	t.Run("a stale Bearer token does not block login", func(t *testing.T) {
		res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", defaultPassword),
			"Authorization", "Bearer garbage", "Cookie", cookieHeader("access", "garbage"))
		res.wantStatus(t, http.StatusOK)
	})

	t.Run("failures are the token-mode ones", func(t *testing.T) {
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", "nope")).
			wantJSON(t, http.StatusBadRequest, `{"non_field_errors":["Unable to log in with provided credentials."]}`)
	})

	t.Run("cookies can be disabled", func(t *testing.T) {
		g := s.newEnv(t, jwtMode(clk), func(c *core.Config) { c.JWT.DisableCookies = true })
		g.createUser(t, newUser("alice"))
		if l := g.loginJWT(t, "alice"); len(l.cookies) != 0 {
			t.Errorf("cookies set: %v", l.cookies)
		}
	})
}

// testJWTAuth checks authentication by Bearer header and by cookie,
// SimpleJWT's error bodies, and the CSRF rules of the cookie path.
func (s *suite) testJWTAuth(t *testing.T) {
	clk := newClock()
	e := s.newEnv(t, jwtMode(clk))
	e.createUser(t, newUser("alice"))
	l := e.loginJWT(t, "alice")
	user := e.path("user/")

	t.Run("anonymous", func(t *testing.T) {
		res := e.do(t, http.MethodGet, user, "")
		res.wantJSON(t, http.StatusUnauthorized, notProvided)
		res.wantHeader(t, "WWW-Authenticate", bearerChallenge)
		if c := res.cookies()["csrftoken"]; c == nil || len(c.Value) != 64 {
			t.Errorf("no csrftoken handed out to a cookie client: %v", res.cookies())
		}
	})
	t.Run("csrftoken is not re-issued when present", func(t *testing.T) {
		res := e.do(t, http.MethodGet, user, "", "Authorization", "Bearer "+l.access, "Cookie", cookieHeader("csrftoken", l.csrf))
		if _, ok := res.cookies()["csrftoken"]; ok {
			t.Error("csrftoken re-issued")
		}
	})
	t.Run("Bearer", func(t *testing.T) {
		e.do(t, http.MethodGet, user, "", "Authorization", "Bearer "+l.access).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+l.access).wantApp(t, map[string]string{"username": "alice"})
		e.do(t, http.MethodPatch, user, `{"first_name":"Ada"}`, "Authorization", "Bearer "+l.access).wantStatus(t, http.StatusOK)
	})
	t.Run("cookie", func(t *testing.T) {
		e.do(t, http.MethodGet, user, "", "Cookie", cookieHeader("access", l.access)).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodGet, "/api/protected/", "", "Cookie", cookieHeader("access", l.access)).wantApp(t, map[string]string{"username": "alice"})
	})
	t.Run("cookie writes need CSRF", func(t *testing.T) {
		e.do(t, http.MethodPatch, user, `{"first_name":"Eve"}`, "Cookie", cookieHeader("access", l.access)).
			wantJSON(t, http.StatusForbidden, `{"detail":"CSRF Failed: CSRF cookie not set."}`)
		e.do(t, http.MethodPatch, user, `{"first_name":"Eve"}`, "Cookie", cookieHeader("access", l.access, "csrftoken", l.csrf)).
			wantJSON(t, http.StatusForbidden, `{"detail":"CSRF Failed: CSRF token missing or incorrect."}`)
		e.do(t, http.MethodPatch, user, `{"first_name":"Eve"}`, "Cookie", cookieHeader("access", l.access, "csrftoken", l.csrf),
			"X-CSRFToken", l.csrf, "Origin", "https://evil.example").
			wantJSON(t, http.StatusForbidden, `{"detail":"CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins."}`)
		e.do(t, http.MethodPost, "/api/protected/", "", "Cookie", cookieHeader("access", l.access, "csrftoken", l.csrf)).
			wantStatus(t, http.StatusForbidden)
		res := e.do(t, http.MethodPatch, user, `{"first_name":"Ada"}`, "Cookie", cookieHeader("access", l.access, "csrftoken", l.csrf), "X-CSRFToken", l.csrf)
		res.wantStatus(t, http.StatusOK)
		e.do(t, http.MethodPost, "/api/protected/", "", "Cookie", cookieHeader("access", l.access, "csrftoken", l.csrf), "X-CSRFToken", l.csrf,
			"Origin", e.srv.URL).wantApp(t, map[string]string{"username": "alice"})
	})
	t.Run("header shadows cookie", func(t *testing.T) {
		for _, h := range []string{"Basic Zm9vOmJhcg==", "", "bearer " + l.access, "JWT " + l.access} {
			res := e.do(t, http.MethodGet, user, "", "Authorization", h, "Cookie", cookieHeader("access", l.access))
			res.wantJSON(t, http.StatusUnauthorized, notProvided)
			res.wantHeader(t, "WWW-Authenticate", bearerChallenge)
		}
	})
	t.Run("bad headers", func(t *testing.T) {
		for h, body := range map[string]string{
			"Bearer":              badHeader,
			"Bearer a b":          badHeader,
			"Bearer garbage":      accessError("Token is invalid or expired"),
			"Bearer " + l.refresh: accessError("Token has wrong type"),
		} {
			res := e.do(t, http.MethodGet, user, "", "Authorization", h)
			res.wantJSON(t, http.StatusUnauthorized, body)
			res.wantHeader(t, "WWW-Authenticate", bearerChallenge)
		}
	})
	t.Run("hostile tokens", func(t *testing.T) {
		parts := strings.Split(l.access, ".")
		none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
		payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
		tampered := strings.Replace(string(payload), `"user_id":`, `"user_id":9`, 1)
		for name, tok := range map[string]string{
			"alg none":      none,
			"tampered":      parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(tampered)) + "." + parts[2],
			"bad signature": parts[0] + "." + parts[1] + "." + flipLast(parts[2]),
			"no signature":  parts[0] + "." + parts[1] + ".",
			"over-long":     l.access + strings.Repeat("A", 10000),
			"two segments":  parts[0] + "." + parts[1],
		} {
			t.Run(name, func(t *testing.T) {
				e.do(t, http.MethodGet, user, "", "Authorization", "Bearer "+tok).wantJSON(t, http.StatusUnauthorized, accessError("Token is invalid or expired"))
			})
		}
	})
	t.Run("expired", func(t *testing.T) {
		clk.advance(6 * time.Minute)
		defer clk.advance(-6 * time.Minute)
		e.do(t, http.MethodGet, user, "", "Authorization", "Bearer "+l.access).wantJSON(t, http.StatusUnauthorized, accessError("Token is invalid or expired"))
	})
	t.Run("inactive user", func(t *testing.T) {
		bob := e.createUser(t, newUser("bob"))
		b := e.loginJWT(t, "bob")
		if err := e.store.SetActive(t.Context(), bob.ID, false); err != nil {
			t.Fatal(err)
		}
		e.do(t, http.MethodGet, user, "", "Authorization", "Bearer "+b.access).wantJSON(t, http.StatusUnauthorized, `{"detail":"User is inactive","code":"user_inactive"}`)
	})
	t.Run("empty access cookie is anonymous", func(t *testing.T) {
		e.do(t, http.MethodGet, user, "", "Cookie", "access=").wantJSON(t, http.StatusUnauthorized, notProvided)
	})
}

// testJWTTokenEndpoints checks token/verify/ and token/refresh/.
func (s *suite) testJWTTokenEndpoints(t *testing.T) {
	clk := newClock()
	e := s.newEnv(t, jwtMode(clk))
	e.createUser(t, newUser("alice"))
	verify, refresh := e.path("token/verify/"), e.path("token/refresh/")

	t.Run("verify", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		e.do(t, http.MethodPost, verify, `{}`).wantJSON(t, http.StatusBadRequest, `{"token":["This field is required."]}`)
		e.do(t, http.MethodPost, verify, `{"token":""}`).wantJSON(t, http.StatusBadRequest, `{"token":["This field may not be blank."]}`)
		res := e.do(t, http.MethodPost, verify, `{"token":"abc"}`)
		res.wantJSON(t, http.StatusUnauthorized, invalidOrExpired)
		res.wantHeader(t, "WWW-Authenticate", bearerChallenge)
		e.do(t, http.MethodPost, verify, jsonObject("token", l.access)).wantJSON(t, http.StatusOK, `{}`)
		e.do(t, http.MethodPost, verify, jsonObject("token", l.refresh)).wantJSON(t, http.StatusOK, `{}`)
		e.do(t, http.MethodGet, verify, "").wantJSON(t, http.StatusMethodNotAllowed, `{"detail":"Method \"GET\" not allowed."}`)
	})

	t.Run("refresh errors", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		res := e.do(t, http.MethodPost, refresh, `{}`)
		res.wantJSON(t, http.StatusUnauthorized, `{"detail":"No valid refresh token found.","code":"token_not_valid"}`)
		res.wantHeader(t, "WWW-Authenticate", bearerChallenge)
		e.do(t, http.MethodPost, refresh, `{"refresh":"abc"}`).wantJSON(t, http.StatusUnauthorized, invalidOrExpired)
		e.do(t, http.MethodPost, refresh, jsonObject("refresh", l.access)).wantJSON(t, http.StatusUnauthorized, `{"detail":"Token has wrong type","code":"token_not_valid"}`)
		e.do(t, http.MethodPost, refresh, `{"refresh":""}`, "Cookie", cookieHeader("refresh", l.refresh)).
			wantJSON(t, http.StatusBadRequest, `{"refresh":["This field may not be blank."]}`)
	})

	t.Run("refresh by body rotates", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		res := e.do(t, http.MethodPost, refresh, jsonObject("refresh", l.refresh))
		res.wantStatus(t, http.StatusOK)
		var body map[string]json.RawMessage
		if err := json.Unmarshal(res.body, &body); err != nil || len(body) != 2 || !expirationRe.Match(body["access_expiration"]) {
			t.Fatalf("body %s", res.body)
		}
		c := res.cookies()
		if c["access"] == nil || c["refresh"] == nil || c["refresh"].Value == l.refresh {
			t.Fatalf("cookies %v", c)
		}
		var access string
		_ = json.Unmarshal(body["access"], &access)
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Bearer "+access).wantStatus(t, http.StatusOK)

		next := c["refresh"].Value
		t.Run("reuse of the rotated token revokes the family", func(t *testing.T) {
			e.do(t, http.MethodPost, refresh, jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
			e.do(t, http.MethodPost, refresh, jsonObject("refresh", next)).wantJSON(t, http.StatusUnauthorized, blacklisted)
			e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Bearer "+access).
				wantJSON(t, http.StatusUnauthorized, accessError("Token is blacklisted"))
			e.do(t, http.MethodPost, verify, jsonObject("token", l.refresh)).wantJSON(t, http.StatusBadRequest, `{"non_field_errors":["Token is blacklisted"]}`)
			if !strings.Contains(e.logs.String(), "refresh token reuse detected") {
				t.Error("reuse not logged")
			}
		})
	})

	t.Run("refresh by cookie needs CSRF", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		e.do(t, http.MethodPost, refresh, "", "Cookie", cookieHeader("refresh", l.refresh)).
			wantJSON(t, http.StatusForbidden, `{"detail":"CSRF Failed: CSRF cookie not set."}`)
		res := e.do(t, http.MethodPost, refresh, "", "Cookie", cookieHeader("refresh", l.refresh, "csrftoken", l.csrf), "X-CSRFToken", l.csrf)
		res.wantStatus(t, http.StatusOK)
		if strings.Contains(string(res.body), `"refresh"`) {
			t.Errorf("HttpOnly mode returned the refresh token in the body: %s", res.body)
		}
	})

	t.Run("without rotation the refresh token stays", func(t *testing.T) {
		g := s.newEnv(t, jwtMode(clk), func(c *core.Config) { c.JWT.DisableRotation = true })
		g.createUser(t, newUser("alice"))
		l := g.loginJWT(t, "alice")
		for i := 0; i < 2; i++ {
			res := g.do(t, http.MethodPost, g.path("token/refresh/"), jsonObject("refresh", l.refresh))
			res.wantStatus(t, http.StatusOK)
			if _, ok := res.cookies()["refresh"]; ok {
				t.Error("refresh cookie re-set without rotation")
			}
		}
	})

	t.Run("grace window", func(t *testing.T) {
		g := s.newEnv(t, jwtMode(clk), func(c *core.Config) { c.JWT.ReuseGrace = 10 * time.Second })
		g.createUser(t, newUser("alice"))
		l := g.loginJWT(t, "alice")
		g.do(t, http.MethodPost, g.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantStatus(t, http.StatusOK)
		clk.advance(5 * time.Second)
		g.do(t, http.MethodPost, g.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantStatus(t, http.StatusOK)
		clk.advance(10 * time.Second)
		g.do(t, http.MethodPost, g.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
	})

	t.Run("expired refresh token", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		clk.advance(25 * time.Hour)
		defer clk.advance(-25 * time.Hour)
		e.do(t, http.MethodPost, refresh, jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, invalidOrExpired)
	})

	t.Run("inactive user cannot refresh", func(t *testing.T) {
		bob := e.createUser(t, newUser("bob"))
		b := e.loginJWT(t, "bob")
		if err := e.store.SetActive(t.Context(), bob.ID, false); err != nil {
			t.Fatal(err)
		}
		e.do(t, http.MethodPost, refresh, jsonObject("refresh", b.refresh)).
			wantJSON(t, http.StatusUnauthorized, `{"detail":"No active account found for the given token.","code":"no_active_account"}`)
	})

	t.Run("concurrent refreshes: exactly one wins", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		codes := e.concurrently(t, 50, http.MethodPost, refresh, func(int) string { return jsonObject("refresh", l.refresh) })
		if won := countStatus(t, codes, http.StatusOK, http.StatusUnauthorized); won != 1 {
			t.Errorf("%d refreshes succeeded, want exactly 1 (%v)", won, codes)
		}
	})
}

// testJWTLogout checks logout and revocation in JWT mode.
func (s *suite) testJWTLogout(t *testing.T) {
	clk := newClock()
	e := s.newEnv(t, jwtMode(clk))
	alice := e.createUser(t, newUser("alice"))
	logout, user := e.path("logout/"), e.path("user/")
	const loggedOut = `{"detail":"Successfully logged out."}`

	wantCleared := func(t *testing.T, res *response) {
		t.Helper()
		c := res.cookies()
		for _, name := range []string{"access", "refresh"} {
			if c[name] == nil || c[name].Value != "" || c[name].MaxAge >= 0 {
				t.Errorf("%s cookie not cleared: %+v", name, c[name])
			}
		}
		if c["refresh"] != nil && c["refresh"].Path != "/api/auth/" {
			t.Errorf("refresh cookie deleted on path %q", c["refresh"].Path)
		}
	}

	t.Run("Bearer logout ends that login", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		other := e.loginJWT(t, "alice")
		res := e.do(t, http.MethodPost, logout, "", "Authorization", "Bearer "+l.access)
		res.wantJSON(t, http.StatusOK, loggedOut)
		wantCleared(t, res)
		e.do(t, http.MethodGet, user, "", "Authorization", "Bearer "+l.access).wantJSON(t, http.StatusUnauthorized, accessError("Token is blacklisted"))
		e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
		e.do(t, http.MethodGet, user, "", "Authorization", "Bearer "+other.access).wantStatus(t, http.StatusOK)
	})
	t.Run("refresh cookie logout needs CSRF and blacklists", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		e.do(t, http.MethodPost, logout, "", "Cookie", cookieHeader("refresh", l.refresh)).wantStatus(t, http.StatusForbidden)
		res := e.do(t, http.MethodPost, logout, "", "Cookie", cookieHeader("refresh", l.refresh, "csrftoken", l.csrf), "X-CSRFToken", l.csrf)
		res.wantJSON(t, http.StatusOK, loggedOut)
		wantCleared(t, res)
		e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
		e.do(t, http.MethodGet, user, "", "Authorization", "Bearer "+l.access).wantStatus(t, http.StatusUnauthorized)
	})
	t.Run("refresh in the body", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		e.do(t, http.MethodPost, logout, jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusOK, loggedOut)
		e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
	})
	t.Run("never fails on stale credentials", func(t *testing.T) {
		for _, h := range [][]string{
			{},
			{"Authorization", "Bearer garbage"},
			{"Cookie", cookieHeader("access", "garbage")},
		} {
			res := e.do(t, http.MethodPost, logout, "", h...)
			res.wantJSON(t, http.StatusOK, loggedOut)
			wantCleared(t, res)
		}
		e.do(t, http.MethodPost, logout, `{"refresh":"garbage"}`).wantJSON(t, http.StatusOK, loggedOut)
	})
	t.Run("password change and deactivation end every login", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		if err := e.auth.SetUserPassword(t.Context(), alice.ID, "Another-pass-456", false); err != nil {
			t.Fatal(err)
		}
		e.do(t, http.MethodGet, user, "", "Authorization", "Bearer "+l.access).wantJSON(t, http.StatusUnauthorized, accessError("Token is blacklisted"))
		e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)

		bob := e.createUser(t, newUser("bob"))
		b := e.loginJWT(t, "bob")
		if err := e.auth.Deactivate(t.Context(), bob.ID); err != nil {
			t.Fatal(err)
		}
		e.do(t, http.MethodGet, user, "", "Authorization", "Bearer "+b.access).wantStatus(t, http.StatusUnauthorized)
	})
}

// testJWTInterop checks tokens minted by Django's SimpleJWT with the same
// key, and the stateless mode.
func (s *suite) testJWTInterop(t *testing.T) {
	// Minted by SimpleJWT 5.2.2 with jwtSecret: HS256, claims in
	// SimpleJWT's order (docs/design.md §6, JWTs).
	const django = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzAwMDAwMzAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwidXNlcl9pZCI6MX0.H448GkYRr551ToXWfq_ksil1FTVeRhFGgTuHCbTWZSU"
	clk := newClock()
	clk.set(time.Unix(1700000100, 0).UTC())
	e := s.newEnv(t, jwtMode(clk))
	u := e.createUser(t, newUser("alice"))
	if u.ID != 1 {
		t.Skipf("the Django token names user 1; this store gave id %d", u.ID)
	}
	res := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Bearer "+django)
	res.wantStatus(t, http.StatusOK)
	clk.set(time.Unix(1700000301, 0).UTC())
	e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Bearer "+django).wantJSON(t, http.StatusUnauthorized, accessError("Token is invalid or expired"))

	t.Run("stateless mode reads no user", func(t *testing.T) {
		fs := &failingStore{}
		clk := newClock()
		g := s.newEnv(t, jwtMode(clk), func(c *core.Config) { c.JWT.Stateless = true }, fs.install)
		g.createUser(t, newUser("alice"))
		l := g.loginJWT(t, "alice")
		fs.fail("UserByID", "UserByRefreshFamily")
		g.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+l.access).wantStatus(t, http.StatusOK)
		fs.clear()
	})
}

func flipLast(s string) string {
	if s == "" {
		return "A"
	}
	last := s[len(s)-1]
	repl := byte('A')
	if last == 'A' {
		repl = 'B'
	}
	return s[:len(s)-1] + string(repl)
}
