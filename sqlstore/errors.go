package sqlstore

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/restauth/restauth/core"
)

// conflict is what a constraint violation means for the store.
type conflict int

const (
	noConflict conflict = iota
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

// classify reads a driver error through the store's Driver.
func (s *Store) classify(err error) conflict {
	if err == nil {
		return noConflict
	}
	switch kind, name := s.driver.Classify(err); kind {
	case UniqueViolation:
		return uniqueByName(name)
	case ForeignKeyViolation:
		return foreignKey
	}
	return noConflict
}

// uniqueByName maps a constraint, key or column name to the conflict.
func uniqueByName(name string) conflict {
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

// lookupErr maps a QueryRow error: no row is core.ErrNotFound, another
// error is wrapErr(op, err), nil stays nil.
func lookupErr(err error, op string, wrapErr func(string, error) error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return core.ErrNotFound
	default:
		return wrapErr(op, err)
	}
}
