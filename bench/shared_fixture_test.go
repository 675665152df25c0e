package bench

import (
	"net/http"
	"os"
	"testing"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// TestSharedInstances checks what the load test's instance groups rely
// on: two Apps on one SQLite file with one SECRET_KEY, the second joining
// the account the first created, accept each other's credentials; and
// joining an account that does not exist fails.
func TestSharedInstances(t *testing.T) {
	dir := t.TempDir()
	secret := []byte("bench-shared-instances-secret-0123456789")
	for _, m := range []fixture.Mode{fixture.ModeJWT, fixture.ModeToken, fixture.ModeSession} {
		t.Run(string(m), func(t *testing.T) {
			sub := dir + "/" + string(m)
			if err := os.Mkdir(sub, 0o700); err != nil {
				t.Fatal(err)
			}
			one := build(t, fixture.Spec{Framework: fixture.Gin, Mode: m, Store: fixture.SQLite, Dir: sub, SecretKey: secret})
			two := build(t, fixture.Spec{Framework: fixture.Gin, Mode: m, Store: fixture.SQLite, Dir: sub, SecretKey: secret, JoinUser: one.Username})
			if two.UserID != one.UserID || two.Username != one.Username {
				t.Fatalf("the second instance found user %d %q, want %d %q", two.UserID, two.Username, one.UserID, one.Username)
			}
			cred := login(t, one)
			serve(t, two.Handler, authedGET(fixture.HelloPath, cred), http.StatusOK)
			serve(t, two.Handler, authedGET(fixture.UserPath, cred), http.StatusOK)
		})
	}
	if _, err := fixture.Build(t.Context(), fixture.Spec{Framework: fixture.Gin, Mode: fixture.ModeJWT, Store: fixture.SQLite,
		Dir: t.TempDir(), SecretKey: secret, JoinUser: "nobody"}); err == nil {
		t.Error("joining a missing account succeeded")
	}
}

// TestRedisSessions checks the Redis session set-up of the load test:
// users on SQLite, sessions in redisstore, and two instances sharing
// both. It needs RESTAUTH_TEST_REDIS_URL.
func TestRedisSessions(t *testing.T) {
	url := os.Getenv("RESTAUTH_TEST_REDIS_URL")
	if url == "" {
		t.Skip("RESTAUTH_TEST_REDIS_URL is not set: no Redis server to keep sessions in")
	}
	dir, secret := t.TempDir(), []byte("bench-redis-sessions-secret-0123456789")
	spec := fixture.Spec{Framework: fixture.Gin, Mode: fixture.ModeSession, Store: fixture.SQLite, Sessions: fixture.Redis,
		RedisURL: url, RedisPrefix: "restauth-bench-test:" + t.Name() + ":", Dir: dir, SecretKey: secret}
	one := build(t, spec)
	spec.JoinUser = one.Username
	two := build(t, spec)
	cred := login(t, one)
	for _, app := range []*fixture.App{one, two} {
		serve(t, app.Handler, authedGET(fixture.HelloPath, cred), http.StatusOK)
		serve(t, app.Handler, authedGET(fixture.UserPath, cred), http.StatusOK)
	}
	serve(t, two.Handler, authedGET(fixture.HelloPath, fixture.Credential{Header: "Cookie", Value: "sessionid=nosuchsession"}), http.StatusForbidden)
}
