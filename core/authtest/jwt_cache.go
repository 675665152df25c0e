package authtest

import (
	"net/http"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// testJWTVerifiedCache checks that remembering verified access tokens
// (JWTConfig.VerifiedTokenCache, on by default) changes nothing a client
// can observe: two servers, one with the cache and one without, answer
// every step of the same story byte for byte alike, on both the
// application route and user/, while the clock moves forwards past exp,
// backwards before iat, and the login is ended.
func (s *suite) testJWTVerifiedCache(t *testing.T) {
	type side struct {
		e     *env
		clk   *clock
		login jwtLogin
	}
	start := newClock().Now()
	newSide := func(cache int) *side {
		clk := newClock()
		clk.set(start)
		// The store is changed behind the server's back below: read it on
		// every request (the login-state cache has its own group).
		e := s.newEnv(t, jwtMode(clk), readEveryRequest, func(c *core.Config) { c.JWT.VerifiedTokenCache = cache })
		e.createUser(t, newUser("alice"))
		e.createUser(t, newUser("bob"))
		return &side{e: e, clk: clk, login: e.loginJWT(t, "alice")}
	}
	const appPath = "/api/protected/"
	cached, uncached := newSide(0), newSide(-1)
	sides := []*side{cached, uncached}

	// step sends the same request to both servers (each with its own
	// token), checks the cached server's status and that the answers
	// are identical.
	step := func(t *testing.T, status int, method, path string) {
		t.Helper()
		var res [2]*response
		for i, sd := range sides {
			p := path
			if p != appPath {
				p = sd.e.path(path)
			}
			// With its csrftoken cookie, so that no random one is
			// handed out to make the answers differ.
			res[i] = sd.e.do(t, method, p, "", "Authorization", "Bearer "+sd.login.access,
				"Cookie", cookieHeader("csrftoken", sd.login.csrf))
		}
		res[0].wantStatus(t, status)
		wantSame(t, res[0], res[1])
	}
	setClock := func(t time.Time) {
		for _, sd := range sides {
			sd.clk.set(t)
		}
	}
	lifetime := core.DefaultAccessLifetime

	t.Run("a token presented again", func(t *testing.T) {
		for range 3 {
			step(t, http.StatusOK, http.MethodGet, "user/")
			step(t, http.StatusOK, http.MethodGet, appPath)
		}
	})
	t.Run("clock before the first verification", func(t *testing.T) {
		// iat is in the future again: Parse refuses it, so the cache
		// must not answer from memory.
		setClock(start.Add(-time.Hour))
		step(t, http.StatusUnauthorized, http.MethodGet, "user/")
		setClock(start)
		step(t, http.StatusOK, http.MethodGet, "user/")
	})
	t.Run("until the last second before exp", func(t *testing.T) {
		setClock(start.Add(lifetime - time.Second))
		step(t, http.StatusOK, http.MethodGet, "user/")
	})
	t.Run("not at exp", func(t *testing.T) {
		setClock(start.Add(lifetime))
		step(t, http.StatusUnauthorized, http.MethodGet, "user/")
		step(t, http.StatusUnauthorized, http.MethodGet, appPath)
		setClock(start)
	})
	t.Run("logout ends a remembered token", func(t *testing.T) {
		step(t, http.StatusOK, http.MethodGet, appPath)
		step(t, http.StatusOK, http.MethodPost, "logout/")
		step(t, http.StatusUnauthorized, http.MethodGet, appPath)
		step(t, http.StatusUnauthorized, http.MethodGet, "user/")
	})
	t.Run("deactivation ends a remembered token", func(t *testing.T) {
		for _, sd := range sides {
			sd.login = sd.e.loginJWT(t, "bob")
		}
		step(t, http.StatusOK, http.MethodGet, "user/")
		for _, sd := range sides {
			u, err := sd.e.store.UserByUsername(t.Context(), "bob")
			if err != nil {
				t.Fatal(err)
			}
			if err := sd.e.store.SetActive(t.Context(), u.ID, false); err != nil {
				t.Fatal(err)
			}
		}
		step(t, http.StatusUnauthorized, http.MethodGet, "user/")
	})
}
