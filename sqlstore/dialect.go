package sqlstore

import (
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Dialect names the SQL database behind a Store. It decides the
// placeholder style, the migration files and how driver errors are read.
type Dialect int

// The supported dialects.
const (
	// SQLite through the pure-Go modernc.org/sqlite driver ("sqlite").
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL through github.com/jackc/pgx/v5/stdlib ("pgx").
	Postgres
	// MySQL is MySQL or MariaDB through github.com/go-sql-driver/mysql
	// ("mysql").
	MySQL
)

// String returns the dialect's name as used in migration paths.
func (d Dialect) String() string {
	switch d {
	case SQLite:
		return "sqlite"
	case Postgres:
		return "postgres"
	case MySQL:
		return "mysql"
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

// valid reports whether d is one of the supported dialects.
func (d Dialect) valid() bool {
	return d == SQLite || d == Postgres || d == MySQL
}

// bindType is the sqlx placeholder style of d.
func (d Dialect) bindType() int {
	if d == Postgres {
		return sqlx.DOLLAR
	}
	return sqlx.QUESTION
}

// driverName is the database/sql driver name sqlstore registers d under.
func (d Dialect) driverName() string {
	switch d {
	case Postgres:
		return "pgx"
	case MySQL:
		return "mysql"
	}
	return "sqlite"
}

// preparesStatements reports whether a Store on d keeps its hot statements
// prepared (stmtCache). SQLite's driver parses every statement it is given
// and MySQL's runs prepare, execute and close per query with arguments, so
// both gain; pgx already caches prepared statements per connection.
func (d Dialect) preparesStatements() bool {
	return d == SQLite || d == MySQL
}
