package authtest

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
)

// sessionMode configures session authentication on a fresh in-memory
// session store with the given clock.
func sessionMode(clk *clock) func(*core.Config) {
	return func(c *core.Config) {
		c.Methods = []core.Method{core.MethodSession}
		c.SecretKey = []byte(jwtSecret)
		c.Session.Store = memstore.NewSessionStore(memstore.WithSessionClock(clk.Now))
		c.Now = clk.Now
	}
}

var sessionIDRe = regexp.MustCompile(`^[a-z0-9]{32}$`)

// sessionLogin logs in and returns the session and CSRF cookies.
func (e *env) sessionLogin(t *testing.T, username, pw string, header ...string) (sid, csrf string) {
	t.Helper()
	res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", username, "password", pw), header...)
	res.wantStatus(t, http.StatusNoContent)
	if len(res.body) != 0 {
		t.Errorf("session login body %q, want none", res.body)
	}
	c := res.cookies()
	s, cs := c["sessionid"], c["csrftoken"]
	if s == nil || cs == nil {
		t.Fatalf("cookies %v", c)
	}
	if !e.suite.sessionCookieValid(s.Value) || !s.HttpOnly || !s.Secure || s.SameSite != http.SameSiteLaxMode || s.Path != "/" || s.MaxAge != int(e.auth.Config().Session.AbsoluteTimeout/time.Second) {
		t.Errorf("sessionid cookie %+v", s)
	}
	return s.Value, cs.Value
}

