package authtest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// rtEnvs are the servers the G cases share (a fresh store costs up to a
// second on a loaded PostgreSQL), both with the user "alice".
type rtEnvs struct {
	clk    *clock
	strict *env         // library defaults: ReuseGrace 0
	grace  *env         // ReuseGrace 10 s; registration and password reset on
	outbox *mail.Outbox // grace's mail
}

// hostileRefresh runs group G of docs/threat-model.md (Refresh tokens:
// rotation, reuse, revocation).
func (s *suite) hostileRefresh(t *testing.T, c *cases) {
	clk := newClock()
	e := s.newEnv(t, jwtMode(clk))
	alice := e.createUser(t, newUser("alice"))
	refresh := e.path("token/refresh/")
	envs := &rtEnvs{clk: clk, strict: e, outbox: mail.NewOutbox()}
	envs.grace = s.newEnv(t, jwtMode(clk), accountsMode(envs.outbox, core.VerifyNone),
		func(c *core.Config) { c.JWT.ReuseGrace = 10 * time.Second })
	envs.grace.createUser(t, newUser("alice"))

	c.run(t, "T-RT-01", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		first := rtPair{l.access, l.refresh}
		res, second := e.rtRotate(t, l.refresh)
		res.wantStatus(t, http.StatusOK)
		e.rtWantAlive(t, "rotated pair", second)
		other := e.loginJWT(t, "alice") // another login of the same user

		e.do(t, http.MethodPost, refresh, jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
		e.do(t, http.MethodPost, refresh, jsonObject("refresh", second.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Bearer "+second.access).
			wantJSON(t, http.StatusUnauthorized, accessError("Token is blacklisted"))
		e.rtWantDead(t, "first pair", first)
		e.rtWantAlive(t, "another login", rtPair{access: other.access})

		fam := rtClaimsOf(t, l.refresh).Family
		var event string
		for _, line := range strings.Split(e.logs.String(), "\n") {
			if strings.Contains(line, "event=refresh_reuse") {
				event = line
			}
		}
		if !strings.Contains(event, fmt.Sprintf("user_id=%d", alice.ID)) || !strings.Contains(event, "family_id="+fam) {
			t.Errorf("no security event naming user %d and family %s; log:\n%s", alice.ID, fam, e.logs.String())
		}
		// Token values never reach the log (also checked for every env).
		for _, tok := range []string{l.refresh, second.refresh, second.access, rtClaimsOf(t, l.refresh).JTI} {
			if strings.Contains(e.logs.String(), tok) {
				t.Error("a token value reached the log")
			}
		}
	})

	c.run(t, "T-RT-02", func(t *testing.T) {
		race := func(t *testing.T, g *env, l jwtLogin, racers int) []*response {
			reqs := make([]*http.Request, racers)
			for i := range reqs {
				reqs[i] = g.rtPost(t, "token/refresh/", jsonObject("refresh", l.refresh))
			}
			return g.rtFire(t, reqs)
		}
		t.Run("strict: exactly one wins, the duplicates are reuse", func(t *testing.T) {
			l := e.loginJWT(t, "alice")
			var winners []rtPair
			for _, res := range race(t, e, l, 20) {
				switch {
				case res == nil:
				case res.status == http.StatusOK:
					winners = append(winners, e.rtPairOf(t, res))
				case res.status != http.StatusUnauthorized:
					t.Errorf("status %d %s", res.status, res.body)
				case res.cookies()["refresh"] != nil:
					t.Errorf("a refused refresh set a refresh cookie")
				}
			}
			if len(winners) != 1 {
				t.Fatalf("%d refreshes succeeded, want exactly 1", len(winners))
			}
			if rt, _ := e.rtRecord(t, l.refresh); rt.Used.IsZero() {
				t.Error("the raced token is not recorded as used")
			}
			// Strict mode (ReuseGrace 0, the default): the losers presented
			// a consumed token, which is reuse, so the family is revoked
			// and the winner's successor is dead too.
			e.rtWantDead(t, "winner", winners[0])
		})
		t.Run("grace window: the duplicates get successors of the same live login", func(t *testing.T) {
			g := envs.grace
			l := g.loginJWT(t, "alice")
			fam := rtClaimsOf(t, l.refresh).Family
			seen := map[string]bool{}
			for _, res := range race(t, g, l, 8) {
				if res == nil {
					continue
				}
				res.wantStatus(t, http.StatusOK)
				p := g.rtPairOf(t, res)
				if p.refresh == "" || seen[p.refresh] || rtClaimsOf(t, p.refresh).Family != fam {
					t.Errorf("successor not a fresh token of family %s", fam)
				}
				seen[p.refresh] = true
				g.rtWantRecorded(t, "successor", p.refresh)
			}
			if _, f := g.rtRecord(t, l.refresh); !f.Revoked.IsZero() {
				t.Error("a race within the grace window revoked the login")
			}
		})
	})

	c.run(t, "T-RT-03", func(t *testing.T) {
		g := envs.grace
		logStart := len(g.logs.String())
		l := g.loginJWT(t, "alice")
		res, second := g.rtRotate(t, l.refresh)
		res.wantStatus(t, http.StatusOK)

		clk.advance(5 * time.Second) // +5 s: a retry within the window
		res, retried := g.rtRotate(t, l.refresh)
		res.wantStatus(t, http.StatusOK)
		if retried.refresh == second.refresh || rtClaimsOf(t, retried.refresh).Family != rtClaimsOf(t, l.refresh).Family {
			t.Error("the retry did not get a fresh successor in the same login")
		}
		g.rtWantAlive(t, "first successor", second)
		g.rtWantAlive(t, "retry's successor", retried)
		if strings.Contains(g.logs.String()[logStart:], "event=refresh_reuse") {
			t.Error("a retry within the grace window was logged as reuse")
		}

		clk.advance(10 * time.Second) // +15 s: past the window, this is reuse
		g.do(t, http.MethodPost, g.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
		g.rtWantDead(t, "first successor", second)
		g.rtWantDead(t, "retry's successor", retried)
		if !strings.Contains(g.logs.String()[logStart:], "event=refresh_reuse") {
			t.Error("reuse past the grace window was not logged")
		}
	})

	c.run(t, "T-RT-04", func(t *testing.T) {
		s.hostileRefreshRevocation(t, envs)
	})

	c.run(t, "T-RT-05", func(t *testing.T) {
		// The Store contract has no user deletion (applications deactivate
		// accounts, as Django's is_active); a deactivated account is the
		// case to test.
		for _, how := range []string{"Auth.Deactivate", "is_active cleared in the store"} {
			t.Run(how, func(t *testing.T) {
				name := "rt05" + strings.ReplaceAll(strings.ToLower(how[:4]), ".", "")
				u := e.createUser(t, newUser(name))
				l := e.loginJWT(t, name)
				var err error
				if how == "Auth.Deactivate" {
					err = e.auth.Deactivate(t.Context(), u.ID)
				} else {
					err = e.store.SetActive(t.Context(), u.ID, false)
				}
				if err != nil {
					t.Fatal(err)
				}
				res := e.do(t, http.MethodPost, refresh, jsonObject("refresh", l.refresh))
				res.wantStatus(t, http.StatusUnauthorized)
				if c := res.cookies(); c["access"] != nil || c["refresh"] != nil || strings.Contains(string(res.body), `"access"`) {
					t.Errorf("a token was minted for an inactive user: %s %v", res.body, c)
				}
				if rt, _ := e.rtRecord(t, l.refresh); !rt.Used.IsZero() {
					t.Error("the refused refresh consumed the token")
				}
				e.rtWantDead(t, "inactive user's login", rtPair{l.access, l.refresh})
			})
		}
	})

	c.run(t, "T-RT-06", func(t *testing.T) {
		s.hostileRefreshLifetimes(t, envs)
	})

	c.run(t, "T-RT-07", func(t *testing.T) {
		s.hostileRefreshStoreDown(t, clk)
	})

	c.run(t, "T-RT-08", func(t *testing.T) {
		s.hostileRefreshHalfRotation(t, clk)
	})

	c.run(t, "T-RT-09", func(t *testing.T) {
		s.hostileRefreshWhereTokensGo(t, envs)
	})

	c.run(t, "T-RT-10", func(t *testing.T) {
		g := envs.grace
		l := g.loginJWT(t, "alice")
		g.rtWantRecorded(t, "login", l.refresh)
		res, next := g.rtRotate(t, l.refresh)
		res.wantStatus(t, http.StatusOK)
		g.rtWantRecorded(t, "rotation", next.refresh)
		res, retry := g.rtRotate(t, l.refresh) // within the grace window
		res.wantStatus(t, http.StatusOK)
		g.rtWantRecorded(t, "grace-window successor", retry.refresh)

		res = g.do(t, http.MethodPost, g.path("registration/"), register("rt10", "rt10@example.com", defaultPassword))
		res.wantStatus(t, http.StatusCreated)
		c := res.cookies()["refresh"]
		if c == nil || !jwtRe.MatchString(c.Value) {
			t.Fatalf("registration set no refresh cookie: %s", res.body)
		}
		g.secrets.add(c.Value)
		g.rtWantRecorded(t, "registration", c.Value)
		// Recorded means revocable: logging out of the registration's
		// login ends it.
		g.do(t, http.MethodPost, g.path("logout/"), jsonObject("refresh", c.Value)).wantStatus(t, http.StatusOK)
		g.rtWantDead(t, "registration's login", rtPair{refresh: c.Value})
	})

	c.run(t, "T-RT-11", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		cookie := cookieHeader("refresh", l.refresh, "csrftoken", l.csrf)
		for _, h := range [][]string{
			{"Sec-Fetch-Site", "cross-site"},
			{"Sec-Fetch-Site", "same-site"},
			{"Origin", "https://evil.example"},
			{"Origin", "null"},
		} {
			for _, rel := range []string{"token/refresh/", "logout/"} {
				res := e.do(t, http.MethodPost, e.path(rel), "", append([]string{"Cookie", cookie, "X-CSRFToken", l.csrf}, h...)...)
				res.wantStatus(t, http.StatusForbidden)
				if !strings.HasPrefix(string(res.body), `{"detail":"CSRF Failed: `) {
					t.Errorf("%s with %s: body %s", rel, h, res.body)
				}
				if len(res.header.Values("Set-Cookie")) > 0 {
					t.Errorf("%s with %s: cookies changed: %q", rel, h, res.header.Values("Set-Cookie"))
				}
			}
		}
		// Nothing changed: the login is live and its token unused.
		if rt, fam := e.rtRecord(t, l.refresh); !rt.Used.IsZero() || !fam.Revoked.IsZero() {
			t.Errorf("a cross-site request changed the login: %+v %+v", rt, fam)
		}
		e.rtWantAlive(t, "login", rtPair{access: l.access})
		e.do(t, http.MethodPost, refresh, "", "Cookie", cookie, "X-CSRFToken", l.csrf, "Sec-Fetch-Site", "same-origin", "Origin", e.srv.URL).
			wantStatus(t, http.StatusOK)
	})
}
