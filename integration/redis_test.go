package integration_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"testing"
	"time"

	ginredis "github.com/gin-contrib/sessions/redis"
	"github.com/gorilla/sessions"
	"github.com/redis/go-redis/v9"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/echoauth/echoauthtest"
	"github.com/restauth/restauth/ginauth/ginauthtest"
	"github.com/restauth/restauth/redisstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// Session mode on Redis: ginauth on gin-contrib/sessions' Redis store
// (github.com/gin-contrib/sessions/redis, which implements gorilla's
// sessions.Store over boj/redistore and redigo) and echoauth on
// redisstore's SessionStore, through real HTTP against the Redis server
// named by RESTAUTH_TEST_REDIS_URL, with users in SQLite.

// envRedisURL names the Redis server of these tests.
const envRedisURL = "RESTAUTH_TEST_REDIS_URL"

// sessionGroups are the groups of the conformance suite that exercise
// session authentication: login, cookie authentication, CSRF, logout
// deleting the session server-side, a new ID at every login (fixation), a
// password change ending the other sessions, timeouts, login CSRF and the
// combined mode.
var sessionGroups = []string{"Sessions", "LoginCSRF", "Combined"}

// redisURL returns the test server's URL, or skips t when none is set.
func redisURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(envRedisURL)
	if u == "" {
		t.Skipf("skipped: set %s (e.g. %s=redis://127.0.0.1:6379/0) to run the session stores on Redis", envRedisURL, envRedisURL)
	}
	return u
}

// redisClient returns a go-redis client on the test server, closed when t
// ends, to inspect the keys the stores write.
func redisClient(t *testing.T) *redis.Client {
	t.Helper()
	o, err := redis.ParseURL(redisURL(t))
	if err != nil {
		t.Fatalf("%s: %v", envRedisURL, err)
	}
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("Redis at %s: %v", o.Addr, err)
	}
	return c
}

// redisPrefix returns a key prefix of t's own and deletes every key under
// it when t ends, after the cleanups t registers later.
func redisPrefix(t *testing.T, c *redis.Client) string {
	t.Helper()
	var b [8]byte
	rand.Read(b[:])
	prefix := "restauth-test:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if keys := redisKeys(ctx, t, c, prefix); len(keys) > 0 {
			if err := c.Del(ctx, keys...).Err(); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	return prefix
}

// redisKeys lists the keys under prefix.
func redisKeys(ctx context.Context, t *testing.T, c *redis.Client, prefix string) []string {
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

// ginContribStore returns gin-contrib/sessions' Redis store on the test
// server, its keys under prefix, closed when t ends. Its cookie carries
// the session ID signed with the key given (securecookie).
func ginContribStore(t *testing.T, prefix string) ginredis.Store {
	t.Helper()
	o, err := redis.ParseURL(redisURL(t))
	if err != nil {
		t.Fatalf("%s: %v", envRedisURL, err)
	}
	store, err := ginredis.NewStoreWithDB(4, o.Network, o.Addr, o.Username, o.Password, strconv.Itoa(o.DB),
		[]byte("integration-gin-contrib-session-signing-key"))
	if err != nil {
		t.Fatalf("gin-contrib redis.NewStoreWithDB: %v", err)
	}
	rs, err := ginredis.GetRedisStore(store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rs.Close() })
	if err := ginredis.SetKeyPrefix(store, prefix+"session_"); err != nil {
		t.Fatal(err)
	}
	return store
}

// redisSessionStore returns redisstore's session store on the test
// server, its keys under prefix, closed when t ends.
func redisSessionStore(t *testing.T, prefix string) *redisstore.SessionStore {
	t.Helper()
	s, err := redisstore.Open(t.Context(), redisURL(t), redisstore.WithPrefix(prefix))
	if err != nil {
		t.Fatalf("redisstore.Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s.SessionStore()
}

// sqliteStore is a fresh SQLite database for the users.
func sqliteStore(t *testing.T) core.Store { return sqltest.Open(t, sqltest.SQLiteURL(t)) }

// runSessionGroups runs the session groups through server with sessions
// from newSessions (under one key prefix), then checks that they were
// kept in Redis: sessions that were never logged out are still there.
func runSessionGroups(t *testing.T, server authtest.Server, newSessions func(t *testing.T, prefix string) sessions.Store) {
	c := redisClient(t)
	prefix := redisPrefix(t, c)
	authtest.RunWithSessionStore(t, server, sqliteStore, func(t *testing.T) sessions.Store { return newSessions(t, prefix) },
		sessionGroups...)
	if keys := redisKeys(t.Context(), t, c, prefix); len(keys) == 0 {
		t.Errorf("no session key under %q in Redis: the suite did not use the Redis store", prefix)
	}
}

// TestGinSessionsOnGinContribRedis runs ginauth's session mode on
// gin-contrib/sessions' Redis store.
func TestGinSessionsOnGinContribRedis(t *testing.T) {
	runSessionGroups(t, ginauthtest.Server, func(t *testing.T, prefix string) sessions.Store {
		return ginContribStore(t, prefix)
	})
}

// TestEchoSessionsOnRedisstore runs echoauth's session mode on
// redisstore's SessionStore.
func TestEchoSessionsOnRedisstore(t *testing.T) {
	runSessionGroups(t, echoauthtest.Server, func(t *testing.T, prefix string) sessions.Store {
		return redisSessionStore(t, prefix)
	})
}
