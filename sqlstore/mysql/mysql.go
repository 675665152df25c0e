// Package mysql is sqlstore's MySQL and MariaDB driver, on
// github.com/go-sql-driver/mysql. Importing it links that driver and no
// other.
//
//	store, err := mysql.Open(ctx, "mysql://app:secret@db:3306/app")
//
// or, with the database chosen by the URL at run time,
//
//	store, err := sqlstore.Open(ctx, url, sqlite.Driver(), mysql.Driver())
package mysql

import (
	"context"
	"database/sql"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/internal/redact"
)

// driverName is the database/sql name of go-sql-driver/mysql; sqlx reads
// ? placeholders from it.
const driverName = "mysql"

// Driver returns the MySQL driver, for sqlstore.Open, sqlstore.Connect and
// sqlstore.New. It opens "mysql://" URLs (see Open).
func Driver() sqlstore.Driver { return driver{} }

// Open connects to the MySQL or MariaDB database of url, checks that the
// server accepted the strict sql_mode, and migrates it: sqlstore.Open with
// this driver alone. url is "mysql://" followed by the driver's DSN,
// "user:pass@tcp(host:port)/db?param=value" (also unix(/path.sock)), or by
// "user:pass@host:port/db?param=value" with the user and the password
// percent-encoded and the port defaulting to 3306. Query parameters are
// the driver's (timeout, tls, …). See Config for what is forced.
func Open(ctx context.Context, url string) (*sqlstore.Store, error) {
	return sqlstore.Open(ctx, url, Driver())
}

// driver implements sqlstore.Driver.
type driver struct{}

// Dialect returns sqlstore.MySQL.
func (driver) Dialect() sqlstore.Dialect { return sqlstore.MySQL }

// Schemes returns "mysql".
func (driver) Schemes() []string { return []string{"mysql"} }

// OpenDB builds the pool for url with the configuration of Config.
func (driver) OpenDB(url string) (*sqlx.DB, error) {
	cfg, err := Config(url)
	if err != nil {
		return nil, err
	}
	connector, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, redact.FromURL(url).Wrap("sqlstore: open mysql", err)
	}
	return sqlx.NewDb(sql.OpenDB(connector), driverName), nil
}
