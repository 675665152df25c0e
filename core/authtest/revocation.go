package authtest

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// testRevocation checks the login-state cache behind
// Config.RevocationStaleness (default 1s): a change made through the
// instance is enforced on its very next request; a change made elsewhere
// (the store changed behind its back, or another instance) within the
// bound and never later; a busy credential costs one store read per bound.
func (s *suite) testRevocation(t *testing.T) {
	t.Run("token: changes elsewhere within the bound, never later", func(t *testing.T) {
		clk := newClock()
		e := s.newEnv(t, func(c *core.Config) { c.Now = clk.Now })
		bob := e.createUser(t, newUser("bob"))
		key := e.login(t, "bob", defaultPassword)
		protected := func() *response {
			return e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(key))
		}
		protected().wantApp(t, map[string]string{"username": "bob"})
		if err := e.store.SetActive(t.Context(), bob.ID, false); err != nil {
			t.Fatal(err)
		}
		clk.advance(core.DefaultRevocationStaleness - time.Millisecond)
		protected().wantStatus(t, http.StatusOK) // within the bound: may still pass
		clk.advance(time.Millisecond)
		protected().want(t, http.StatusUnauthorized, `{"detail":"User inactive or deleted."}`)
	})

	t.Run("token: changes through the instance on its next request", func(t *testing.T) {
		clk := newClock() // never advanced: only local writes can refuse
		e := s.newEnv(t, func(c *core.Config) { c.Now = clk.Now })
		carl := e.createUser(t, newUser("carl"))
		e.createUser(t, newUser("cora"))
		keys := []string{e.login(t, "carl", defaultPassword), e.login(t, "carl", defaultPassword)}
		for _, k := range keys {
			e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(k)).wantStatus(t, http.StatusOK)
		}
		e.do(t, http.MethodPost, e.path("logout/"), "", "Authorization", tokenHeader(keys[0])).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(keys[0])).want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)

		e.do(t, http.MethodPatch, e.path("user/"), `{"username":"carlo"}`, "Authorization", tokenHeader(keys[1])).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(keys[1])).wantApp(t, map[string]string{"username": "carlo"})

		cora := e.login(t, "cora", defaultPassword)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(cora)).wantStatus(t, http.StatusOK)
		if err := e.auth.Deactivate(t.Context(), carl.ID); err != nil {
			t.Fatal(err)
		}
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(keys[1])).wantStatus(t, http.StatusUnauthorized)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(cora)).wantStatus(t, http.StatusOK)
	})

	t.Run("token: one store read per credential per bound", func(t *testing.T) {
		clk := newClock()
		spy := &revocationSpy{}
		e := s.newEnv(t, func(c *core.Config) { c.Now = clk.Now }, spy.install)
		e.createUser(t, newUser("dina"))
		key := e.login(t, "dina", defaultPassword)
		for range 10 {
			e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
		}
		if n := spy.reads.Load(); n != 1 {
			t.Errorf("%d store reads for 10 requests within the bound, want 1", n)
		}
		clk.advance(core.DefaultRevocationStaleness)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
		if n := spy.reads.Load(); n != 2 {
			t.Errorf("%d store reads after the bound passed, want 2", n)
		}
	})

	t.Run("token: a read that began before a local change is not kept", func(t *testing.T) {
		spy := &revocationSpy{}
		e := s.newEnv(t, spy.install)
		ed := e.createUser(t, newUser("ed"))
		key := e.login(t, "ed", defaultPassword)
		spy.holdNext() // the next UserByToken reads, then waits
		done := make(chan *response, 1)
		go func() {
			done <- e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(key))
		}()
		spy.waitHeld(t)
		if err := e.auth.Deactivate(t.Context(), ed.ID); err != nil {
			t.Fatal(err)
		}
		spy.release()
		(<-done).wantStatus(t, http.StatusOK) // read before the change: fine
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusUnauthorized)
	})

	t.Run("ReadEveryRequest sees changes elsewhere at once", func(t *testing.T) {
		e := s.newEnv(t, readEveryRequest)
		fay := e.createUser(t, newUser("fay"))
		key := e.login(t, "fay", defaultPassword)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
		if err := e.store.SetActive(t.Context(), fay.ID, false); err != nil {
			t.Fatal(err)
		}
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusUnauthorized)
	})

	t.Run("JWT: two instances, logout on one is refused on the other within the bound", func(t *testing.T) {
		clk := newClock()
		a := s.newEnv(t, jwtMode(clk))
		b := a.twin(t)
		a.createUser(t, newUser("gus"))
		l := a.loginJWT(t, "gus")
		bearer := []string{"Authorization", "Bearer " + l.access}
		for _, e := range []*env{a, b} {
			e.do(t, http.MethodGet, "/api/protected/", "", bearer...).wantStatus(t, http.StatusOK)
		}
		a.do(t, http.MethodPost, a.path("logout/"), jsonObject("refresh", l.refresh), bearer...).wantStatus(t, http.StatusOK)
		a.do(t, http.MethodGet, "/api/protected/", "", bearer...).want(t, http.StatusUnauthorized, accessError("Token is blacklisted"))
		clk.advance(core.DefaultRevocationStaleness)
		b.do(t, http.MethodGet, "/api/protected/", "", bearer...).want(t, http.StatusUnauthorized, accessError("Token is blacklisted"))
	})

	t.Run("JWT: two instances, a password change on one ends the other's logins within the bound", func(t *testing.T) {
		clk := newClock()
		a := s.newEnv(t, jwtMode(clk))
		b := a.twin(t)
		a.createUser(t, newUser("hal"))
		mine, other := a.loginJWT(t, "hal"), a.loginJWT(t, "hal")
		b.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+other.access).wantStatus(t, http.StatusOK)
		a.do(t, http.MethodPost, a.path("password/change/"),
			jsonObject("old_password", defaultPassword, "new_password1", "N3w-secret-pass", "new_password2", "N3w-secret-pass"),
			"Authorization", "Bearer "+mine.access).wantStatus(t, http.StatusOK)
		a.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+other.access).wantStatus(t, http.StatusUnauthorized)
		clk.advance(core.DefaultRevocationStaleness)
		b.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+other.access).wantStatus(t, http.StatusUnauthorized)
		b.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+mine.access).wantStatus(t, http.StatusOK)
	})

	t.Run("session: deactivation elsewhere ends the session within the bound", func(t *testing.T) {
		clk := newClock()
		e := s.newEnv(t, sessionMode(clk))
		b := e.twin(t)
		ivy := e.createUser(t, newUser("ivy"))
		sid, _ := e.sessionLogin(t, "ivy", defaultPassword)
		cookie := []string{"Cookie", cookieHeader("sessionid", sid)}
		b.do(t, http.MethodGet, "/api/protected/", "", cookie...).wantStatus(t, http.StatusOK)
		if err := e.auth.Deactivate(t.Context(), ivy.ID); err != nil { // through instance e
			t.Fatal(err)
		}
		e.do(t, http.MethodGet, "/api/protected/", "", cookie...).wantStatus(t, http.StatusForbidden)
		clk.advance(core.DefaultRevocationStaleness)
		b.do(t, http.MethodGet, "/api/protected/", "", cookie...).wantStatus(t, http.StatusForbidden)
	})

	t.Run("real clock: the largest delay across instances", func(t *testing.T) {
		const bound = 200 * time.Millisecond
		e := s.newEnv(t, func(c *core.Config) { c.RevocationStaleness = bound })
		b := e.twin(t)
		e.createUser(t, newUser("jan"))
		var worst time.Duration
		for range 3 {
			key := e.login(t, "jan", defaultPassword)
			auth := []string{"Authorization", tokenHeader(key)}
			b.do(t, http.MethodGet, "/api/protected/", "", auth...).wantStatus(t, http.StatusOK)
			e.do(t, http.MethodPost, e.path("logout/"), "", auth...).wantStatus(t, http.StatusOK)
			start := time.Now()
			for {
				res := b.do(t, http.MethodGet, "/api/protected/", "", auth...)
				if res.status == http.StatusUnauthorized {
					break
				}
				if time.Since(start) > 20*bound {
					t.Fatalf("the other instance still accepts a logged-out token after %v (bound %v)", time.Since(start), bound)
				}
				time.Sleep(5 * time.Millisecond)
			}
			worst = max(worst, time.Since(start))
		}
		t.Logf("largest delay before the other instance refused a logged-out token: %v (bound %v)", worst, bound)
	})
}

// revocationSpy counts UserByToken reads and can hold one after it read.
type revocationSpy struct {
	core.Store
	reads atomic.Int64

	mu       sync.Mutex
	hold     bool
	held     chan struct{}
	released chan struct{}
}

func (s *revocationSpy) install(c *core.Config) {
	s.Store = c.Store
	c.Store = s
}

// holdNext makes the next UserByToken wait, after reading, until release.
func (s *revocationSpy) holdNext() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold, s.held, s.released = true, make(chan struct{}), make(chan struct{})
}

func (s *revocationSpy) waitHeld(t *testing.T) {
	t.Helper()
	select {
	case <-s.held:
	case <-time.After(30 * time.Second):
		t.Fatal("the request never read the token")
	}
}

func (s *revocationSpy) release() { close(s.released) }

// UserByToken implements core.TokenStore.
func (s *revocationSpy) UserByToken(ctx context.Context, digest string) (*core.User, *core.Token, error) {
	s.reads.Add(1)
	u, tok, err := s.Store.UserByToken(ctx, digest)
	s.mu.Lock()
	hold := s.hold
	s.hold = false
	held, released := s.held, s.released
	s.mu.Unlock()
	if hold {
		close(held)
		<-released
	}
	return u, tok, err
}
