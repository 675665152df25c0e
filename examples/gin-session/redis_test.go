package main

import (
	"context"
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

// TestRedis runs the site with RESTAUTH_REDIS_URL (the Redis server of
// RESTAUTH_TEST_REDIS_URL, under a key prefix of the test's own): the
// browser flow of TestBrowser on sessions kept in Redis, then a session's
// key seen in Redis while it lives and gone once the user logs out.
func TestRedis(t *testing.T) {
	base := os.Getenv("RESTAUTH_TEST_REDIS_URL")
	if base == "" {
		t.Skip("skipped: set RESTAUTH_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0) to run the site with RESTAUTH_REDIS_URL")
	}
	prefix := "restauth-test:" + startertest.RandomSuffix(t) + ":"
	client := redisClient(t, base, prefix)
	srv := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "site.db"), map[string]string{
		"RESTAUTH_INSECURE_COOKIES": "1",
		"RESTAUTH_REDIS_URL":        withPrefix(t, base, prefix),
	})
	acct := srv.CreateUser("alice", testPassword)
	browserFlow(t, srv, acct) // ends with the password changed to newPassword

	b := newBrowser(t, srv.URL)
	if res := login(t, b, acct, newPassword); res.status != http.StatusNoContent {
		t.Fatalf("login: %d %s", res.status, res.body)
	}
	sid, csrf := b.cookie("sessionid"), b.cookie("csrftoken")
	key := prefix + "session:" + sid
	if ttl, err := client.Client().TTL(t.Context(), key).Result(); err != nil || ttl <= 0 || ttl > 14*24*time.Hour {
		t.Fatalf("session %s in Redis: TTL %v, %v", key, ttl, err)
	}
	if res := b.get("/api/auth/user/"); res.status != http.StatusOK || !strings.Contains(string(res.body), `"username":"`+acct.Username+`"`) {
		t.Errorf("user/ by the Redis session: %d %s", res.status, res.body)
	}
	b.fetch(http.MethodPost, "/api/auth/logout/", "", csrf).want(t, "logout", http.StatusOK, loggedOut)
	if n, err := client.Client().Exists(t.Context(), key).Result(); err != nil || n != 0 {
		t.Errorf("session key after logout: exists %d, %v", n, err)
	}
	b.setCookie("sessionid", sid) // replay
	b.get("/api/auth/user/").want(t, "replayed session after logout", http.StatusForbidden, notProvided)
	srv.WantNoSecretsLogged(newPassword, sid)
}

// redisClient connects to the Redis at rawURL and deletes every key under
// prefix when t ends, after the servers the test starts later stopped.
func redisClient(t *testing.T, rawURL, prefix string) *redisstore.Store {
	t.Helper()
	s, err := redisstore.Open(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("RESTAUTH_TEST_REDIS_URL: %v", err)
	}
	t.Cleanup(func() {
		defer s.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var keys []string
		iter := s.Client().Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("cleanup: %v", err)
		}
		if len(keys) > 0 {
			if err := s.Client().Del(ctx, keys...).Err(); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	return s
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
