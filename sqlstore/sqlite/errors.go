package sqlite

import (
	"errors"
	"strings"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/restauth/restauth/sqlstore"
)

// Classify reads a modernc.org/sqlite error: UNIQUE and PRIMARY KEY
// violations name table.column. SQLite has no deadlocks: a writer waits
// for the lock (busy_timeout) or fails.
func (driver) Classify(err error) (sqlstore.ErrorKind, string) {
	var e *msqlite.Error
	if !errors.As(err, &e) {
		return sqlstore.OtherError, ""
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return sqlstore.UniqueViolation, constraintColumn(e.Error())
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return sqlstore.ForeignKeyViolation, ""
	}
	return sqlstore.OtherError, ""
}

// constraintColumn extracts "table.column" from SQLite's "UNIQUE
// constraint failed: table.column" (the driver may append the result code
// in parentheses).
func constraintColumn(msg string) string {
	_, rest, ok := strings.Cut(msg, " constraint failed: ")
	if !ok {
		return ""
	}
	rest, _, _ = strings.Cut(rest, " ")
	return strings.TrimSpace(rest)
}
