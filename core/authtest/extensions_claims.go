package authtest

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/restauth/restauth/core"
)

// testJWTClaims checks JWTConfig.Claims: custom claims in access tokens at
// login and refresh, reserved claims untouchable, claims readable through
// the adapter's principal getter.
func (s *suite) testJWTClaims(t *testing.T) {
	var mu sync.Mutex
	roles := map[int64][]string{}
	setRoles := func(id int64, r ...string) {
		mu.Lock()
		defer mu.Unlock()
		roles[id] = r
	}
	hook := func(_ context.Context, u *core.User) (map[string]any, error) {
		mu.Lock()
		defer mu.Unlock()
		// exp and user_id are reserved: restauth drops them.
		return map[string]any{"roles": roles[u.ID], "exp": 1, "user_id": 99}, nil
	}
	clk := newClock()
	e := s.newEnv(t, jwtMode(clk), func(c *core.Config) {
		c.JWT.Claims = hook
		c.JWT.NotHTTPOnly = true // the refresh token in the body, to read it
	})
	ivy := e.createUser(t, newUser("ivy"))
	setRoles(ivy.ID, "admin", "billing")
	l := e.loginJWT(t, "ivy")

	t.Run("access token carries them; refresh token does not", func(t *testing.T) {
		if got := fJWTClaimOf(t, l.access, "roles"); got != `["admin","billing"]` {
			t.Errorf("access roles %s", got)
		}
		if got := fJWTClaimOf(t, l.refresh, "roles"); got != "" {
			t.Errorf("refresh token has roles %s without ClaimsInRefresh", got)
		}
	})
	t.Run("reserved claims keep restauth's values", func(t *testing.T) {
		if got := fJWTClaimOf(t, l.access, "user_id"); got != jsonInt(ivy.ID) {
			t.Errorf("user_id %s, want %d", got, ivy.ID)
		}
		if got := fJWTClaimOf(t, l.access, "exp"); got == "1" {
			t.Error("exp was overridden by the hook")
		}
		if n := countLines(e.logs.String(), "restauth sets itself"); n == 0 {
			t.Errorf("no log record about the dropped claims")
		}
	})
	t.Run("handlers read them through the principal getter", func(t *testing.T) {
		e.do(t, http.MethodGet, "/api/claims/", "", "Authorization", "Bearer "+l.access).
			wantAppJSON(t, `{"roles":["admin","billing"]}`)
	})
	t.Run("refresh asks again: claims follow the user", func(t *testing.T) {
		setRoles(ivy.ID, "viewer")
		clk.advance(1e9)
		res := e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh))
		res.wantStatus(t, http.StatusOK)
		access := jsonString(t, res.body, "access")
		e.secrets.add(access)
		if got := fJWTClaimOf(t, access, "roles"); got != `["viewer"]` {
			t.Errorf("refreshed access roles %s, want [\"viewer\"]", got)
		}
		e.do(t, http.MethodGet, "/api/claims/", "", "Authorization", "Bearer "+access).
			wantAppJSON(t, `{"roles":["viewer"]}`)
	})
	t.Run("ClaimsInRefresh writes them into refresh tokens too", func(t *testing.T) {
		e := s.newEnv(t, jwtMode(newClock()), func(c *core.Config) {
			c.JWT.Claims = hook
			c.JWT.ClaimsInRefresh = true
			c.JWT.NotHTTPOnly = true
		})
		jo := e.createUser(t, newUser("jo"))
		setRoles(jo.ID, "ops")
		l := e.loginJWT(t, "jo")
		if got := fJWTClaimOf(t, l.refresh, "roles"); got != `["ops"]` {
			t.Errorf("refresh roles %s", got)
		}
	})
	t.Run("without claims the getter answers none", func(t *testing.T) {
		e := s.newEnv(t, jwtMode(newClock()))
		e.createUser(t, newUser("kim"))
		l := e.loginJWT(t, "kim")
		e.do(t, http.MethodGet, "/api/claims/", "", "Authorization", "Bearer "+l.access).wantAppJSON(t, `{}`)
	})
	t.Run("a failing hook fails the login with 503 and leaves no login", func(t *testing.T) {
		e := s.newEnv(t, jwtMode(newClock()), func(c *core.Config) {
			c.JWT.Claims = func(context.Context, *core.User) (map[string]any, error) {
				return nil, errors.New("roles service down")
			}
		})
		lee := e.createUser(t, newUser("lee"))
		res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "lee", "password", defaultPassword))
		res.wantStatus(t, http.StatusServiceUnavailable)
		if _, ok := res.cookies()["access"]; ok {
			t.Error("a failed login set the access cookie")
		}
		rs := e.store.(core.RefreshStore)
		if n, err := rs.RevokeUserRefreshFamilies(t.Context(), lee.ID, "", clk.Now()); err != nil || n != 0 {
			t.Errorf("the failed login left %d refresh families (%v)", n, err)
		}
	})
}
