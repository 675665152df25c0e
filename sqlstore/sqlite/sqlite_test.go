package sqlite_test

import (
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqlite"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// TestDriver runs the driver checks on a SQLite file.
func TestDriver(t *testing.T) {
	sqltest.RunDriver(t, sqltest.SQLite(), sqlite.Open)
	if d := sqlite.Driver(); d.Dialect() != sqlstore.SQLite {
		t.Errorf("Dialect() = %v", d.Dialect())
	}
}

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url      string
		path     string // DSN before '?'
		memory   bool
		wal      bool
		busyUser bool // the URL sets its own busy_timeout
	}{
		{url: "sqlite:restauth.db", path: "restauth.db", wal: true},
		{url: "sqlite:/var/lib/app/auth.db", path: "/var/lib/app/auth.db", wal: true},
		{url: "sqlite:///var/lib/app/auth.db", path: "/var/lib/app/auth.db", wal: true},
		{url: "SQLITE:data.db", path: "data.db", wal: true},
		{url: "sqlite::memory:", path: ":memory:", memory: true},
		{url: "sqlite:file::memory:?cache=shared", path: "file::memory:", memory: true},
		{url: "sqlite:file:auth.db?mode=memory", path: "file:auth.db", memory: true},
		{url: "sqlite:file:auth.db?mode=rwc", path: "file:auth.db", wal: true},
		{url: "sqlite:auth.db?_pragma=busy_timeout(100)", path: "auth.db", wal: true, busyUser: true},
	} {
		dsn, memory, err := sqlite.ParseURL(tc.url)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", tc.url, err)
			continue
		}
		path, rawQuery, _ := strings.Cut(dsn, "?")
		q, _ := url.ParseQuery(rawQuery)
		pragmas := strings.Join(q["_pragma"], " ")
		switch {
		case path != tc.path:
			t.Errorf("%q: path %q, want %q", tc.url, path, tc.path)
		case memory != tc.memory:
			t.Errorf("%q: memory = %v", tc.url, memory)
		case !strings.Contains(pragmas, "foreign_keys(1)"):
			t.Errorf("%q: pragmas %q lack foreign_keys", tc.url, pragmas)
		case strings.Contains(pragmas, "journal_mode(WAL)") != tc.wal:
			t.Errorf("%q: pragmas %q, want WAL %v", tc.url, pragmas, tc.wal)
		case strings.Count(pragmas, "busy_timeout") != 1:
			t.Errorf("%q: pragmas %q, want one busy_timeout", tc.url, pragmas)
		case tc.busyUser && !strings.Contains(pragmas, "busy_timeout(100)"):
			t.Errorf("%q: the URL's busy_timeout was overridden: %q", tc.url, pragmas)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	for _, raw := range []string{
		"",
		"sqlite:",
		"sqlite:?mode=memory",
		"sqlite://relative.db",
		"sqlite:auth.db?%zz",
		"postgres://app@localhost/db",
		"auth.db",
	} {
		if _, _, err := sqlite.ParseURL(raw); err == nil {
			t.Errorf("ParseURL(%q) succeeded, want an error", raw)
		}
		if _, err := sqlite.Driver().OpenDB(raw); err == nil {
			t.Errorf("OpenDB(%q) succeeded, want an error", raw)
		}
	}
}

// TestOpenPragmas checks the pragmas on a pooled connection.
func TestOpenPragmas(t *testing.T) {
	dir := t.TempDir()
	for _, raw := range []string{
		"sqlite:" + filepath.Join(dir, "plain.db"),
		"sqlite:file:" + filepath.Join(dir, "uri.db") + "?mode=rwc",
	} {
		s, err := sqlite.Open(t.Context(), raw)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for pragma, want := range map[string]string{
			"foreign_keys": "1",
			"journal_mode": "wal",
			"busy_timeout": strconv.Itoa(sqlite.BusyTimeoutMS),
		} {
			var got string
			if err := s.DB().GetContext(t.Context(), &got, "PRAGMA "+pragma); err != nil || got != want {
				t.Errorf("%s: PRAGMA %s = %q, %v; want %q", raw, pragma, got, err, want)
			}
		}
	}
}

func TestOpenBadPath(t *testing.T) {
	raw := "sqlite:" + filepath.Join(t.TempDir(), "missing", "dir", "auth.db")
	if s, err := sqlite.Open(t.Context(), raw); err == nil {
		s.Close()
		t.Fatal("Open in a missing directory succeeded")
	}
}

func TestConstraintColumn(t *testing.T) {
	for msg, want := range map[string]string{
		"constraint failed: UNIQUE constraint failed: restauth_user.username_key (2067)": "restauth_user.username_key",
		"UNIQUE constraint failed: restauth_token.digest":                                "restauth_token.digest",
		"no such table": "",
	} {
		if got := sqlite.ConstraintColumn(msg); got != want {
			t.Errorf("constraintColumn(%q) = %q, want %q", msg, got, want)
		}
	}
}
