package integration_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	ginredis "github.com/gin-contrib/sessions/redis"
	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/echoauth/echoauthtest"
	"github.com/restauth/restauth/ginauth/ginauthtest"
)

// pausingStore wraps a session store; once armed, the next Get loads the
// session, reports it on loaded and waits for resume before returning:
// the request holding it is a request in flight while another one runs.
type pausingStore struct {
	sessions.Store
	mu     sync.Mutex
	armed  bool
	loaded chan struct{}
	resume chan struct{}
}

func newPausingStore(s sessions.Store) *pausingStore {
	return &pausingStore{Store: s, loaded: make(chan struct{}), resume: make(chan struct{})}
}

// arm makes the next Get pause.
func (p *pausingStore) arm() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = true
}

// Get implements sessions.Store.
func (p *pausingStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	s, err := p.Store.Get(r, name)
	p.mu.Lock()
	pause := p.armed
	p.armed = false
	p.mu.Unlock()
	if pause {
		p.loaded <- struct{}{}
		<-p.resume
	}
	return s, err
}

// TestRedisSessionLogoutRace: a logout deletes the session in Redis (no
// key is left), and a request that loaded the session before the logout
// and re-saves it afterwards (restauth pushes a busy session's idle
// deadline once a minute) must not bring it back. redisstore rewrites a
// session only while it is stored, so the logout holds; gin-contrib's
// Redis store (boj/redistore) saves with an unconditional SETEX, so the
// logged-out session is live again, until its idle or absolute timeout.
// redisstore/README.md documents this; the gin-contrib case fails, to be
// revisited, if a release of the store closes the gap.
func TestRedisSessionLogoutRace(t *testing.T) {
	cases := []struct {
		name        string
		server      func(t *testing.T, cfg core.Config) (http.Handler, *core.Auth)
		store       func(t *testing.T, prefix string) sessions.Store
		resurrected bool // what the store does: the expected outcome
	}{
		{"Gin/gin-contrib", ginauthtest.Server, func(t *testing.T, p string) sessions.Store { return ginContribStore(t, p) }, true},
		{"Echo/redisstore", echoauthtest.Server, func(t *testing.T, p string) sessions.Store { return redisSessionStore(t, p) }, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rc := redisClient(t)
			prefix := redisPrefix(t, rc)
			keys := func() []string { return redisKeys(t.Context(), t, rc, prefix) }
			store := newPausingStore(tc.store(t, prefix))
			var now atomic.Int64
			now.Store(time.Now().Unix())
			srv, auth := sessionServer(t, tc.server, store, func() time.Time { return time.Unix(now.Load(), 0) })
			if _, err := auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Email: "alice@example.com", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
				t.Fatal(err)
			}

			sid, csrf := sessionLogin(t, srv, "alice", "Secret-pass-123")
			k := keys()
			if len(k) != 1 {
				t.Fatalf("keys after login: %v, want one session", k)
			}
			if ttl := rc.TTL(t.Context(), k[0]).Val(); ttl <= 0 || ttl > core.DefaultSessionAbsoluteTimeout {
				t.Errorf("session key TTL %v, want (0, %v]", ttl, core.DefaultSessionAbsoluteTimeout)
			}
			cookie := "sessionid=" + sid + "; csrftoken=" + csrf
			if got := get(t, srv, cookie); got != http.StatusOK {
				t.Fatalf("with the session: %d", got)
			}

			// Two minutes on, a request loads the session to push its idle
			// deadline, and stalls; the user logs out meanwhile.
			now.Add(120)
			store.arm()
			inFlight := make(chan int, 1)
			go func() { // no t.Fatal off the test's goroutine
				req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/api/protected/", nil)
				req.Header.Set("Cookie", cookie)
				res, err := srv.Client().Do(req)
				if err != nil {
					inFlight <- 0
					return
				}
				res.Body.Close()
				inFlight <- res.StatusCode
			}()
			<-store.loaded
			res := do(t, srv, http.MethodPost, "/api/auth/logout/", "", "Cookie", cookie, "X-CSRFToken", csrf)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("logout: %d", res.StatusCode)
			}
			if k := keys(); len(k) != 0 {
				t.Fatalf("keys after logout: %v, want none: the session is not deleted server-side", k)
			}
			close(store.resume)
			stalled := <-inFlight

			after, left := get(t, srv, cookie), keys()
			if tc.resurrected {
				// The limitation redisstore/README.md describes.
				if stalled != http.StatusOK || after != http.StatusOK || len(left) != 1 {
					t.Errorf("gin-contrib no longer revives a logged-out session (stalled %d, after %d, keys %v): update redisstore/README.md and this case", stalled, after, left)
				}
				return
			}
			if stalled != http.StatusForbidden || after != http.StatusForbidden || len(left) != 0 {
				t.Errorf("logged-out session revived by a request in flight: stalled %d, after %d, keys %v", stalled, after, left)
			}
		})
	}
}

