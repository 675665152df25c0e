package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// postgresEnv names the PostgreSQL database of the PostgreSQL rows;
// -postgres overrides it, and without either the harness falls back to
// testPostgresEnv, the database of restauth's own tests. With none of
// them the rows are reported as skipped. The harness hands the database
// to its servers in postgresEnv.
const (
	postgresEnv     = "RESTAUTH_BENCH_POSTGRES_URL"
	testPostgresEnv = "RESTAUTH_TEST_POSTGRES_URL"
)

// noPostgres is why the PostgreSQL rows are skipped without a database.
const noPostgres = "no PostgreSQL database: set -postgres, " + postgresEnv + " or " + testPostgresEnv

// redisEnv names the Redis server of the rows whose sessions live in
// Redis (redisstore); -redis overrides it, and without either the
// harness falls back to testRedisEnv, the server of restauth's own tests.
// With none of them the rows are reported as skipped. The harness hands
// the server to its children in redisEnv.
const (
	redisEnv     = "RESTAUTH_BENCH_REDIS_URL"
	testRedisEnv = "RESTAUTH_TEST_REDIS_URL"
)

// noRedis is why the Redis rows are skipped without a server.
const noRedis = "no Redis server: set -redis, " + redisEnv + " or " + testRedisEnv

// redisURL picks the Redis server like postgresURL: the -redis flag, else
// redisEnv, else testRedisEnv; "" when none is set.
func redisURL(flagValue string, getenv func(string) string) string {
	for _, u := range []string{flagValue, getenv(redisEnv), getenv(testRedisEnv)} {
		if u != "" {
			return u
		}
	}
	return ""
}

// What the harness tells the instances of a server group (scenario
// instances > 1) in their environment, so that they serve one set of
// users: the directory of their shared SQLite file, their shared
// SECRET_KEY (a JWT or session minted by one is valid on the others), the
// Redis key prefix of their shared sessions, and, for every instance but
// the first, the bench account the first one created (they look it up
// instead of creating it).
const (
	sharedDirEnv         = "RESTAUTH_LOADTEST_SHARED_DIR"
	sharedSecretEnv      = "RESTAUTH_LOADTEST_SECRET_KEY"
	sharedRedisPrefixEnv = "RESTAUTH_LOADTEST_REDIS_PREFIX"
	joinUserEnv          = "RESTAUTH_LOADTEST_JOIN_USER"
)

// postgresURL picks the PostgreSQL database: the -postgres flag, else
// postgresEnv, else testPostgresEnv; "" when none is set.
func postgresURL(flagValue string, getenv func(string) string) string {
	for _, u := range []string{flagValue, getenv(postgresEnv), getenv(testPostgresEnv)} {
		if u != "" {
			return u
		}
	}
	return ""
}

