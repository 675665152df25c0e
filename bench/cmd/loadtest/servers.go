package main

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// postgresEnv names the PostgreSQL database of the user/ on PostgreSQL
// scenario. Without it the scenario is reported as skipped.
const postgresEnv = "RESTAUTH_BENCH_POSTGRES_URL"

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
	"gin-token":          {Framework: fixture.Gin, Mode: fixture.ModeToken},
	"gin-session":        {Framework: fixture.Gin, Mode: fixture.ModeSession},
	"echo-bare":          {Framework: fixture.Echo, Mode: fixture.ModeBare},
	"echo-jwt":           {Framework: fixture.Echo, Mode: fixture.ModeJWT},
	"echo-jwt-nocache":   {Framework: fixture.Echo, Mode: fixture.ModeJWT, NoTokenCache: true},
	"echo-token":         {Framework: fixture.Echo, Mode: fixture.ModeToken},
	"echo-session":       {Framework: fixture.Echo, Mode: fixture.ModeSession},
	"gin-query-sqlite":   {Framework: fixture.Gin, Mode: fixture.ModeQuery, Store: fixture.SQLite},
	"gin-token-sqlite":   {Framework: fixture.Gin, Mode: fixture.ModeToken, Store: fixture.SQLite},
	"gin-token-postgres": {Framework: fixture.Gin, Mode: fixture.ModeToken, Store: fixture.Postgres},
	"gin-query-postgres": {Framework: fixture.Gin, Mode: fixture.ModeQuery, Store: fixture.Postgres},
	// Production password cost (argon2id m=19 MiB, t=2, p=1) on SQLite.
	"gin-login": {Framework: fixture.Gin, Mode: fixture.ModeToken, Store: fixture.SQLite, Hasher: fixture.ProductionHash},
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

// serverSpec returns the spec of server name, completed from the
// environment, or why it cannot run here.
func serverSpec(name string) (fixture.Spec, error) {
	s, ok := servers[name]
	if !ok {
		return s, fmt.Errorf("unknown server %q (known: %s)", name, serverNames())
	}
	if s.Store == fixture.Postgres {
		u := os.Getenv(postgresEnv)
		if u == "" {
			return s, fmt.Errorf("%s not set", postgresEnv)
		}
		if err := checkLoopbackDB(u); err != nil {
			return s, err
		}
		s.PostgresURL = u
	}
	return s, nil
}

// checkLoopbackDB refuses a database URL whose host is not on this
// machine: the harness generates load against loopback only.
func checkLoopbackDB(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%s: not a URL", postgresEnv)
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
	return fmt.Errorf("%s: host %q is not a loopback address; the load test only targets this machine", postgresEnv, host)
}
