package sqlstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqlite"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

func TestOpenCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if s, err := sqlstore.Open(ctx, sqltest.SQLiteURL(t), sqlite.Driver()); err == nil {
		s.Close()
		t.Fatal("Open with a cancelled context succeeded")
	} else if !errors.Is(err, context.Canceled) {
		t.Errorf("Open: err = %v, want context.Canceled in its chain", err)
	}
}

// TestConnectDoesNotMigrate: Connect leaves the schema alone; Migrate
// then applies every migration.
func TestConnectDoesNotMigrate(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			s, err := sqlstore.Connect(t.Context(), db.URL(t), db.Driver)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var n int
			err = s.DB().GetContext(t.Context(), &n, s.DB().Rebind("SELECT COUNT(*) FROM restauth_user"))
			if err == nil {
				t.Fatalf("restauth_user exists after Connect (%d rows); want no table", n)
			}
			if err := s.Migrate(t.Context()); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			wantAllApplied(t, s)
		})
	}
}

// TestOpenPicksTheDriverByScheme: given every driver, Open uses the one
// for the URL's scheme.
func TestOpenPicksTheDriverByScheme(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			s := sqltest.Open(t, db.URL(t))
			if got, want := s.Dialect(), db.Driver.Dialect(); got != want {
				t.Errorf("Dialect() = %v, want %v", got, want)
			}
			wantAllApplied(t, s)
		})
	}
}

// TestOpenBoundsThePool: Open bounds an unlimited pool to the pool size;
// an in-memory SQLite database keeps its single connection.
func TestOpenBoundsThePool(t *testing.T) {
	for url, want := range map[string]int{
		sqltest.SQLiteURL(t): sqlstore.PoolSize,
		"sqlite::memory:":    1,
	} {
		s := sqltest.Open(t, url)
		if got := s.DB().Stats().MaxOpenConnections; got != want {
			t.Errorf("%s: MaxOpenConnections = %d, want %d", url, got, want)
		}
	}
}

func TestNewDoesNotOwnThePool(t *testing.T) {
	owner := sqltest.Open(t, sqltest.SQLiteURL(t))
	s, err := sqlstore.New(owner.DB(), sqlite.Driver())
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
