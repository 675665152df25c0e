package redisstore_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/redisstore"
)

// These tests run restauth itself (core.New and its net/http handler over
// httptest servers) with the Redis stores, as an application does.

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// instance is one application server.
type instance struct {
	auth *core.Auth
	srv  *httptest.Server
	log  *syncBuffer
}

// testClock is a fixed time ten seconds into a minute, so that no test
// crosses a window's edge however slowly it runs.
func testClock() func() time.Time {
	now := time.Now().Truncate(time.Minute).Add(10 * time.Second)
	return func() time.Time { return now }
}

// newInstance starts restauth on users (shared by the instances of a
// test, standing in for their shared database) with the Redis store s for
// rate limits and sessions.
func newInstance(t *testing.T, users core.Store, s *redisstore.Store, now func() time.Time) *instance {
	t.Helper()
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	auth, err := core.New(core.Config{
		Store:     users,
		Passwords: policy,
		SecretKey: []byte("redisstore-instances-share-this-secret-0123456789"),
		Methods:   []core.Method{core.MethodSession},
		Session:   core.SessionConfig{Store: s.SessionStore()},
		Throttle:  core.ThrottleConfig{Store: s.ThrottleStore()},
		Logger:    slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo})),
		Now:       now,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(auth.Handler())
	t.Cleanup(srv.Close)
	return &instance{auth: auth, srv: srv, log: logs}
}

// do sends a request; header holds name, value pairs. It returns the
// response with its body read.
func (in *instance) do(t *testing.T, method, path, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, in.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Add(header[i], header[i+1])
	}
	res, err := in.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

// failLogin attempts a login of an account that does not exist, with a
// username of its own so that only the per-IP limit is shared.
func (in *instance) failLogin(t *testing.T, i int) *http.Response {
	t.Helper()
	res, _ := in.do(t, http.MethodPost, "/api/auth/login/", fmt.Sprintf(`{"username":"nobody%d","password":"Wrong-pass-123"}`, i))
	return res
}

// loginIPCount returns the count of the one per-IP login counter in Redis.
func loginIPCount(t *testing.T, s *redisstore.Store, prefix string) int {
	t.Helper()
	keys := scanKeys(t.Context(), t, s.Client(), prefix+"throttle:login-ip:")
	if len(keys) != 1 {
		t.Fatalf("per-IP login counters in Redis: %v, want one", keys)
	}
	n, err := s.Client().HGet(t.Context(), keys[0], "c").Int()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantThrottled requires DRF's 429 with a Retry-After of the seconds left
// in the window (the clock sits ten seconds into a one-minute window).
func wantThrottled(t *testing.T, res *http.Response, what string) {
	t.Helper()
	if res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("%s: %d, want 429", what, res.StatusCode)
	}
	if got := res.Header.Get("Retry-After"); got != "50" {
		t.Errorf("%s: Retry-After %q, want 50", what, got)
	}
}

// TestHTTPLoginPerIPLimit: with the default LoginPerIP (30 per minute),
// 30 failed logins from one IP answer 400 and the 31st 429, counted in
// Redis, and the store never failed over to in-process counters.
func TestHTTPLoginPerIPLimit(t *testing.T) {
	prefix := testPrefix(t)
	s := openStore(t, prefix)
	in := newInstance(t, memstore.New(), s, testClock())
	for i := 1; i <= 30; i++ {
		if res := in.failLogin(t, i); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("failed login %d of 30: %d, want 400", i, res.StatusCode)
		}
	}
	wantThrottled(t, in.failLogin(t, 31), "login 31")
	if n := loginIPCount(t, s, prefix); n != 31 {
		t.Errorf("per-IP counter in Redis: %d, want 31", n)
	}
	if strings.Contains(in.log.String(), "throttle store failed") {
		t.Errorf("the Redis store failed:\n%s", in.log)
	}
}

// TestHTTPTwoInstancesCountTogether: two instances, each with its own
// client, share the per-IP limit: 15 failed logins on each reach the
// limit of 30, and the next one is refused by either.
func TestHTTPTwoInstancesCountTogether(t *testing.T) {
	prefix := testPrefix(t)
	now := testClock()
	users := memstore.New()
	a := newInstance(t, users, openStore(t, prefix), now)
	b := newInstance(t, users, openStore(t, prefix), now)
	for i := 1; i <= 30; i++ {
		in := a
		if i%2 == 0 {
			in = b
		}
		if res := in.failLogin(t, i); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("failed login %d of 30: %d, want 400", i, res.StatusCode)
		}
	}
	wantThrottled(t, a.failLogin(t, 31), "login 31 on A")
	wantThrottled(t, b.failLogin(t, 32), "login 32 on B")
	for name, in := range map[string]*instance{"A": a, "B": b} {
		if strings.Contains(in.log.String(), "throttle store failed") {
			t.Errorf("the Redis store of %s failed:\n%s", name, in.log)
		}
	}
}