// testSessions checks session authentication with Django's CSRF rules.
func (s *suite) testSessions(t *testing.T) {
	clk := newClock()
	e := s.newEnv(t, sessionMode(clk))
	e.createUser(t, newUser("alice"))
	user := e.path("user/")
	sess := func(sid, csrf string) string { return cookieHeader("sessionid", sid, "csrftoken", csrf) }

	t.Run("default cookie lifetime is Django's two weeks", func(t *testing.T) {
		if got := e.auth.Config().Session.AbsoluteTimeout; got != 1209600*time.Second {
			t.Errorf("AbsoluteTimeout %v", got)
		}
	})
	t.Run("anonymous is 403 without a challenge", func(t *testing.T) {
		res := e.do(t, http.MethodGet, user, "")
		res.wantJSON(t, http.StatusForbidden, notProvided)
		res.wantHeader(t, "WWW-Authenticate", "")
		e.do(t, http.MethodGet, user, "", "Authorization", "Token deadbeef").wantJSON(t, http.StatusForbidden, notProvided)
	})

	t.Run("login, cookie auth, CSRF", func(t *testing.T) {
		sid, csrf := e.sessionLogin(t, "alice", defaultPassword)
		e.do(t, http.MethodGet, user, "", "Cookie", sess(sid, csrf)).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodGet, "/api/protected/", "", "Cookie", sess(sid, csrf)).wantApp(t, map[string]string{"username": "alice"})
		e.do(t, http.MethodPatch, user, `{"first_name":"Eve"}`, "Cookie", sess(sid, csrf)).
			wantJSON(t, http.StatusForbidden, `{"detail":"CSRF Failed: CSRF token missing or incorrect."}`)
		e.do(t, http.MethodPatch, user, `{"first_name":"Eve"}`, "Cookie", sess(sid, csrf), "X-CSRFToken", csrf, "Origin", "https://evil.example").
			wantJSON(t, http.StatusForbidden, `{"detail":"CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins."}`)
		e.do(t, http.MethodPatch, user, `{"first_name":"Ada"}`, "Cookie", sess(sid, csrf), "X-CSRFToken", csrf).wantStatus(t, http.StatusOK)
		form := "csrfmiddlewaretoken=" + csrf + "&first_name=Ada"
		e.do(t, http.MethodPatch, user, form, "Cookie", sess(sid, csrf), "Content-Type", "application/x-www-form-urlencoded").wantStatus(t, http.StatusOK)
	})

	t.Run("logout ends the session", func(t *testing.T) {
		sid, csrf := e.sessionLogin(t, "alice", defaultPassword)
		res := e.do(t, http.MethodPost, e.path("logout/"), "", "Cookie", sess(sid, csrf), "X-CSRFToken", csrf)
		res.wantJSON(t, http.StatusOK, `{"detail":"Successfully logged out."}`)
		if c := res.cookies()["sessionid"]; c == nil || c.Value != "" || c.MaxAge >= 0 {
			t.Errorf("session cookie not deleted: %+v", c)
		}
		e.do(t, http.MethodGet, user, "", "Cookie", sess(sid, csrf)).wantJSON(t, http.StatusForbidden, notProvided)
		// Anonymous logout still answers 200 and expires the cookie.
		if c := e.do(t, http.MethodPost, e.path("logout/"), "").cookies()["sessionid"]; c == nil || c.MaxAge >= 0 {
			t.Errorf("anonymous logout did not expire the cookie: %+v", c)
		}
	})

	t.Run("fixation: a session ID from before login never authenticates", func(t *testing.T) {
		planted := strings.Repeat("a", 32)
		sid, csrf := e.sessionLogin(t, "alice", defaultPassword, "Cookie", cookieHeader("sessionid", planted))
		if sid == planted {
			t.Fatal("login adopted the planted session ID")
		}
		e.do(t, http.MethodGet, user, "", "Cookie", cookieHeader("sessionid", planted)).wantJSON(t, http.StatusForbidden, notProvided)
		// A real earlier session is replaced, not kept: re-login from it.
		again, _ := e.sessionLogin(t, "alice", defaultPassword, "Cookie", sess(sid, csrf), "X-CSRFToken", csrf)
		if again == sid {
			t.Fatal("login kept the old session ID")
		}
		e.do(t, http.MethodGet, user, "", "Cookie", cookieHeader("sessionid", sid)).wantJSON(t, http.StatusForbidden, notProvided)
		e.do(t, http.MethodGet, user, "", "Cookie", cookieHeader("sessionid", again)).wantStatus(t, http.StatusOK)
	})

	t.Run("password change elsewhere ends the session; the changer's continues", func(t *testing.T) {
		e.createUser(t, newUser("bob"))
		a, _ := e.sessionLogin(t, "bob", defaultPassword)
		b, bcsrf := e.sessionLogin(t, "bob", defaultPassword)
		res := e.do(t, http.MethodPost, e.path("password/change/"),
			jsonObject("old_password", defaultPassword, "new_password1", "Brand-new-pass-7", "new_password2", "Brand-new-pass-7"),
			"Cookie", sess(b, bcsrf), "X-CSRFToken", bcsrf)
		res.wantJSON(t, http.StatusOK, `{"detail":"New password has been saved."}`)
		e.do(t, http.MethodGet, user, "", "Cookie", cookieHeader("sessionid", a)).wantJSON(t, http.StatusForbidden, notProvided)
		renewed := res.cookies()["sessionid"]
		if renewed == nil || renewed.Value == b || renewed.Value == "" {
			t.Fatalf("changer's session not re-issued: %+v", renewed)
		}
		e.do(t, http.MethodGet, user, "", "Cookie", cookieHeader("sessionid", renewed.Value)).wantStatus(t, http.StatusOK)
	})

	t.Run("idle and absolute timeouts", func(t *testing.T) {
		g := s.newEnv(t, sessionMode(clk), func(c *core.Config) {
			c.Session.IdleTimeout = 30 * time.Minute
			c.Session.AbsoluteTimeout = 2 * time.Hour
		})
		g.createUser(t, newUser("carol"))
		sid, _ := g.sessionLogin(t, "carol", defaultPassword)
		get := func() int {
			return g.do(t, http.MethodGet, g.path("user/"), "", "Cookie", cookieHeader("sessionid", sid)).status
		}
		clk.advance(29 * time.Minute)
		if got := get(); got != http.StatusOK {
			t.Fatalf("within idle timeout: %d", got)
		}
		for i := 0; i < 3; i++ { // busy: 29 min steps keep it alive until the absolute limit
			clk.advance(29 * time.Minute)
			if got := get(); got != http.StatusOK {
				t.Fatalf("busy session died early at step %d: %d", i, got)
			}
		}
		clk.advance(29 * time.Minute) // 2h25m after login
		if got := get(); got != http.StatusForbidden {
			t.Errorf("past the absolute timeout: %d, want 403", got)
		}
		sid, _ = g.sessionLogin(t, "carol", defaultPassword)
		clk.advance(31 * time.Minute)
		if got := get(); got != http.StatusForbidden {
			t.Errorf("past the idle timeout: %d, want 403", got)
		}
	})
}