// sessionServer starts server in session mode on sessions, users in
// SQLite, with the clock now.
func sessionServer(t *testing.T, server func(*testing.T, core.Config) (http.Handler, *core.Auth), sessions sessions.Store, now func() time.Time) (*httptest.Server, *core.Auth) {
	t.Helper()
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	cfg := core.Config{
		Store:     sqliteStore(t),
		Passwords: policy,
		SecretKey: []byte("integration-redis-sessions-secret-0123456789"),
		Methods:   []core.Method{core.MethodSession},
		Session:   core.SessionConfig{Store: sessions},
		Logger:    slog.New(slog.DiscardHandler),
		Now:       now,
	}
	cfg.Throttle.Disabled = true
	handler, auth := server(t, cfg)
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { auth.Close(t.Context()) })
	return srv, auth
}

// do sends one request with the given header pairs.
func do(t *testing.T, srv *httptest.Server, method, path, body string, header ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// get answers the status of GET /api/protected/ with cookie.
func get(t *testing.T, srv *httptest.Server, cookie string) int {
	return do(t, srv, http.MethodGet, "/api/protected/", "", "Cookie", cookie).StatusCode
}

// sessionLogin logs in and returns the session and CSRF cookies' values.
func sessionLogin(t *testing.T, srv *httptest.Server, username, pw string) (sid, csrf string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": pw})
	res := do(t, srv, http.MethodPost, "/api/auth/login/", string(body))
	if res.StatusCode != http.StatusNoContent {
		t.Fatalf("login: %d", res.StatusCode)
	}
	for _, c := range res.Cookies() {
		switch c.Name {
		case "sessionid":
			sid = c.Value
		case "csrftoken":
			csrf = c.Value
		}
	}
	if sid == "" || csrf == "" {
		t.Fatalf("login cookies %v", res.Cookies())
	}
	return sid, csrf
}

// TestGinContribRedisDown: with gin-contrib's Redis store unreachable (its
// connection pool closed), a request carrying a session cookie is
// answered 503 with Retry-After, never as anonymous, and a logout does
// not claim success while the session may live on.
func TestGinContribRedisDown(t *testing.T) {
	rc := redisClient(t)
	prefix := redisPrefix(t, rc)
	store := ginContribStore(t, prefix)
	srv, auth := sessionServer(t, ginauthtest.Server, store, time.Now)
	if _, err := auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Email: "alice@example.com", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	sid, csrf := sessionLogin(t, srv, "alice", "Secret-pass-123")
	cookie := "sessionid=" + sid + "; csrftoken=" + csrf
	rs, err := ginredis.GetRedisStore(store)
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.Close(); err != nil {
		t.Fatal(err)
	}
	res := do(t, srv, http.MethodGet, "/api/protected/", "", "Cookie", cookie)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Errorf("with Redis gone: %d (Retry-After %q), want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if res := do(t, srv, http.MethodPost, "/api/auth/logout/", "", "Cookie", cookie, "X-CSRFToken", csrf); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("logout with Redis gone: %d, want 503", res.StatusCode)
	}
}
