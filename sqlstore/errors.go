package sqlstore

import (
	"errors"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/restauth/restauth/core"
)

// violation is the integrity constraint a driver error reports.
type violation int

const (
	noViolation violation = iota
	dupUsername
	dupEmail
	dupDigest
	dupOther
	foreignKey
)

// Constraint and column names from the migrations, as the drivers report
// them: SQLite names table.column, PostgreSQL the constraint, MySQL the key
// (MySQL 8 prefixes the table: "restauth_user.<key>").
const (
	nameUsernameKey = "username_key" // column; the constraint name ends with it + "_uniq"
	nameEmailKey    = "email_key"
	nameDigest      = "restauth_token.digest"
	nameTokenPKey   = "restauth_token_pkey"
)

// classify reads a driver error of dialect d.
func classify(d Dialect, err error) violation {
	switch d {
	case SQLite:
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return noViolation
		}
		switch e.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return uniqueByName(sqliteConstraintColumn(e.Error()))
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return foreignKey
		}
	case Postgres:
		var e *pgconn.PgError
		if !errors.As(err, &e) {
			return noViolation
		}
		switch e.Code {
		case "23505": // unique_violation
			return uniqueByName(e.ConstraintName)
		case "23503": // foreign_key_violation
			return foreignKey
		}
	case MySQL:
		var e *mysql.MySQLError
		if !errors.As(err, &e) {
			return noViolation
		}
		switch e.Number {
		case 1062: // ER_DUP_ENTRY
			return uniqueByName(mysqlDuplicateKey(e.Message))
		case 1452: // ER_NO_REFERENCED_ROW_2
			return foreignKey
		}
	}
	return noViolation
}

// uniqueByName maps a constraint, key or column name to the violation.
func uniqueByName(name string) violation {
	switch {
	case strings.HasSuffix(name, nameUsernameKey), strings.HasSuffix(name, nameUsernameKey+"_uniq"):
		return dupUsername
	case strings.HasSuffix(name, nameEmailKey), strings.HasSuffix(name, nameEmailKey+"_uniq"):
		return dupEmail
	case name == nameDigest, name == nameTokenPKey, name == "PRIMARY", strings.HasSuffix(name, ".PRIMARY"):
		return dupDigest
	}
	return dupOther
}

// sqliteConstraintColumn extracts "table.column" from SQLite's
// "UNIQUE constraint failed: table.column" (the driver may append the
// result code in parentheses).
func sqliteConstraintColumn(msg string) string {
	_, rest, ok := strings.Cut(msg, " constraint failed: ")
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, " ")
	return strings.TrimSpace(rest)
}

// mysqlDuplicateKey extracts the key name from MySQL's "Duplicate entry
// '…' for key '…'". The entry is user data and may itself contain
// "for key", so the last occurrence is the real one.
func mysqlDuplicateKey(msg string) string {
	const marker = " for key '"
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(msg[i+len(marker):], "'")
}

// wrap prefixes a database error with the operation. The result wraps
// core.ErrUnavailable, so that restauth answers 503 and never treats the
// request as anonymous, and err itself, so that context errors stay
// matchable with errors.Is. Constraint violations are mapped by the
// callers (classify) before they get here.
func wrap(op string, err error) error {
	return &dbError{op: op, err: err}
}

// dbError is a failed database call.
type dbError struct {
	op  string
	err error
}

// Error returns "sqlstore: <op>: <driver error>".
func (e *dbError) Error() string { return "sqlstore: " + e.op + ": " + e.err.Error() }

// Unwrap returns core.ErrUnavailable and the driver error.
func (e *dbError) Unwrap() []error { return []error{core.ErrUnavailable, e.err} }
