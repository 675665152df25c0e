package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core/authtest/startertest"
	"github.com/restauth/restauth/redisstore"
)

// TestRedis runs the starter with RESTAUTH_REDIS_URL (the Redis server of
// RESTAUTH_TEST_REDIS_URL, under a key prefix of the test's own): its
// rate-limit counters live in Redis. Two instances, each on a database
// of its own, so that nothing but Redis joins them, count the failed
// logins of one account together: five in all, then both refuse.
func TestRedis(t *testing.T) {
	base := os.Getenv("RESTAUTH_TEST_REDIS_URL")
	if base == "" {
		t.Skip("skipped: set RESTAUTH_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run the starter with RESTAUTH_REDIS_URL")
	}
	prefix := "restauth-test:" + startertest.RandomSuffix(t) + ":"
	redis := inspectRedis(t, base, prefix)
	env := map[string]string{"RESTAUTH_REDIS_URL": withPrefix(t, base, prefix)}
	a := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "a.db"), env)
	b := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "b.db"), env)

	// Core allows 5 failed logins per account in 5 minutes (fixed
	// windows from the Unix epoch): stay clear of a window's edge.
	awayFromWindowEdge(t, 5*time.Minute, 15*time.Second)
	ghost := "ghost_" + startertest.RandomSuffix(t) // no such account: the counter is the name's
	for i := range 5 {
		srv := []*startertest.Server{a, b}[i%2]
		if status := postLogin(t, srv.URL, ghost, "Wrong-pass-123"); status != http.StatusBadRequest {
			t.Fatalf("failed login %d of 5: %d, want 400", i+1, status)
		}
	}
	for name, srv := range map[string]*startertest.Server{"A": a, "B": b} {
		if status := postLogin(t, srv.URL, ghost, "Wrong-pass-123"); status != http.StatusTooManyRequests {
			t.Errorf("sixth failed login on %s: %d, want 429 (the instances do not share the counter)", name, status)
		}
	}
	for _, scope := range []string{"login-account", "login-ip"} {
		if keys := redis.keys(t, "throttle:"+scope+":"); len(keys) == 0 {
			t.Errorf("no %s counter under %q in Redis", scope, prefix)
		}
	}

	// A real account still logs in, on either instance's database.
	acct := a.CreateUser("alice", "Correct-Horse-9")
	if status := postLogin(t, a.URL, acct.Username, acct.Password); status != http.StatusOK {
		t.Errorf("login: %d", status)
	}
	a.WantNoSecretsLogged(acct.Password)
}

// redisKeys inspects the keys the starter writes in Redis.
type redisKeys struct {
	store  *redisstore.Store
	prefix string
}

// inspectRedis connects to the Redis at rawURL and deletes every key under
// prefix when t ends, after the servers the test starts later stopped.
func inspectRedis(t *testing.T, rawURL, prefix string) *redisKeys {
	t.Helper()
	s, err := redisstore.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("RESTAUTH_TEST_REDIS_URL: %v", err)
	}
	r := &redisKeys{store: s, prefix: prefix}
	t.Cleanup(func() {
		defer s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if keys := r.list(ctx, t, ""); len(keys) > 0 {
			if err := s.Client().Del(ctx, keys...).Err(); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	return r
}

// keys lists the keys under the test's prefix followed by sub.
func (r *redisKeys) keys(t *testing.T, sub string) []string {
	t.Helper()
	return r.list(t.Context(), t, sub)
}

func (r *redisKeys) list(ctx context.Context, t *testing.T, sub string) []string {
	var keys []string
	iter := r.store.Client().Scan(ctx, 0, r.prefix+sub+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("SCAN: %v", err)
	}
	return keys
}

// withPrefix returns rawURL with the query parameter prefix that
// redisstore.Configure reads.
func withPrefix(t *testing.T, rawURL, prefix string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal("RESTAUTH_TEST_REDIS_URL is not a URL")
	}
	q := u.Query()
	q.Set("prefix", prefix)
	u.RawQuery = q.Encode()
	return u.String()
}

// awayFromWindowEdge waits, if need be, until at least margin has passed
// since the start of the current fixed window of length window and as
// much is left before its end.
func awayFromWindowEdge(t *testing.T, window, margin time.Duration) {
	into := time.Duration(time.Now().UnixNano()) % window
	switch {
	case into < margin:
		time.Sleep(margin - into)
	case window-into < margin:
		t.Logf("waiting %v for the next rate-limit window", window-into+margin)
		time.Sleep(window - into + margin)
	}
}

// postLogin posts a login and returns the status.
func postLogin(t *testing.T, baseURL, username, password string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": username, "password": password})
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, baseURL+"/api/auth/login/", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