// servers are the applications a child process can serve, by name
// (loadtest -serve=NAME). Every scenario names one.
var servers = map[string]fixture.Spec{
	"gin-bare":           {Framework: fixture.Gin, Mode: fixture.ModeBare},
	"gin-jwt":            {Framework: fixture.Gin, Mode: fixture.ModeJWT},
	"gin-jwt-cookie":     {Framework: fixture.Gin, Mode: fixture.ModeJWT, Cookie: true},
	"gin-jwt-nocache":    {Framework: fixture.Gin, Mode: fixture.ModeJWT, NoTokenCache: true},
	"gin-jwt-eddsa":      {Framework: fixture.Gin, Mode: fixture.ModeJWT, JWTAlg: "EdDSA"},
	"gin-jwt-stateless":  {Framework: fixture.Gin, Mode: fixture.ModeJWT, Stateless: true},
	"gin-jwt-sqlite":     {Framework: fixture.Gin, Mode: fixture.ModeJWT, Store: fixture.SQLite},
	"gin-jwt-postgres":   {Framework: fixture.Gin, Mode: fixture.ModeJWT, Store: fixture.Postgres},
	"gin-session-sqlite": {Framework: fixture.Gin, Mode: fixture.ModeSession, Store: fixture.SQLite},
	// Users on SQLite, sessions in Redis (redisstore).
	"gin-session-redis":  {Framework: fixture.Gin, Mode: fixture.ModeSession, Store: fixture.SQLite, Sessions: fixture.Redis},
	"gin-token":          {Framework: fixture.Gin, Mode: fixture.ModeToken},
	"gin-session":        {Framework: fixture.Gin, Mode: fixture.ModeSession},
	"echo-bare":          {Framework: fixture.Echo, Mode: fixture.ModeBare},
	"echo-jwt":           {Framework: fixture.Echo, Mode: fixture.ModeJWT},
	"echo-jwt-nocache":   {Framework: fixture.Echo, Mode: fixture.ModeJWT, NoTokenCache: true},
	"echo-jwt-sqlite":    {Framework: fixture.Echo, Mode: fixture.ModeJWT, Store: fixture.SQLite},
	"echo-token":         {Framework: fixture.Echo, Mode: fixture.ModeToken},
	"echo-session":       {Framework: fixture.Echo, Mode: fixture.ModeSession},
	"gin-query-sqlite":   {Framework: fixture.Gin, Mode: fixture.ModeQuery, Store: fixture.SQLite},
	"gin-token-sqlite":   {Framework: fixture.Gin, Mode: fixture.ModeToken, Store: fixture.SQLite},
	"gin-token-postgres": {Framework: fixture.Gin, Mode: fixture.ModeToken, Store: fixture.Postgres},
	"gin-query-postgres": {Framework: fixture.Gin, Mode: fixture.ModeQuery, Store: fixture.Postgres},
	// Production password cost (argon2id m=19 MiB, t=2, p=1) on SQLite.
	"gin-login": {Framework: fixture.Gin, Mode: fixture.ModeToken, Store: fixture.SQLite, Hasher: fixture.ProductionHash},
	// The peers of the JWT rows: appleboy/gin-jwt and labstack/echo-jwt
	// (HS256 bearer, no store).
	"gin-peer-jwt":  {Framework: fixture.Gin, Mode: fixture.ModePeerJWT},
	"echo-peer-jwt": {Framework: fixture.Echo, Mode: fixture.ModePeerJWT},
}

// serverNames lists the servers, sorted, for -help and errors.
func serverNames() string {
	names := make([]string, 0, len(servers))
	for n := range servers {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// serverSpec returns the spec of server name, completed from getenv (a
// child's environment, or what the harness will put there): the
// PostgreSQL database (postgresEnv, see postgresURL), the Redis server
// (redisEnv, see redisURL) and, for an instance of a group, what it
// shares with the others (sharedDirEnv, sharedSecretEnv,
// sharedRedisPrefixEnv, joinUserEnv); or why it cannot run here.
func serverSpec(name string, getenv func(string) string) (fixture.Spec, error) {
	s, ok := servers[name]
	if !ok {
		return s, fmt.Errorf("unknown server %q (known: %s)", name, serverNames())
	}
	if s.Store == fixture.Postgres {
		u := getenv(postgresEnv)
		if u == "" {
			return s, errors.New(noPostgres)
		}
		if err := checkLoopbackDB(u); err != nil {
			return s, err
		}
		s.PostgresURL = u
	}
	if s.Sessions == fixture.Redis {
		u := getenv(redisEnv)
		if u == "" {
			return s, errors.New(noRedis)
		}
		if err := checkLoopback("Redis server", u); err != nil {
			return s, err
		}
		s.RedisURL = u
	}
	if d := getenv(sharedDirEnv); d != "" {
		s.Dir = d
	}
	if k := getenv(sharedSecretEnv); k != "" {
		s.SecretKey = []byte(k)
	}
	s.RedisPrefix = getenv(sharedRedisPrefixEnv)
	s.JoinUser = getenv(joinUserEnv)
	return s, nil
}

// checkLoopbackDB refuses a database URL whose host is not on this
// machine: the harness generates load against loopback only.
func checkLoopbackDB(raw string) error { return checkLoopback("PostgreSQL database", raw) }

// checkLoopback refuses a server URL (what names the kind of server)
// whose host is not on this machine. A URL without a host (a Unix
// socket: libpq's host=/dir, redis's unix://) is local.
func checkLoopback(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("the %s is not a URL", what)
	}
	host := u.Hostname()
	if host == "" {
		host = u.Query().Get("host") // libpq style; a socket directory is local
	}
	switch {
	case host == "", strings.HasPrefix(host, "/"), host == "localhost":
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s host %q is not a loopback address; the load test only targets this machine", what, host)
}
