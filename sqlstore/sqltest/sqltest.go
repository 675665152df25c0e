// Package sqltest gives tests of stores and of applications fresh
// databases for sqlstore: an SQLite file always, and a PostgreSQL schema
// or a MySQL database when RESTAUTH_TEST_POSTGRES_URL or
// RESTAUTH_TEST_MYSQL_URL names a server. A test whose server is not
// named is skipped with a message saying which variable to set, so a
// plain "go test ./..." passes on a machine without servers.
//
// Every database is created for one test and dropped when that test ends:
//
//	for _, db := range sqltest.All() {
//		t.Run(db.Name, func(t *testing.T) {
//			db.RequireServer(t)
//			store := sqltest.Open(t, db.URL(t))
//			// … use store …
//		})
//	}
//
// The package imports the testing package and all three drivers
// (sqlstore/sqlite, sqlstore/postgres, sqlstore/mysql); import it from
// _test.go files or test-helper packages only, never from a program.
package sqltest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/mysql"
	"github.com/restauth/restauth/sqlstore/postgres"
	"github.com/restauth/restauth/sqlstore/sqlite"
)

// Environment variables naming the servers tests may use. The account in
// the URL must be allowed to create and drop schemas (PostgreSQL) or
// databases (MySQL): each test gets one of its own, dropped when it ends.
const (
	EnvPostgres = "RESTAUTH_TEST_POSTGRES_URL" // e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable
	EnvMySQL    = "RESTAUTH_TEST_MYSQL_URL"    // e.g. mysql://root@127.0.0.1:3306/test
)

// Secret is a password for tests that put one in a URL to check that no
// error reveals it (see AssertNoSecret). It holds characters that URLs
// percent-encode. No database accepts it.
const Secret = "s3cr%t-P@ss"

// DB is a database tests can run on.
type DB struct {
	Name   string // subtest name: "SQLite", "Postgres" or "MySQL"
	Env    string // variable naming the server; "" for SQLite
	Driver sqlstore.Driver
	// URL returns the URL of a fresh, empty database (not migrated) for
	// t, dropped when t ends, or skips t when Env is not set. It fails t
	// if the database cannot be created.
	URL func(t testing.TB) string
}

// All returns SQLite, Postgres and MySQL, in that order; the URL of the
// last two skips the test unless their environment variable is set.
func All() []DB { return []DB{SQLite(), Postgres(), MySQL()} }

// SQLite is a database file in the test's temporary directory.
func SQLite() DB { return DB{"SQLite", "", sqlite.Driver(), SQLiteURL} }

// Postgres is a schema on the server of RESTAUTH_TEST_POSTGRES_URL.
func Postgres() DB { return DB{"Postgres", EnvPostgres, postgres.Driver(), PostgresURL} }

// MySQL is a database on the server of RESTAUTH_TEST_MYSQL_URL.
func MySQL() DB { return DB{"MySQL", EnvMySQL, mysql.Driver(), MySQLURL} }

// Drivers returns the three drivers, for sqlstore.Open and
// sqlstore.Connect.
func Drivers() []sqlstore.Driver {
	return []sqlstore.Driver{sqlite.Driver(), postgres.Driver(), mysql.Driver()}
}

// RequireServer skips t unless db needs no server (SQLite) or its
// environment variable is set. Calling it before t.Run's body does any
// work reports the skip early; db.URL would skip as well.
func (db DB) RequireServer(t testing.TB) {
	t.Helper()
	if db.Env != "" {
		RequireEnv(t, db.Env)
	}
}

// RequireEnv returns the value of the environment variable env, or skips
// t with a message naming env (and, for EnvPostgres and EnvMySQL, an
// example value) when it is unset or empty.
func RequireEnv(t testing.TB, env string) string {
	t.Helper()
	v := os.Getenv(env)
	if v != "" {
		return v
	}
	switch env {
	case EnvPostgres:
		t.Skipf("skipped: set %s to run against a PostgreSQL server, e.g. %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable", env, env)
	case EnvMySQL:
		t.Skipf("skipped: set %s to run against a MySQL or MariaDB server, e.g. %s=mysql://root@127.0.0.1:3306/test", env, env)
	default:
		t.Skipf("skipped: set %s", env)
	}
	return ""
}

// SQLiteURL returns the URL of a new database file in t's temporary
// directory, removed when t ends. It is a file, not "sqlite::memory:",
// whose database is private to one connection.
func SQLiteURL(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "restauth.db")
}

// PostgresURL creates the schema restauth_test_<16 random hex digits> on
// the server of RESTAUTH_TEST_POSTGRES_URL (skipping t when it is unset)
// and returns that URL with search_path set to the schema, replacing any
// search_path it had. The schema and everything in it are dropped when t
// ends, after the cleanups t registers later (a store opened on the URL
// is closed first).
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := RequireEnv(t, EnvPostgres)
	u, err := url.Parse(base)
	if err != nil {
		// url.Parse errors quote the URL, password included.
		t.Fatalf("%s is not a valid URL", EnvPostgres)
	}
	schema := randomName("restauth_test_")
	admin := Connect(t, base)
	if _, err := admin.DB().ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.DB().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// MySQLURL creates the database restauth_test_<16 random hex digits>
// (utf8mb4) on the server of RESTAUTH_TEST_MYSQL_URL (skipping t when it
// is unset) and returns a URL naming it, in the go-sql-driver DSN form
// that sqlstore/mysql accepts ("mysql://user@tcp(host:port)/name?…"); the
// database named by the variable is only used to connect. The new
// database is dropped when t ends, after the cleanups t registers later.
func MySQLURL(t testing.TB) string {
	t.Helper()
	base := RequireEnv(t, EnvMySQL)
	cfg, err := mysql.Config(base) // its errors never contain the password
	if err != nil {
		t.Fatalf("%s: %v", EnvMySQL, err)
	}
	name := randomName("restauth_test_")
	admin := Connect(t, base)
	if _, err := admin.DB().ExecContext(t.Context(), "CREATE DATABASE "+name+" CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.DB().ExecContext(context.Background(), "DROP DATABASE "+name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	return "mysql://" + cfg.FormatDSN()
}

// Open opens url with every driver (sqlstore.Open) and applies the
// migrations. The store is closed when t ends, and a failing Close fails
// t; a failing Open fails t at once.
func Open(t testing.TB, url string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Open(t.Context(), url, Drivers()...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// Connect opens url with every driver (sqlstore.Connect) without
// migrating. The store is closed when t ends, whatever Close returns; a
// failing Connect fails t at once.
func Connect(t testing.TB, url string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Connect(t.Context(), url, Drivers()...)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// AssertNoSecret fails t if the text of err, returned for the URL raw,
// contains any three consecutive characters of Secret, raw or
// percent-encoded. err must not be nil.
func AssertNoSecret(t testing.TB, raw string, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("no error for %q", raw)
		return
	}
	msg := err.Error()
	for _, s := range []string{Secret, url.QueryEscape(Secret)} {
		for i := 0; i+3 <= len(s); i++ {
			if frag := s[i : i+3]; strings.Contains(msg, frag) {
				t.Errorf("error for %q leaks part of the password (%q): %s", raw, frag, msg)
			}
		}
	}
}

// randomName returns prefix followed by 16 random hex digits.
func randomName(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b) // never fails (crypto/rand, Go 1.24 and later)
	return prefix + hex.EncodeToString(b)
}
