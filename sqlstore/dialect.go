package sqlstore

import (
	"fmt"

	"github.com/jmoiron/sqlx"
)

// Dialect names the SQL database behind a Store. It decides the SQL the
// store runs, its placeholder style and the migration files; how a
// connection is made and how errors are read is the Driver's business.
type Dialect int

// The supported dialects. Each has a driver package under sqlstore
// (sqlstore/sqlite, sqlstore/postgres, sqlstore/mysql) that brings the
// database/sql driver; the dialect itself needs none.
const (
	// SQLite, version 3.37 or later (STRICT tables).
	SQLite Dialect = iota + 1
	// Postgres is PostgreSQL.
	Postgres
	// MySQL is MySQL 8 or MariaDB 10.5 and later.
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

// preparesStatements reports whether a Store on d keeps its hot statements
// prepared (stmtCache). SQLite's driver parses every statement it is given
// and MySQL's runs prepare, execute and close per query with arguments, so
// both gain; pgx already caches prepared statements per connection.
func (d Dialect) preparesStatements() bool {
	return d == SQLite || d == MySQL
}
