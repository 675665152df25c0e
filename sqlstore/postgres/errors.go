package postgres

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/restauth/restauth/sqlstore"
)

// Classify reads a pgconn.PgError by SQLSTATE: unique_violation (23505)
// and foreign_key_violation (23503), with the constraint's name, and
// deadlock_detected (40P01).
func (driver) Classify(err error) (sqlstore.ErrorKind, string) {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return sqlstore.OtherError, ""
	}
	switch e.Code {
	case "23505":
		return sqlstore.UniqueViolation, e.ConstraintName
	case "23503":
		return sqlstore.ForeignKeyViolation, e.ConstraintName
	case "40P01":
		return sqlstore.Deadlock, ""
	}
	return sqlstore.OtherError, ""
}
