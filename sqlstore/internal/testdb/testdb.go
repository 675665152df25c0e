// Package testdb gives the tests of sqlstore and of its driver packages
// fresh databases: an SQLite file always, a PostgreSQL schema and a MySQL
// database when the environment names a server. It is imported by tests
// only.
package testdb

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

// Environment variables naming the servers the tests may use. Each test
// gets a schema (PostgreSQL) or database (MySQL) of its own, dropped when
// it ends.
const (
	EnvPostgres = "RESTAUTH_TEST_POSTGRES_URL" // e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable
	EnvMySQL    = "RESTAUTH_TEST_MYSQL_URL"    // e.g. mysql://root@127.0.0.1:3306/test
)

// Secret is the password in the tests' URLs; no error may contain it.
const Secret = "s3cr%t-P@ss"

// DB is a database the tests can run on.
type DB struct {
	Name   string // subtest name: "SQLite", "Postgres", "MySQL"
	Env    string // variable naming the server; "" for SQLite
	Driver sqlstore.Driver
	// URL returns the URL of a fresh, empty database for t, or skips t.
	URL func(t testing.TB) string
}

// All lists SQLite, PostgreSQL and MySQL; the last two skip unless their
// environment variable is set.
func All() []DB { return []DB{SQLite(), Postgres(), MySQL()} }

// SQLite is a file in the test's temporary directory.
func SQLite() DB { return DB{"SQLite", "", sqlite.Driver(), SQLiteURL} }

// Postgres is a schema on the server of RESTAUTH_TEST_POSTGRES_URL.
func Postgres() DB { return DB{"Postgres", EnvPostgres, postgres.Driver(), PostgresURL} }

// MySQL is a database on the server of RESTAUTH_TEST_MYSQL_URL.
func MySQL() DB { return DB{"MySQL", EnvMySQL, mysql.Driver(), MySQLURL} }

// Drivers returns the three drivers, for sqlstore.Open.
func Drivers() []sqlstore.Driver {
	return []sqlstore.Driver{sqlite.Driver(), postgres.Driver(), mysql.Driver()}
}

// RequireServer skips t unless db is SQLite or its variable is set.
func (db DB) RequireServer(t testing.TB) {
	t.Helper()
	if db.Env != "" {
		RequireEnv(t, db.Env)
	}
}

// RequireEnv returns the value of env or skips t with a message naming it.
func RequireEnv(t testing.TB, env string) string {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		example := "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
		if env == EnvMySQL {
			example = "mysql://root@127.0.0.1:3306/test"
		}
		t.Skipf("skipped: set %s to run against a server, e.g. %s=%s", env, env, example)
	}
	return v
}

// SQLiteURL returns a new database file in t's temporary directory (not
// :memory:, which is private to one connection).
func SQLiteURL(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "restauth.db")
}

// PostgresURL creates a schema restauth_test_<random> on the server of
// RESTAUTH_TEST_POSTGRES_URL and returns a URL whose search_path is it.
func PostgresURL(t testing.TB) string {
	base := RequireEnv(t, EnvPostgres)
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
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// MySQLURL creates a database restauth_test_<random> on the server of
// RESTAUTH_TEST_MYSQL_URL and returns a URL naming it, in the driver's
// DSN syntax.
func MySQLURL(t testing.TB) string {
	base := RequireEnv(t, EnvMySQL)
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
	cfg, err := mysql.Config(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvMySQL, err)
	}
	cfg.DBName = name
	return "mysql://" + cfg.FormatDSN()
}

// Open opens url with every driver and migrates; the store is closed when
// t ends, and a failing Close fails t.
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

// Connect opens url with every driver without migrating, closed when t
// ends.
func Connect(t testing.TB, url string) *sqlstore.Store {
	t.Helper()
	s, err := sqlstore.Connect(t.Context(), url, Drivers()...)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// AssertNoSecret fails t if err's text contains any three consecutive
// characters of Secret, raw or percent-encoded.
func AssertNoSecret(t testing.TB, raw string, err error) {
	t.Helper()
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
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}
