package sqlstore

import (
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/storetest"
)

// TestConformance runs the store suite on every database that is
// available: SQLite always, PostgreSQL and MySQL when their environment
// variables are set.
func TestConformance(t *testing.T) {
	for _, db := range testDBs() {
		t.Run(db.name, func(t *testing.T) {
			db.requireServer(t)
			storetest.Run(t, func(t *testing.T) core.Store { return openStore(t, db.url(t)) })
		})
	}
}

// TestConformanceSQLiteMemory runs the suite on "sqlite::memory:", whose
// pool is limited to its single connection.
func TestConformanceSQLiteMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return openStore(t, "sqlite::memory:") })
}

// TestConformanceMySQLWithoutFoundRows runs the suite on a pool the caller
// built without clientFoundRows, through New: updates that change nothing
// report zero rows, which must not read as "not found".
func TestConformanceMySQLWithoutFoundRows(t *testing.T) {
	requireEnv(t, envMySQL)
	storetest.Run(t, func(t *testing.T) core.Store {
		tg, err := parseURL(mysqlURL(t))
		if err != nil {
			t.Fatal(err)
		}
		cfg := tg.mysqlConfig.Clone()
		cfg.ClientFoundRows = false
		db, err := sqlx.Open("mysql", cfg.FormatDSN())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		s, err := New(db, MySQL)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// TestHTTPConformance runs the HTTP conformance suite of core/authtest
// against restauth served by net/http on each available database, so that
// every wire behaviour holds on real SQL, not only on the memory store.
func TestHTTPConformance(t *testing.T) {
	for _, db := range testDBs() {
		t.Run(db.name, func(t *testing.T) {
			db.requireServer(t)
			authtest.RunWithStore(t, authtest.NetHTTP, func(t *testing.T) core.Store { return openStore(t, db.url(t)) })
		})
	}
}
