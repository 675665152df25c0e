package sqlstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
)

// target is a parsed database URL: everything Open needs to build a pool.
type target struct {
	dialect Dialect
	redact  redactor

	sqliteDSN    string // SQLite: DSN for modernc.org/sqlite
	sqliteMemory bool   // SQLite: in-memory database, private to one connection

	pgConfig    *pgx.ConnConfig // Postgres
	mysqlConfig *mysql.Config   // MySQL
}

// errUnsupportedURL is returned for a URL of no supported scheme. Its text
// does not quote the URL, which may hold a password.
var errUnsupportedURL = errors.New("sqlstore: unsupported database URL: want sqlite:PATH, postgres://…, postgresql://… or mysql://…")

// errMalformedURL is returned when a URL cannot be split into its parts.
// Nothing of the URL is quoted: with the parts unknown, any fragment could
// be part of the password.
func errMalformedURL(scheme string) error {
	return fmt.Errorf("sqlstore: invalid %s URL: malformed (percent-encode special characters in the user name and password)", scheme)
}

// parseURL parses a database URL. Errors never contain the URL's password.
func parseURL(raw string) (*target, error) {
	lower := strings.ToLower(raw)
	switch {
	case strings.HasPrefix(lower, "sqlite:"):
		return parseSQLiteURL(raw[len("sqlite:"):])
	case strings.HasPrefix(lower, "postgres://"), strings.HasPrefix(lower, "postgresql://"):
		return parsePostgresURL(raw)
	case strings.HasPrefix(lower, "mysql://"):
		return parseMySQLURL(raw)
	}
	return nil, errUnsupportedURL
}
