package authtest

import (
	"net/http"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// hostileRefreshLifetimes is T-RT-06: a login that keeps rotating dies at
// its absolute lifetime (JWTConfig.FamilyLifetime, default 30 days), and a
// refresh token not used for RefreshLifetime (the idle limit, default 24
// hours) dies then; both refused at the boundary +1 s, not before.
func (s *suite) hostileRefreshLifetimes(t *testing.T, envs *rtEnvs) {
	e, clk := envs.strict, envs.clk
	t.Run("absolute lifetime of a rotating login", func(t *testing.T) {
		if got := e.auth.Config().JWT.FamilyLifetime; got != 30*24*time.Hour {
			t.Fatalf("default FamilyLifetime %v, want 30 days", got)
		}
		start := clk.Now()
		end := start.Add(core.DefaultFamilyLifetime)
		l := e.loginJWT(t, "alice")
		cur := rtPair{l.access, l.refresh}
		rotate := func(at time.Time) *response {
			clk.set(at)
			res, next := e.rtRotate(t, cur.refresh)
			if res.status == http.StatusOK {
				cur = next
			}
			return res
		}
		// A busy client: rotate every 23 hours, always within the idle limit.
		for at := start.Add(23 * time.Hour); at.Before(end.Add(-time.Hour)); at = at.Add(23 * time.Hour) {
			if res := rotate(at); res.status != http.StatusOK {
				t.Fatalf("rotation %v after login: %d %s", at.Sub(start), res.status, res.body)
			}
		}
		rotate(end.Add(-time.Second)).wantStatus(t, http.StatusOK)
		last := cur
		rotate(end.Add(time.Second)).wantJSON(t, http.StatusUnauthorized, invalidOrExpired)
		if rt, _ := e.rtRecord(t, last.refresh); !rt.Used.IsZero() {
			t.Error("the refused rotation consumed the token")
		}
		// The login ends for good: a new login works.
		e.loginJWT(t, "alice")
	})

	t.Run("configured absolute lifetime", func(t *testing.T) {
		e := s.newEnv(t, jwtMode(clk), func(c *core.Config) { c.JWT.FamilyLifetime = 3 * time.Hour })
		e.createUser(t, newUser("alice"))
		start := clk.Now()
		l := e.loginJWT(t, "alice")
		clk.set(start.Add(3*time.Hour - time.Second))
		res, next := e.rtRotate(t, l.refresh)
		res.wantStatus(t, http.StatusOK)
		clk.set(start.Add(3*time.Hour + time.Second))
		e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", next.refresh)).wantJSON(t, http.StatusUnauthorized, invalidOrExpired)
	})

	t.Run("idle expiry", func(t *testing.T) {
		idle := e.auth.Config().JWT.RefreshLifetime
		if idle != core.DefaultRefreshLifetime {
			t.Fatalf("default RefreshLifetime %v", idle)
		}
		l := e.loginJWT(t, "alice")
		clk.advance(idle - time.Second)
		res, next := e.rtRotate(t, l.refresh)
		res.wantStatus(t, http.StatusOK)
		clk.advance(idle + time.Second)
		e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", next.refresh)).wantJSON(t, http.StatusUnauthorized, invalidOrExpired)
	})
}
