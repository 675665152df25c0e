package mysql

import (
	"errors"
	"strings"

	gomysql "github.com/go-sql-driver/mysql"

	"github.com/restauth/restauth/sqlstore"
)

// Classify reads a gomysql.MySQLError by number: ER_DUP_ENTRY (1062) with
// the key's name, ER_NO_REFERENCED_ROW_2 (1452) and ER_LOCK_DEADLOCK
// (1213).
func (driver) Classify(err error) (sqlstore.ErrorKind, string) {
	var e *gomysql.MySQLError
	if !errors.As(err, &e) {
		return sqlstore.OtherError, ""
	}
	switch e.Number {
	case 1062:
		return sqlstore.UniqueViolation, duplicateKey(e.Message)
	case 1452:
		return sqlstore.ForeignKeyViolation, ""
	case 1213:
		return sqlstore.Deadlock, ""
	}
	return sqlstore.OtherError, ""
}

// duplicateKey extracts the key name from MySQL's "Duplicate entry '…' for
// key '…'". The entry is user data and may itself contain "for key", so
// the last occurrence is the real one.
func duplicateKey(msg string) string {
	const marker = " for key '"
	i := strings.LastIndex(msg, marker)
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(msg[i+len(marker):], "'")
}
