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

// hostileSessions runs group I of docs/threat-model.md (Server sessions).
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
		const logins = 150
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
		// whole alphabet is drawn from: over 4 800 symbols each of the 36
		// is expected ~133 times (σ ≈ 11); hex or a skewed generator
		// fails here.
		if len(symbols) != 36 {
			t.Errorf("session IDs use %d distinct symbols, want all 36 of [a-z0-9] (≥ 128 bits in 32 symbols)", len(symbols))
		}
		for r, n := range symbols {
			if n < 70 || n > 200 {
				t.Errorf("symbol %q appears %d times in %d IDs: not uniform", r, n, logins)
			}
		}
	})

	c.run(t, "T-SESS-03", func(t *testing.T) {
		// The defaults: IdleTimeout 24 h, AbsoluteTimeout 14 days
		// (SESSION_COOKIE_AGE).
		idle, absolute := e.auth.Config().Session.IdleTimeout, e.auth.Config().Session.AbsoluteTimeout
		if idle != core.DefaultSessionIdleTimeout || absolute != core.DefaultSessionAbsoluteTimeout {
			t.Fatalf("timeouts %v/%v", idle, absolute)
		}
		t.Run("idle", func(t *testing.T) {
			sid, _ := e.sessionLogin(t, "alice", defaultPassword)
			clk.advance(idle - time.Second)
			authenticated(t, e, sid) // and pushes the idle deadline
			clk.advance(idle - time.Second)
			authenticated(t, e, sid)
			clk.advance(idle + time.Second)
			anonymous(t, e, sid)
		})
		t.Run("absolute", func(t *testing.T) {
			start := clk.Now()
			sid, _ := e.sessionLogin(t, "alice", defaultPassword)
			for at := start.Add(23 * time.Hour); at.Before(start.Add(absolute - time.Hour)); at = at.Add(23 * time.Hour) {
				clk.set(at) // busy: used every 23 hours, within the idle limit
				authenticated(t, e, sid)
			}
			clk.set(start.Add(absolute - time.Second))
			authenticated(t, e, sid)
			clk.set(start.Add(absolute + time.Second))
			anonymous(t, e, sid)
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
		fs := &sessFailingStore{}
		g := s.newEnv(t, sessionMode(clk), fs.install)
		g.createUser(t, newUser("alice"))
		sid, csrf := g.sessionLogin(t, "alice", defaultPassword)
		ck := cookieHeader("sessionid", sid, "csrftoken", csrf)
		for _, plain := range []bool{false, true} {
			name := map[bool]string{false: "restauth store (ErrUnavailable)", true: "third-party store (plain error)"}[plain]
			t.Run(name, func(t *testing.T) {
				// A session that authenticated is served from the
				// login-state cache within RevocationStaleness, store
				// down or not; past the bound the store decides.
				clk.advance(core.DefaultRevocationStaleness)
				fs.failWith(true, plain)
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
				fs.failWith(false, false)
				authenticated(t, g, sid) // the session survived the outage
			})
		}
		if !strings.Contains(g.logs.String(), "connection refused") {
			t.Error("the outage was not logged")
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
