package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/restauth/restauth/redisstore"
)

// envRedisURL names the Redis server the tests run against.
const envRedisURL = "RESTAUTH_TEST_REDIS_URL"

// redisURL returns the test server's URL, or skips t when none is set.
func redisURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(envRedisURL)
	if u == "" {
		t.Skipf("skipped: set %s (e.g. redis://127.0.0.1:6379/0) to run this test against a Redis server", envRedisURL)
	}
	return u
}

// testPrefix returns a key prefix of t's own, and deletes every key under
// it when t ends, so tests neither see each other's keys nor leave any.
func testPrefix(t *testing.T) string {
	t.Helper()
	url := redisURL(t)
	var b [8]byte
	rand.Read(b[:])
	prefix := "restauth-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Errorf("cleanup: %v", err)
			return
		}
		c := redis.NewClient(opts)
		defer c.Close()
		keys := scanKeys(ctx, t, c, prefix)
		for len(keys) > 0 {
			n := min(len(keys), 500)
			if err := c.Del(ctx, keys[:n]...).Err(); err != nil {
				t.Errorf("cleanup: %v", err)
				return
			}
			keys = keys[n:]
		}
	})
	return prefix
}

// scanKeys lists the keys under prefix.
func scanKeys(ctx context.Context, t *testing.T, c redis.UniversalClient, prefix string) []string {
	t.Helper()
	var keys []string
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("SCAN: %v", err)
	}
	return keys
}

// openStore opens a Store (with a client of its own, as another process
// would) on the test server under prefix, closed when t ends.
func openStore(t *testing.T, prefix string, opts ...redisstore.Option) *redisstore.Store {
	t.Helper()
	s, err := redisstore.Open(t.Context(), redisURL(t), append([]redisstore.Option{redisstore.WithPrefix(prefix)}, opts...)...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// closedStore returns a Store under prefix whose client is already
// closed: every call fails as with a Redis that went away.
func closedStore(t *testing.T, prefix string) *redisstore.Store {
	t.Helper()
	s := openStore(t, prefix)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return s
}
