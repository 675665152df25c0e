// Package sqlite is sqlstore's SQLite driver, on the pure-Go
// modernc.org/sqlite: no cgo, nothing to install. Importing it links that
// driver and no other.
//
//	store, err := sqlite.Open(ctx, "sqlite:app.db")
//
// or, with the database chosen by the URL at run time,
//
//	store, err := sqlstore.Open(ctx, url, sqlite.Driver(), postgres.Driver())
package sqlite

import (
	"context"

	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/restauth/restauth/sqlstore"
)

// driverName is the database/sql name modernc.org/sqlite registers (its
// import registers it).
const driverName = "sqlite"

// Driver returns the SQLite driver, for sqlstore.Open, sqlstore.Connect
// and sqlstore.New. It opens "sqlite:" URLs (see Open).
func Driver() sqlstore.Driver { return driver{} }

// Open opens the SQLite database of url, creating the file if it is
// missing, and migrates it: sqlstore.Open with this driver alone. url is
// "sqlite:PATH" (relative to the working directory),
// "sqlite:///ABSOLUTE/PATH", "sqlite::memory:" or "sqlite:file:…" (an
// SQLite URI), optionally followed by "?" and modernc.org/sqlite DSN
// parameters such as _pragma=busy_timeout(5000).
//
// Unless the URL sets them, every connection gets foreign_keys on, a
// busy_timeout of 10 s (concurrent writers wait instead of failing), and
// files journal_mode WAL. An in-memory database lives in one connection,
// so its pool is limited to one.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	return sqlstore.Open(ctx, url, Driver())
}

// driver implements sqlstore.Driver.
type driver struct{}

// Dialect returns sqlstore.SQLite.
func (driver) Dialect() sqlstore.Dialect { return sqlstore.SQLite }

// Schemes returns "sqlite".
func (driver) Schemes() []string { return []string{"sqlite"} }

// OpenDB builds the pool for url; see Open for the URL and the settings.
func (driver) OpenDB(url string) (*sqlx.DB, error) {
	t, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	db, err := sqlx.Open(driverName, t.dsn)
	if err != nil {
		return nil, err
	}
	if t.memory {
		// Each connection would see its own empty database: keep one,
		// forever.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	}
	return db, nil
}
