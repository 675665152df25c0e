package authtest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
)

// hostileSessions runs security.md §3 I. Server sessions.
//
// Where the catalogue says 401, session authentication answers 403 with
// "Authentication credentials were not provided.": DRF's
// SessionAuthentication has no WWW-Authenticate challenge, so DRF (and
// restauth, wire-compatible with dj-rest-auth) turns the 401 into a 403.
// The property tested is the same: the request is not authenticated.
func (s *suite) hostileSessions(t *testing.T, c *cases) {
	clk := newClock()
	e := s.newEnv(t, sessionMode(clk))
	e.createUser(t, newUser("alice"))
	user := e.path("user/")
	// anonymous checks that the session cookie id authenticates nowhere.
	anonymous := func(t *testing.T, g *env, id string) {
		t.Helper()
		ck := cookieHeader("sessionid", id)
		g.do(t, http.MethodGet, g.path("user/"), "", "Cookie", ck).wantJSON(t, http.StatusForbidden, notProvided)
		g.do(t, http.MethodGet, "/api/protected/", "", "Cookie", ck).wantStatus(t, http.StatusForbidden)
		g.do(t, http.MethodGet, "/api/optional/", "", "Cookie", ck).wantApp(t, map[string]string{"user": ""})
	}
	authenticated := func(t *testing.T, g *env, id string) {
		t.Helper()
		g.do(t, http.MethodGet, "/api/protected/", "", "Cookie", cookieHeader("sessionid", id)).wantApp(t, map[string]string{"username": "alice"})
	}

	c.run(t, "T-SESS-01", func(t *testing.T) {
		for name, planted := range map[string]string{
			"(a) invented ID of the right shape": strings.Repeat("a1", 16),
			"(a) invented ID of another shape":   "attacker-chosen-session-id",
			"(b) valid anonymous session":        e.sessAnonymous(t),
			"(b) the attacker's own login":       func() string { sid, _ := e.sessionLogin(t, "alice", defaultPassword); return sid }(),
		} {
			t.Run(name, func(t *testing.T) {
				sid, _ := e.sessionLogin(t, "alice", defaultPassword, "Cookie", cookieHeader("sessionid", planted))
				if sid == planted {
					t.Fatal("login kept the planted session ID")
				}
				anonymous(t, e, planted)
				if e.sessStored(t, planted) {
					t.Error("the planted session survived the login")
				}
				authenticated(t, e, sid)
			})
		}
	})

	c.run(t, "T-SESS-02", func(t *testing.T) {
		// Over HTTP a few hundred logins; the store-level test of 10 000
		// IDs from concurrent writers is core/storetest/session_limits.go
		// (testSessionIDsUnique), run for memstore and every sqlstore
		// database.
		const logins = 200
		seen := map[string]bool{}
		symbols := map[rune]int{}
		for range logins {
			sid, _ := e.sessionLogin(t, "alice", defaultPassword) // checks ^[a-z0-9]{32}$
			if seen[sid] {
				t.Fatalf("session ID issued twice after %d logins", len(seen))
			}
			seen[sid] = true
			for _, r := range sid {
				symbols[r]++
			}
			// No user data: the ID is only random symbols, never the
			// username, user id or anything derived from the login.
			if strings.Contains(sid, "alice") {
				t.Errorf("session ID %q carries user data", sid)
			}
		}
		// 32 symbols from a 36-letter alphabet carry 165 bits only if the
		// whole alphabet is drawn from: over 6 400 symbols each of the 36
		// is expected ~178 times; hex or a skewed generator fails here.
		if len(symbols) != 36 {
			t.Errorf("session IDs use %d distinct symbols, want all 36 of [a-z0-9] (≥ 128 bits in 32 symbols)", len(symbols))
		}
		for r, n := range symbols {
			if n < 80 || n > 320 {
				t.Errorf("symbol %q appears %d times in %d IDs: not uniform", r, n, logins)
			}
		}
	})

	c.run(t, "T-SESS-03", func(t *testing.T) {
		g := s.newEnv(t, sessionMode(clk), func(c *core.Config) {
			c.Session.IdleTimeout = 30 * time.Minute
			c.Session.AbsoluteTimeout = 2 * time.Hour
		})
		g.createUser(t, newUser("alice"))
		t.Run("idle", func(t *testing.T) {
			sid, _ := g.sessionLogin(t, "alice", defaultPassword)
			clk.advance(30*time.Minute - time.Second)
			authenticated(t, g, sid) // and refreshes the idle deadline
			clk.advance(30*time.Minute - time.Second)
			authenticated(t, g, sid)
			clk.advance(30*time.Minute + time.Second)
			anonymous(t, g, sid)
		})
		t.Run("absolute", func(t *testing.T) {
			start := clk.Now()
			sid, _ := g.sessionLogin(t, "alice", defaultPassword)
			for i := 1; i <= 4; i++ { // busy: used every 29 minutes
				clk.set(start.Add(time.Duration(i) * 29 * time.Minute))
				authenticated(t, g, sid)
			}
			clk.set(start.Add(2*time.Hour - time.Second))
			authenticated(t, g, sid)
			clk.set(start.Add(2*time.Hour + time.Second))
			anonymous(t, g, sid)
		})
	})

	c.run(t, "T-SESS-04", func(t *testing.T) {
		sid, csrf := e.sessionLogin(t, "alice", defaultPassword)
		e.do(t, http.MethodPost, e.path("logout/"), "", "Cookie", cookieHeader("sessionid", sid, "csrftoken", csrf), "X-CSRFToken", csrf).
			wantJSON(t, http.StatusOK, `{"detail":"Successfully logged out."}`)
		anonymous(t, e, sid) // the replayed cookie
		if e.sessStored(t, sid) {
			t.Error("logout left the session in the store")
		}
	})

	c.run(t, "T-SESS-05", func(t *testing.T) {
		e.createUser(t, newUser("sess05"))
		a, acsrf := e.sessionLogin(t, "sess05", defaultPassword)
		b, _ := e.sessionLogin(t, "sess05", defaultPassword)
		res := e.do(t, http.MethodPost, e.path("password/change/"),
			jsonObject("old_password", defaultPassword, "new_password1", "Brand-new-pass-7", "new_password2", "Brand-new-pass-7"),
			"Cookie", cookieHeader("sessionid", a, "csrftoken", acsrf), "X-CSRFToken", acsrf)
		res.wantJSON(t, http.StatusOK, `{"detail":"New password has been saved."}`)
		e.do(t, http.MethodGet, user, "", "Cookie", cookieHeader("sessionid", b)).wantJSON(t, http.StatusForbidden, notProvided)
		renewed := res.cookies()["sessionid"]
		if renewed == nil || renewed.Value == a || !sessionIDRe.MatchString(renewed.Value) {
			t.Fatalf("the changer's session ID was not rotated: %+v", renewed)
		}
		e.do(t, http.MethodGet, user, "", "Cookie", cookieHeader("sessionid", renewed.Value)).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodGet, user, "", "Cookie", cookieHeader("sessionid", a)).wantJSON(t, http.StatusForbidden, notProvided)
	})

	c.run(t, "T-SESS-06", func(t *testing.T) {
		for _, plain := range []bool{false, true} {
			name := map[bool]string{false: "restauth store (ErrUnavailable)", true: "third-party store (plain error)"}[plain]
			t.Run(name, func(t *testing.T) {
				fs := &sessFailingStore{plain: plain}
				g := s.newEnv(t, sessionMode(clk), fs.install)
				g.createUser(t, newUser("alice"))
				sid, csrf := g.sessionLogin(t, "alice", defaultPassword)
				ck := cookieHeader("sessionid", sid, "csrftoken", csrf)
				fs.fail(true)
				for _, r := range []struct{ method, path, body string }{
					{http.MethodGet, "/api/protected/", ""},
					{http.MethodGet, "/api/optional/", ""}, // never anonymous either
					{http.MethodGet, g.path("user/"), ""},
					{http.MethodPatch, g.path("user/"), `{"first_name":"Al"}`},
					{http.MethodPost, g.path("logout/"), ""}, // never "logged out" while the session lives
					{http.MethodPost, g.path("login/"), jsonObject("username", "alice", "password", defaultPassword)},
				} {
					res := g.do(t, r.method, r.path, r.body, "Cookie", ck, "X-CSRFToken", csrf)
					res.wantJSON(t, http.StatusServiceUnavailable, rtUnavailable)
					res.wantHeader(t, "Retry-After", "5")
				}
				fs.fail(false)
				authenticated(t, g, sid) // the session survived the outage
				if !strings.Contains(g.logs.String(), "connection refused") {
					t.Error("the outage was not logged")
				}
			})
		}
	})

	c.run(t, "T-SESS-07", func(t *testing.T) {
		sid, _ := e.sessionLogin(t, "alice", defaultPassword)
		for name, v := range map[string]string{
			"last symbol changed": sessFlip(sid, 31),
			"upper case":          strings.ToUpper(sid),
			"one symbol longer":   sid + "a",
			"truncated":           sid[:31],
			"empty":               "",
			"path traversal":      "../../../../etc/passwd",
			"SQL":                 url.QueryEscape("' OR '1'='1"),
			"NUL and non-ASCII":   url.QueryEscape("\x00é") + sid,
			"4 KiB":               strings.Repeat("z", 4000),
			"gorilla-signed form": "MTcwMDAwMDAwMHxEdi1CQkFFQ180SUFBUkFCRUFBQV9f|" + strings.Repeat("A", 43) + "=",
		} {
			t.Run(name, func(t *testing.T) { anonymous(t, e, v) })
		}
		authenticated(t, e, sid) // probing never hurt the real session

		t.Run("signed cookie store", func(t *testing.T) {
			// With gorilla's signed CookieStore the cookie is the session
			// itself: a tampered or forged signature must read as no
			// session (securecookie's decode error), never a 5xx.
			g := s.newEnv(t, sessionMode(clk), func(c *core.Config) {
				c.Session.Store = sessions.NewCookieStore([]byte(jwtSecret[:32]))
			})
			g.createUser(t, newUser("alice"))
			signed, _ := g.sessionLoginSigned(t)
			authenticated(t, g, signed)
			forger := sessions.NewCookieStore([]byte("another-key-0123456789abcdefghij"))
			forged := sessForge(t, forger, map[any]any{"_auth_user_id": int64(1)})
			for name, v := range map[string]string{
				"signature byte changed":  sessFlip(signed, len(signed)-3),
				"payload byte changed":    sessFlip(signed, 10),
				"signed with another key": forged,
			} {
				t.Run(name, func(t *testing.T) { anonymous(t, g, v) })
			}
		})
	})
}