// TestHTTPLimitsHoldWhileRedisFails: with Redis gone (a closed client),
// logins are neither failed nor unlimited: restauth counts in process,
// refuses the 31st, and logs the outage once, without the counter's key.
func TestHTTPLimitsHoldWhileRedisFails(t *testing.T) {
	prefix := testPrefix(t)
	in := newInstance(t, memstore.New(), closedStore(t, prefix), testClock())
	for i := 1; i <= 30; i++ {
		if res := in.failLogin(t, i); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("failed login %d of 30 with Redis down: %d, want 400", i, res.StatusCode)
		}
	}
	wantThrottled(t, in.failLogin(t, 31), "login 31 with Redis down")
	logs := in.log.String()
	if n := strings.Count(logs, "throttle store failed"); n != 1 {
		t.Errorf("outage logged %d times, want once:\n%s", n, logs)
	}
	if !strings.Contains(logs, "redisstore: throttle") {
		t.Errorf("the outage record does not carry the store's error:\n%s", logs)
	}
	for _, leak := range []string{"login-ip:", "login-account:", "nobody"} {
		if strings.Contains(logs, leak) {
			t.Errorf("logs show %q:\n%s", leak, logs)
		}
	}
}

// sessionCookies returns the sessionid and csrftoken cookies of res.
func sessionCookies(t *testing.T, res *http.Response) (sid, csrf string) {
	t.Helper()
	for _, c := range res.Cookies() {
		switch c.Name {
		case "sessionid":
			sid = c.Value
		case "csrftoken":
			csrf = c.Value
		}
	}
	if sid == "" || csrf == "" {
		t.Fatalf("login set sessionid %q and csrftoken %q", sid, csrf)
	}
	return sid, csrf
}

// TestHTTPSessionAcrossInstances: a session login on A is stored in Redis
// and works on B; a logout on B deletes it, and A, which has not
// authenticated it before (so it remembers nothing of it), refuses it at
// once. (An instance that had would refuse it within
// RevocationStaleness: core's Revocation group.)
func TestHTTPSessionAcrossInstances(t *testing.T) {
	prefix := testPrefix(t)
	users := memstore.New()
	sa, sb := openStore(t, prefix), openStore(t, prefix)
	a := newInstance(t, users, sa, time.Now)
	b := newInstance(t, users, sb, time.Now)
	if _, err := a.auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Email: "alice@example.com", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}

	res, body := a.do(t, http.MethodPost, "/api/auth/login/", `{"username":"alice","password":"Secret-pass-123"}`)
	if res.StatusCode != http.StatusNoContent { // sessions only: dj-rest-auth's 204
		t.Fatalf("login on A: %d %s, want 204", res.StatusCode, body)
	}
	sid, csrf := sessionCookies(t, res)
	key := prefix + "session:" + sid
	ttl, err := sa.Client().PTTL(t.Context(), key).Result()
	if err != nil || ttl <= 0 || ttl > 14*24*time.Hour {
		t.Fatalf("session key in Redis after login: TTL %v, %v", ttl, err)
	}

	res, body = b.do(t, http.MethodGet, "/api/auth/user/", "", "Cookie", "sessionid="+sid)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("session made on A, used on B: %d %s", res.StatusCode, body)
	}
	var user struct{ Username string }
	if err := json.Unmarshal([]byte(body), &user); err != nil || user.Username != "alice" {
		t.Errorf("user/ on B: %s (%v)", body, err)
	}

	res, body = b.do(t, http.MethodPost, "/api/auth/logout/", "",
		"Cookie", "sessionid="+sid+"; csrftoken="+csrf, "X-CSRFToken", csrf)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("logout on B: %d %s", res.StatusCode, body)
	}
	if n, err := sb.Client().Exists(t.Context(), key).Result(); err != nil || n != 0 {
		t.Errorf("session key after logout: exists %d, %v", n, err)
	}
	for name, in := range map[string]*instance{"A": a, "B": b} {
		if res, _ := in.do(t, http.MethodGet, "/api/auth/user/", "", "Cookie", "sessionid="+sid); res.StatusCode != http.StatusForbidden {
			t.Errorf("session on %s after logout: %d, want 403", name, res.StatusCode)
		}
	}
}

// TestHTTPSessionRedisDown: with Redis gone, a request carrying a session
// cookie is answered 503 with Retry-After, never treated as anonymous.
func TestHTTPSessionRedisDown(t *testing.T) {
	prefix := testPrefix(t)
	in := newInstance(t, memstore.New(), closedStore(t, prefix), time.Now)
	res, body := in.do(t, http.MethodGet, "/api/auth/user/", "", "Cookie", "sessionid=abcdefghijklmnopqrstuvwxyz012345")
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("user/ with a session cookie and Redis down: %d %s, want 503", res.StatusCode, body)
	}
	if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q", res.Header.Get("Retry-After"))
	}
}
