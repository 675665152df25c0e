// Package postgres is sqlstore's PostgreSQL driver, on
// github.com/jackc/pgx/v5 (through its database/sql adapter, stdlib).
// Importing it links that driver and no other.
//
//	store, err := postgres.Open(ctx, "postgres://app:secret@db:5432/app?sslmode=verify-full")
//
// or, with the database chosen by the URL at run time,
//
//	store, err := sqlstore.Open(ctx, url, sqlite.Driver(), postgres.Driver())
package postgres

import (
	"context"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/sqlstore"
)

// driverName is the database/sql name of pgx; sqlx reads $1 placeholders
// from it.
const driverName = "pgx"

// Driver returns the PostgreSQL driver, for sqlstore.Open,
// sqlstore.Connect and sqlstore.New. It opens "postgres://" and
// "postgresql://" URLs (see Open).
func Driver() sqlstore.Driver { return driver{} }

// Open connects to the PostgreSQL database of url and migrates it:
// sqlstore.Open with this driver alone. url is any "postgres://" or
// "postgresql://" URL pgx accepts, so every libpq parameter pgx knows
// works (sslmode, connect_timeout, several hosts, …); query parameters
// pgx does not know are sent as run-time parameters, e.g. search_path=auth
// to keep restauth's tables in a schema of their own. Percent-encode
// special characters in the user name and password.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	return sqlstore.Open(ctx, url, Driver())
}

// driver implements sqlstore.Driver.
type driver struct{}

// Dialect returns sqlstore.Postgres.
func (driver) Dialect() sqlstore.Dialect { return sqlstore.Postgres }

// Schemes returns "postgres" and "postgresql".
func (driver) Schemes() []string { return []string{"postgres", "postgresql"} }

// OpenDB builds the pool for url; see Open for the URL.
func (driver) OpenDB(url string) (*sqlx.DB, error) {
	cfg, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	return sqlx.NewDb(stdlib.OpenDB(*cfg), driverName), nil
}