// testCombined checks RESTAUTH_MODE=all: a JWT cookie from a browser, a
// DB token from a mobile client and a session from an admin on the same
// routes; the first method (JWT) decides the challenge.
func (s *suite) testCombined(t *testing.T) {
	clk := newClock()
	e := s.newEnv(t, sessionMode(clk), func(c *core.Config) {
		c.Methods = []core.Method{core.MethodJWT, core.MethodToken, core.MethodSession}
	})
	e.createUser(t, newUser("alice"))
	res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", defaultPassword))
	res.wantStatus(t, http.StatusOK)
	var l jwtLogin
	l.cookies = res.cookies()
	m := regexp.MustCompile(`"key":"([0-9a-f]{40})"`).FindStringSubmatch(string(res.body))
	if m == nil || l.cookies["access"] == nil || l.cookies["sessionid"] == nil || !strings.Contains(string(res.body), `"access":"`) {
		t.Fatalf("combined login: %s %v", res.body, l.cookies)
	}
	for name, h := range map[string][]string{
		"JWT cookie":  {"Cookie", cookieHeader("access", l.cookies["access"].Value)},
		"DB token":    {"Authorization", tokenHeader(m[1])},
		"session":     {"Cookie", cookieHeader("sessionid", l.cookies["sessionid"].Value)},
		"JWT bearer":  {"Authorization", "Bearer " + l.cookies["access"].Value},
		"app (token)": {"Authorization", tokenHeader(m[1])},
	} {
		path := e.path("user/")
		if strings.HasPrefix(name, "app") {
			path = "/api/protected/"
		}
		e.do(t, http.MethodGet, path, "", h...).wantStatus(t, http.StatusOK)
	}
	anon := e.do(t, http.MethodGet, e.path("user/"), "")
	anon.wantJSON(t, http.StatusUnauthorized, notProvided)
	anon.wantHeader(t, "WWW-Authenticate", bearerChallenge)
	bad := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Token deadbeef")
	bad.wantJSON(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)
	bad.wantHeader(t, "WWW-Authenticate", bearerChallenge)
}

// testLoginCSRF checks that, with cookie-carried auth, another site cannot
// log a visitor in (login CSRF), while same-origin and non-browser logins
// work.
func (s *suite) testLoginCSRF(t *testing.T) {
	clk := newClock()
	e := s.newEnv(t, sessionMode(clk), func(c *core.Config) { c.EmailVerification = core.VerifyNone })
	e.createUser(t, newUser("alice"))
	body := jsonObject("username", "alice", "password", defaultPassword)
	res := e.do(t, http.MethodPost, e.path("login/"), body, "Origin", "https://evil.example")
	res.wantJSON(t, http.StatusForbidden, `{"detail":"CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins."}`)
	if _, ok := res.cookies()["sessionid"]; ok {
		t.Error("a cross-site login set a session")
	}
	form := "username=alice&password=" + defaultPassword
	e.do(t, http.MethodPost, e.path("login/"), form, "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site").
		wantStatus(t, http.StatusForbidden)
	e.do(t, http.MethodPost, e.path("login/"), body, "Origin", e.srv.URL).wantStatus(t, http.StatusNoContent)
	e.do(t, http.MethodPost, e.path("login/"), body).wantStatus(t, http.StatusNoContent)
	e.do(t, http.MethodPost, e.path("registration/"), body, "Origin", "https://evil.example").wantStatus(t, http.StatusForbidden)
}
