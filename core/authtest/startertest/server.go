package startertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// MainWithLogger is a starter's run function with its logger passed in, so a
// test can capture what the server logs.
type MainWithLogger func(ctx context.Context, args []string, getenv func(string) string, logger *slog.Logger) error

// Server is a starter running in-process for a test, reached over
// real HTTP at URL. It stops when the test ends.
type Server struct {
	// URL is the server's base URL, e.g. "http://127.0.0.1:41234".
	URL  string
	t    *testing.T
	run  MainWithLogger
	env  map[string]string
	logs *syncBuffer
}

// Databases returns the database URLs a starter test should run
// on: SQLite in a temporary directory always, PostgreSQL and MySQL when
// RESTAUTH_TEST_POSTGRES_URL / RESTAUTH_TEST_MYSQL_URL are set (shared
// databases: create accounts with RandomSuffix names).
func Databases(t *testing.T) map[string]string {
	dbs := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "starter.db")}
	for name, v := range map[string]string{"postgres": "RESTAUTH_TEST_POSTGRES_URL", "mysql": "RESTAUTH_TEST_MYSQL_URL"} {
		if u := os.Getenv(v); u != "" {
			dbs[name] = u
		} else {
			t.Logf("%s not set: the starter is not tested on %s", v, name)
		}
	}
	return dbs
}

// Start serves run like `go run .` would, with the RESTAUTH_*
// variables in env plus a free loopback address, dbURL and a fixed secret
// key, and waits until GET /healthz answers 200.
func Start(t *testing.T, run MainWithLogger, dbURL string, env map[string]string) *Server {
	t.Helper()
	s := &Server{t: t, run: run, logs: &syncBuffer{}, env: map[string]string{
		"RESTAUTH_DATABASE_URL": dbURL,
		"RESTAUTH_ADDR":         freeAddr(t),
		"RESTAUTH_SECRET_KEY":   "starter-test-secret-key-0123456789abcdef",
	}}
	throttleOffOnSharedDatabase(dbURL, s.env)
	for k, v := range env {
		s.env[k] = v
	}
	s.URL = "http://" + s.env["RESTAUTH_ADDR"]
	t.Cleanup(serve(t, func(ctx context.Context) error { return s.call(ctx, nil) }, s.URL+"/healthz"))
	return s
}

func (s *Server) call(ctx context.Context, args []string) error {
	return s.run(ctx, args, func(k string) string { return s.env[k] }, slog.New(slog.NewTextHandler(s.logs, nil)))
}

// Command runs a management command against the server's database.
func (s *Server) Command(args ...string) error {
	s.t.Helper()
	return s.call(s.t.Context(), args)
}

// CreateUser makes an active, verified account with the createuser
// command, its name made unique with RandomSuffix.
func (s *Server) CreateUser(name, password string) Account {
	s.t.Helper()
	suffix := RandomSuffix(s.t)
	acct := Account{Username: name + "_" + suffix, Email: name + "_" + suffix + "@example.com", Password: password}
	if err := s.Command("createuser", "--username", acct.Username, "--email", acct.Email, "--password", acct.Password); err != nil {
		s.t.Fatalf("createuser: %v", err)
	}
	return acct
}

// WantNoSecretsLogged fails the test when any of secrets is in the
// server's log.
func (s *Server) WantNoSecretsLogged(secrets ...string) {
	s.t.Helper()
	logs := s.logs.String()
	for _, secret := range secrets {
		if secret != "" && strings.Contains(logs, secret) {
			s.t.Errorf("the log contains a secret (%.8s…)", secret)
		}
	}
}

// RandomSuffix returns 8 random hex characters for unique account names.
func RandomSuffix(t *testing.T) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// throttleOffOnSharedDatabase turns rate limits off in env unless dbURL is
// SQLite. A server database outlives the test and is shared by the
// starters' test packages, which run at once from 127.0.0.1: their
// rate-limit counters would add up across packages and runs. Throttling
// is tested on SQLite (a fresh file per test) and in core; a test that
// wants it on a server database sets RESTAUTH_THROTTLE itself.
func throttleOffOnSharedDatabase(dbURL string, env map[string]string) {
	if !strings.HasPrefix(dbURL, "sqlite:") {
		env["RESTAUTH_THROTTLE"] = "off"
	}
}
