package authtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
)

// testRevocation checks the login-state cache behind
// Config.RevocationStaleness (default 1s): a change made through the
// instance is enforced on its very next request; a change made elsewhere
// (the store changed behind its back, or another instance) within the
// bound and never later (in Config.Now's time without a change feed, in
// real time with one); a busy credential costs one store read per bound
// without a change feed, and none while the store's change feed
// (core.ChangeFeed) is read, which serves entries beyond the bound until a
// change drops them, and fails closed to the bound when the feed cannot be
// read. Stores without a change feed skip the feed's cases.
func (s *suite) testRevocation(t *testing.T) {
	t.Run("token: changes elsewhere within the bound, never later", func(t *testing.T) {
		clk := newClock()
		spy := &revocationSpy{} // hides any change feed: the TTL rule alone
		e := s.newEnv(t, func(c *core.Config) { c.Now = clk.Now }, spy.install)
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
		// One login at a time: a store that keeps one key per user (the
		// Django schema, as DRF) hands the second login the first's key.
		first := e.login(t, "carl", defaultPassword)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(first)).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodPost, e.path("logout/"), "", "Authorization", tokenHeader(first)).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(first)).want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)

		second := e.login(t, "carl", defaultPassword)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(second)).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodPatch, e.path("user/"), `{"username":"carlo"}`, "Authorization", tokenHeader(second)).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(second)).wantApp(t, map[string]string{"username": "carlo"})

		cora := e.login(t, "cora", defaultPassword)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(cora)).wantStatus(t, http.StatusOK)
		if err := e.auth.Deactivate(t.Context(), carl.ID); err != nil {
			t.Fatal(err)
		}
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(second)).wantStatus(t, http.StatusUnauthorized)
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(cora)).wantStatus(t, http.StatusOK)
	})

	t.Run("token: one store read per credential per bound without a change feed", func(t *testing.T) {
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

	t.Run("session: one store read per cookie per bound, a session ended elsewhere refused within it", func(t *testing.T) {
		clk := newClock()
		spy := &sessionSpy{}
		e := s.newEnv(t, sessionMode(clk), spy.install)
		e.createUser(t, newUser("sia"))
		sid, csrf := e.sessionLogin(t, "sia", defaultPassword)
		protected := func() *response {
			return e.do(t, http.MethodGet, "/api/protected/", "", "Cookie", cookieHeader("sessionid", sid, "csrftoken", csrf))
		}
		for range 10 {
			protected().wantApp(t, map[string]string{"username": "sia"})
		}
		if n := spy.gets.Load(); n != 1 {
			t.Errorf("%d session store reads for 10 requests within the bound, want 1", n)
		}
		clk.advance(core.DefaultRevocationStaleness)
		protected().wantStatus(t, http.StatusOK)
		if n := spy.gets.Load(); n != 2 {
			t.Errorf("%d session store reads after the bound passed, want 2", n)
		}
		spy.endElsewhere(t, sid) // another instance's logout
		clk.advance(core.DefaultRevocationStaleness - time.Millisecond)
		protected().wantStatus(t, http.StatusOK) // within the bound: may still pass
		clk.advance(time.Millisecond)
		protected().want(t, http.StatusForbidden, notProvided)
	})

	t.Run("session: a logout or password change here refuses the cookie at once", func(t *testing.T) {
		clk := newClock() // never advanced: only local writes can refuse
		spy := &sessionSpy{}
		e := s.newEnv(t, sessionMode(clk), spy.install)
		e.createUser(t, newUser("sol"))
		for _, end := range []string{"logout/", "password/change/"} {
			sid, csrf := e.sessionLogin(t, "sol", defaultPassword)
			ck := cookieHeader("sessionid", sid, "csrftoken", csrf)
			e.do(t, http.MethodGet, "/api/protected/", "", "Cookie", ck).wantStatus(t, http.StatusOK)
			body := ""
			if end == "password/change/" {
				body = jsonObject("old_password", defaultPassword, "new_password1", defaultPassword, "new_password2", defaultPassword)
			}
			e.do(t, http.MethodPost, e.path(end), body, "Cookie", ck, "X-CSRFToken", csrf).wantStatus(t, http.StatusOK)
			e.do(t, http.MethodGet, "/api/protected/", "", "Cookie", ck).want(t, http.StatusForbidden, notProvided)
		}
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
		waitStatus(t, func() *response { return b.do(t, http.MethodGet, "/api/protected/", "", bearer...) }, http.StatusUnauthorized, feedWait).
			want(t, http.StatusUnauthorized, accessError("Token is blacklisted"))
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
		waitStatus(t, func() *response {
			return b.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+other.access)
		}, http.StatusUnauthorized, feedWait)
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
		waitStatus(t, func() *response { return b.do(t, http.MethodGet, "/api/protected/", "", cookie...) }, http.StatusForbidden, feedWait)
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

	s.testChangeFeed(t)
}

// revocationSpy counts token reads (UserByToken, or UserByTokenKey on a
// store that keeps keys) and can hold one after it read.
type revocationSpy struct {
	core.Store
	reads atomic.Int64

	mu       sync.Mutex
	hold     bool
	held     chan struct{}
	released chan struct{}
}

// install wraps the config's store. It forwards core.TokenKeyStore when
// the store has it (the Django schema), and hides every other optional
// capability, a change feed included: the TTL rule alone.
func (s *revocationSpy) install(c *core.Config) {
	s.Store = c.Store
	c.Store = s
	if ks, ok := s.Store.(core.TokenKeyStore); ok {
		c.Store = &revocationKeySpy{revocationSpy: s, keys: ks}
	}
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
	s.afterRead()
	return u, tok, err
}

// afterRead holds the read that just happened when holdNext asked.
func (s *revocationSpy) afterRead() {
	s.mu.Lock()
	hold := s.hold
	s.hold = false
	held, released := s.held, s.released
	s.mu.Unlock()
	if hold {
		close(held)
		<-released
	}
}

// revocationKeySpy is revocationSpy on a store that keeps token keys
// (core.TokenKeyStore): core reads tokens by key there.
type revocationKeySpy struct {
	*revocationSpy
	keys core.TokenKeyStore
}

// GetOrCreateTokenKey implements core.TokenKeyStore.
func (s *revocationKeySpy) GetOrCreateTokenKey(ctx context.Context, t *core.Token, lastLogin time.Time) (string, bool, error) {
	return s.keys.GetOrCreateTokenKey(ctx, t, lastLogin)
}

// UserByTokenKey implements core.TokenKeyStore, counting and holding as
// UserByToken does.
func (s *revocationKeySpy) UserByTokenKey(ctx context.Context, key string) (*core.User, *core.Token, error) {
	s.reads.Add(1)
	u, tok, err := s.keys.UserByTokenKey(ctx, key)
	s.afterRead()
	return u, tok, err
}

// DeleteTokenKey implements core.TokenKeyStore.
func (s *revocationKeySpy) DeleteTokenKey(ctx context.Context, key string) error {
	return s.keys.DeleteTokenKey(ctx, key)
}

// testChangeFeed checks the feed rule of the login-state cache, on stores
// with a change feed (core.ChangeFeed): while the feed is read, an entry
// older than the bound is served without a store read until a change
// drops it; a change made behind the server's back (through the store,
// as another instance or the CLI does) is enforced after the next read of
// the feed even though the clock never moves; when the feed cannot be
// read, the bound applies again; with notifications
// (core.ChangeNotifier), a change is enforced without waiting for the
// next poll.
func (s *suite) testChangeFeed(t *testing.T) {
	const bound = 100 * time.Millisecond // the feed is read every 25ms (real time)
	feedEnv := func(t *testing.T, clk *clock, spy *feedSpy, staleness time.Duration) *env {
		t.Helper()
		e := s.newEnv(t, func(c *core.Config) { c.Now, c.RevocationStaleness = clk.Now, staleness }, spy.install)
		if spy.feed == nil {
			t.Skipf("skipped: %T has no change feed (core.ChangeFeed)", spy.Store)
		}
		// The reader's first read starts by clearing the cache; the
		// cases count store reads from their first request on, so that
		// request must come after it.
		spy.waitStarted(t)
		return e
	}
	protected := func(t *testing.T, e *env, key string) *response {
		t.Helper()
		return e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(key))
	}

	t.Run("change feed: served beyond the bound without a store read, until a change elsewhere", func(t *testing.T) {
		clk := newClock()
		spy := &feedSpy{}
		e := feedEnv(t, clk, spy, bound)
		e.createUser(t, newUser("kim"))
		lee := e.createUser(t, newUser("lee"))
		kim := e.login(t, "kim", defaultPassword)
		protected(t, e, kim).wantApp(t, map[string]string{"username": "kim"})
		reads := spy.reads.Load()
		clk.advance(50 * bound) // far beyond the bound, within the maximum age
		spy.waitPolls(t, 2)     // a read of the feed began after the clock moved
		protected(t, e, kim).wantApp(t, map[string]string{"username": "kim"})
		if n := spy.reads.Load(); n != reads {
			t.Errorf("%d store reads for an entry older than the bound while the feed is fresh, want %d", n, reads)
		}

		// The clock stands still from here: the bound alone would serve
		// lee's entry forever; only the feed can drop it.
		key := e.login(t, "lee", defaultPassword)
		protected(t, e, key).wantStatus(t, http.StatusOK)
		if err := spy.Store.SetActive(t.Context(), lee.ID, false); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		waitStatus(t, func() *response { return protected(t, e, key) }, http.StatusUnauthorized, 10*time.Second).
			want(t, http.StatusUnauthorized, `{"detail":"User inactive or deleted."}`)
		t.Logf("a deactivation behind the server's back was enforced after %v (feed read every %v)", time.Since(start), bound/4)
		reads = spy.reads.Load()
		protected(t, e, kim).wantStatus(t, http.StatusOK) // kim's entry was not concerned
		if n := spy.reads.Load(); n != reads {
			t.Errorf("a change of lee dropped kim's entry: %d store reads, want %d", n, reads)
		}
	})

	t.Run("change feed unreadable: entries fall back to the bound", func(t *testing.T) {
		clk := newClock()
		spy := &feedSpy{}
		e := feedEnv(t, clk, spy, bound)
		e.createUser(t, newUser("max"))
		key := e.login(t, "max", defaultPassword)
		protected(t, e, key).wantStatus(t, http.StatusOK)
		spy.waitPolls(t, 2)
		reads := spy.reads.Load()
		spy.failing.Store(true)
		spy.waitPolls(t, 1) // a read of the feed failed
		time.Sleep(bound)   // the last read that succeeded began more than the bound ago (real time)
		clk.advance(bound / 2)
		protected(t, e, key).wantStatus(t, http.StatusOK) // within the bound: served
		if n := spy.reads.Load(); n != reads {
			t.Errorf("%d store reads within the bound, want %d", n, reads)
		}
		clk.advance(bound / 2)
		protected(t, e, key).wantStatus(t, http.StatusOK)
		if n := spy.reads.Load(); n != reads+1 {
			t.Errorf("%d store reads once the bound passed with the feed unreadable, want %d", n, reads+1)
		}
		if !strings.Contains(e.logs.String(), "change feed unreadable") {
			t.Errorf("no warning logged for the unreadable feed")
		}

		spy.failing.Store(false)
		clk.advance(50 * bound)
		spy.waitPolls(t, 2) // a read began at the new time and succeeded
		reads = spy.reads.Load()
		protected(t, e, key).wantStatus(t, http.StatusOK)
		if n := spy.reads.Load(); n != reads {
			t.Errorf("%d store reads with the feed readable again, want %d", n, reads)
		}
	})

	t.Run("change feed notifications: enforced without waiting for the next poll", func(t *testing.T) {
		clk := newClock()
		spy := &feedSpy{notify: true}
		const long = 10 * time.Minute // the feed is polled every 150s
		e := feedEnv(t, clk, spy, long)
		notifier, ok := spy.Store.(core.ChangeNotifier)
		if !ok {
			t.Skipf("skipped: %T cannot notify changes (core.ChangeNotifier)", spy.Store)
		}
		done, cancel := context.WithCancel(t.Context())
		cancel()
		if err := notifier.WaitChange(done, 0); errors.Is(err, errors.ErrUnsupported) {
			t.Skipf("skipped: %T cannot notify changes on this database: %v", spy.Store, err)
		}
		nia := e.createUser(t, newUser("nia"))
		key := e.login(t, "nia", defaultPassword)
		protected(t, e, key).wantStatus(t, http.StatusOK)
		if err := spy.Store.SetActive(t.Context(), nia.ID, false); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		waitStatus(t, func() *response { return protected(t, e, key) }, http.StatusUnauthorized, 5*time.Second)
		t.Logf("a deactivation behind the server's back was enforced after %v (feed polled every %v)", time.Since(start), long/4)
	})
}

// feedWait is how long the two-instance cases wait, in real time, for the
// other instance to refuse a credential: with a change feed the bound is
// kept in real time (the feed is read every RevocationStaleness/4 of real
// time, or at once when the store notifies), so advancing the fake clock
// does not make the other instance read the store.
const feedWait = 10 * time.Second

// waitStatus repeats do until it answers status, and fails t after
// timeout. It returns the last response.
func waitStatus(t *testing.T, do func() *response, status int, timeout time.Duration) *response {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		res := do()
		if res.status == status {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %d after %v, want %d", res.status, timeout, status)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// feedSpy is a revocationSpy (it counts UserByToken reads and hides every
// other capability) that keeps the store's change feed, counts the reads
// of the feed and can make them fail. It forwards notifications only when
// notify is set, so that otherwise the feed is read on the timer alone.
type feedSpy struct {
	revocationSpy
	feed    core.ChangeFeed // nil when the store has none
	notify  bool
	polls   atomic.Int64 // Changes calls
	failing atomic.Bool
}

func (s *feedSpy) install(c *core.Config) {
	s.Store = c.Store
	s.feed, _ = c.Store.(core.ChangeFeed)
	c.Store = s
}

// waitPolls waits until the feed has been read n more times: with n = 2,
// a read that began after the call has completed (reads are sequential).
func (s *feedSpy) waitPolls(t *testing.T, n int64) {
	t.Helper()
	want := s.polls.Load() + n
	deadline := time.Now().Add(30 * time.Second)
	for s.polls.Load() < want {
		if time.Now().After(deadline) {
			t.Fatal("the change feed is not read")
		}
		time.Sleep(time.Millisecond)
	}
}

// waitStarted waits until the feed has been read once: the reader has
// started, and cleared the cache before that read.
func (s *feedSpy) waitStarted(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for s.polls.Load() < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the change feed is not read")
		}
		time.Sleep(time.Millisecond)
	}
}

// errFeedDown is the failure of a feed made unreadable.
var errFeedDown = errors.New("authtest: change feed unreadable")

// errNoFeed is what the spy answers for a store without a change feed,
// between the server's start (which starts reading) and the test's skip.
var errNoFeed = errors.New("authtest: the store has no change feed")

// Changes implements core.ChangeFeed.
func (s *feedSpy) Changes(ctx context.Context, after int64, limit int) ([]core.Change, error) {
	s.polls.Add(1)
	if s.failing.Load() {
		return nil, errFeedDown
	}
	if s.feed == nil {
		return nil, errNoFeed
	}
	return s.feed.Changes(ctx, after, limit)
}

// LatestChange implements core.ChangeFeed.
func (s *feedSpy) LatestChange(ctx context.Context) (int64, error) {
	if s.failing.Load() {
		return 0, errFeedDown
	}
	if s.feed == nil {
		return 0, errNoFeed
	}
	return s.feed.LatestChange(ctx)
}

// PruneChanges implements core.ChangeFeed.
func (s *feedSpy) PruneChanges(ctx context.Context, before time.Time) (int, error) {
	if s.failing.Load() {
		return 0, errFeedDown
	}
	if s.feed == nil {
		return 0, errNoFeed
	}
	return s.feed.PruneChanges(ctx, before)
}

// WaitChange implements core.ChangeNotifier when notify is set and the
// store notifies.
func (s *feedSpy) WaitChange(ctx context.Context, seq int64) error {
	n, ok := s.Store.(core.ChangeNotifier)
	if !s.notify || !ok {
		return fmt.Errorf("authtest: no notifications: %w", errors.ErrUnsupported)
	}
	return n.WaitChange(ctx, seq)
}

// sessionSpy counts the session store's loads and ends sessions behind
// the server's back, as another instance's logout does.
type sessionSpy struct {
	sessions.Store
	gets atomic.Int64
}

// install wraps the config's session store; use it after sessionMode.
func (s *sessionSpy) install(c *core.Config) {
	s.Store = c.Session.Store
	c.Session.Store = s
}

// Get implements sessions.Store.
func (s *sessionSpy) Get(r *http.Request, name string) (*sessions.Session, error) {
	s.gets.Add(1)
	return s.Store.Get(r, name)
}

// endElsewhere deletes the session of cookie value sid from the store
// directly.
func (s *sessionSpy) endElsewhere(t *testing.T, sid string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: "sessionid", Value: sid})
	sess, err := s.Store.Get(req, "sessionid")
	if err != nil || sess.IsNew {
		t.Fatalf("loading the session to end it: %v (new %v)", err, sess != nil && sess.IsNew)
	}
	sess.Options = &sessions.Options{Path: "/", MaxAge: -1}
	if err := s.Store.Save(req, httptest.NewRecorder(), sess); err != nil {
		t.Fatalf("ending the session: %v", err)
	}
}
