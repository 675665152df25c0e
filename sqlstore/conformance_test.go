package sqlstore_test

import (
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/storetest"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/mysql"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// TestConformance runs the store suite on every database that is
// available: SQLite always, PostgreSQL and MySQL when their environment
// variables are set.
func TestConformance(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			storetest.Run(t, func(t *testing.T) core.Store { return sqltest.Open(t, db.URL(t)) })
		})
	}
}

// TestConformanceSQLiteMemory runs the suite on "sqlite::memory:", whose
// pool is limited to its single connection.
func TestConformanceSQLiteMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return sqltest.Open(t, "sqlite::memory:") })
}

// TestConformanceMySQLWithoutFoundRows runs the suite on a pool the caller
// built without clientFoundRows, through New: updates that change nothing
// report zero rows, which must not read as "not found".
func TestConformanceMySQLWithoutFoundRows(t *testing.T) {
	sqltest.RequireEnv(t, sqltest.EnvMySQL)
	storetest.Run(t, func(t *testing.T) core.Store { return newMySQLWithoutFoundRows(t) })
}

// newMySQLWithoutFoundRows returns a migrated Store, built with New, on a
// fresh MySQL database whose pool lacks clientFoundRows.
func newMySQLWithoutFoundRows(t *testing.T) *sqlstore.Store {
	t.Helper()
	cfg, err := mysql.Config(sqltest.MySQLURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.ClientFoundRows = false
	db, err := sqlx.Open("mysql", cfg.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s, err := sqlstore.New(db, mysql.Driver())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestHTTPConformance runs the HTTP conformance suite of core/authtest
// against restauth served by net/http on each available database, so that
// every wire behaviour holds on real SQL, not only on the memory store.
func TestHTTPConformance(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			authtest.RunWithStore(t, authtest.NetHTTP, func(t *testing.T) core.Store { return sqltest.Open(t, db.URL(t)) })
		})
	}
}
