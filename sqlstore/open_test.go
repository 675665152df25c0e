package sqlstore

import (
	"context"
	"errors"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
)

// closedPort returns a local TCP port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return strconv.Itoa(port)
}

func TestOpenUnreachableFailsFast(t *testing.T) {
	port := closedPort(t)
	pw := url.QueryEscape(secret)
	for _, raw := range []string{
		"postgres://app:" + pw + "@127.0.0.1:" + port + "/auth?sslmode=disable",
		"mysql://app:" + pw + "@127.0.0.1:" + port + "/auth",
		"mysql://app:" + secret + "@tcp(127.0.0.1:" + port + ")/auth",
	} {
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		start := time.Now()
		s, err := Open(ctx, raw)
		cancel()
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded on a closed port", raw)
			continue
		}
		if d := time.Since(start); d > 4*time.Second {
			t.Errorf("Open(%q) took %v", raw, d)
		}
		assertNoSecret(t, raw, err)
	}
}

func TestOpenSQLiteBadPath(t *testing.T) {
	raw := "sqlite:" + filepath.Join(t.TempDir(), "missing", "dir", "auth.db")
	if s, err := Open(t.Context(), raw); err == nil {
		s.Close()
		t.Fatal("Open in a missing directory succeeded")
	}
}

func TestOpenCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if s, err := Open(ctx, sqliteURL(t)); err == nil {
		s.Close()
		t.Fatal("Open with a cancelled context succeeded")
	} else if !errors.Is(err, context.Canceled) {
		t.Errorf("Open: err = %v, want context.Canceled in its chain", err)
	}
}

func TestOpenWithoutMigrate(t *testing.T) {
	s := openStore(t, sqliteURL(t), WithoutMigrate())
	var n int
	err := s.DB().GetContext(t.Context(), &n, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'restauth_user'")
	if err != nil || n != 0 {
		t.Fatalf("restauth_user exists = %d, %v; want no table", n, err)
	}
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	wantAllApplied(t, s)
}

// TestOpenSQLitePragmas checks the pragmas on a pooled connection.
func TestOpenSQLitePragmas(t *testing.T) {
	dir := t.TempDir()
	for _, raw := range []string{
		"sqlite:" + filepath.Join(dir, "plain.db"),
		"sqlite:file:" + filepath.Join(dir, "uri.db") + "?mode=rwc",
	} {
		s := openStore(t, raw)
		for pragma, want := range map[string]string{
			"foreign_keys": "1",
			"journal_mode": "wal",
			"busy_timeout": strconv.Itoa(sqliteBusyTimeoutMS),
		} {
			var got string
			if err := s.DB().GetContext(t.Context(), &got, "PRAGMA "+pragma); err != nil || got != want {
				t.Errorf("%s: PRAGMA %s = %q, %v; want %q", raw, pragma, got, err, want)
			}
		}
	}
}

func TestNewValidates(t *testing.T) {
	if _, err := New(nil, SQLite); err == nil {
		t.Error("New(nil) succeeded")
	}
	db := sqlx.NewDb(nil, "sqlite")
	for _, d := range []Dialect{0, MySQL + 1, -1} {
		if _, err := New(db, d); err == nil {
			t.Errorf("New with dialect %v succeeded", d)
		}
	}
}

func TestNewDoesNotOwnThePool(t *testing.T) {
	owner := openStore(t, sqliteURL(t))
	s, err := New(owner.DB(), SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := owner.DB().PingContext(t.Context()); err != nil {
		t.Errorf("the caller's pool was closed by Store.Close: %v", err)
	}
}

func TestDialectString(t *testing.T) {
	for d, want := range map[Dialect]string{SQLite: "sqlite", Postgres: "postgres", MySQL: "mysql", 9: "Dialect(9)"} {
		if got := d.String(); got != want {
			t.Errorf("Dialect(%d).String() = %q, want %q", int(d), got, want)
		}
	}
}
