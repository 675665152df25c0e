package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// Environment variables naming the servers the tests may use. Each test
// gets a schema (PostgreSQL) or database (MySQL) of its own, dropped when
// it ends.
const (
	envPostgres = "RESTAUTH_TEST_POSTGRES_URL" // e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable
	envMySQL    = "RESTAUTH_TEST_MYSQL_URL"    // e.g. mysql://root@127.0.0.1:3306/test
)

// testDB is a database the tests can run on.
type testDB struct {
	name string
	env  string // variable naming the server; "" for SQLite
	// url returns the URL of a fresh, empty database for t, or skips t.
	url func(t testing.TB) string
}

// testDBs lists SQLite, PostgreSQL and MySQL; the last two skip unless
// their environment variable is set.
func testDBs() []testDB {
	return []testDB{
		{"SQLite", "", sqliteURL},
		{"Postgres", envPostgres, postgresURL},
		{"MySQL", envMySQL, mysqlURL},
	}
}

// requireServer skips t unless db is SQLite or its variable is set.
func (db testDB) requireServer(t testing.TB) {
	t.Helper()
	if db.env != "" {
		requireEnv(t, db.env)
	}
}

// requireEnv returns the value of env or skips t with a message naming it.
func requireEnv(t testing.TB, env string) string {
	t.Helper()
	v := os.Getenv(env)
	if v == "" {
		example := "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
		if env == envMySQL {
			example = "mysql://root@127.0.0.1:3306/test"
		}
		t.Skipf("skipped: set %s to run against a server, e.g. %s=%s", env, env, example)
	}
	return v
}

// sqliteURL returns a new database file in t's temporary directory (not
// :memory:, which is private to one connection).
func sqliteURL(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "restauth.db")
}

// randomName returns prefix followed by 16 random hex digits.
func randomName(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// postgresURL creates a schema restauth_test_<random> on the server of
// RESTAUTH_TEST_POSTGRES_URL and returns a URL whose search_path is it.
func postgresURL(t testing.TB) string {
	base := requireEnv(t, envPostgres)
	schema := randomName("restauth_test_")
	admin := openAdmin(t, base)
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
		t.Fatalf("%s: %v", envPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// mysqlURL creates a database restauth_test_<random> on the server of
// RESTAUTH_TEST_MYSQL_URL and returns a URL naming it.
func mysqlURL(t testing.TB) string {
	base := requireEnv(t, envMySQL)
	name := randomName("restauth_test_")
	admin := openAdmin(t, base)
	if _, err := admin.DB().ExecContext(t.Context(), "CREATE DATABASE "+name+" CHARACTER SET utf8mb4"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.DB().ExecContext(context.Background(), "DROP DATABASE "+name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	tg, err := parseURL(base)
	if err != nil {
		t.Fatalf("%s: %v", envMySQL, err)
	}
	cfg := tg.mysqlConfig.Clone()
	cfg.DBName = name
	return "mysql://" + cfg.FormatDSN()
}

// openAdmin opens base without migrating, closed when t ends.
func openAdmin(t testing.TB, base string) *Store {
	t.Helper()
	s, err := Open(t.Context(), base, WithoutMigrate())
	if err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openStore opens url with migrations, closed when t ends.
func openStore(t testing.TB, url string, opts ...Option) *Store {
	t.Helper()
	s, err := Open(t.Context(), url, opts...)
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
