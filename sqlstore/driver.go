package sqlstore

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// A Driver connects Stores to one database through one database/sql
// driver. sqlstore itself imports no driver, so that a program links only
// the ones it names: the packages sqlstore/sqlite (modernc.org/sqlite),
// sqlstore/postgres (github.com/jackc/pgx/v5) and sqlstore/mysql
// (github.com/go-sql-driver/mysql) each provide one, as Driver().
//
// Another driver for one of the three dialects (a cgo SQLite driver, say)
// may implement the interface; its methods must be safe for concurrent use
// and must not change what they return.
type Driver interface {
	// Dialect is the SQL the database speaks; it must be SQLite, Postgres
	// or MySQL.
	Dialect() Dialect

	// Schemes lists the URL schemes the driver opens, in lower case and
	// without the colon: "sqlite"; "postgres", "postgresql"; "mysql".
	Schemes() []string

	// OpenDB returns a pool on the database at url, whose scheme is one of
	// Schemes, configured as a Store requires (see New); it does not
	// connect yet. Its errors must not contain the URL's password. A pool
	// whose size it leaves unlimited is bounded by Open and Connect.
	OpenDB(url string) (*sqlx.DB, error)

	// Classify reads err, an error of the driver: whether it is a
	// constraint violation, and which constraint, as the database names it
	// (PostgreSQL: the constraint; MySQL: the key; SQLite: table.column),
	// or a deadlock. It returns OtherError for anything else, which a
	// Store reports as the database being unavailable.
	Classify(err error) (kind ErrorKind, constraint string)
}

// An ErrorKind is what a driver error means to a Store: a violated unique
// key becomes core.ErrUsernameTaken, core.ErrEmailTaken or
// core.ErrTokenExists, a missing referenced row core.ErrNotFound, and a
// lost deadlock is retried where the statement allows it.
type ErrorKind int

// The kinds of errors a Driver tells apart.
const (
	// OtherError is any error that is none of the others.
	OtherError ErrorKind = iota
	// UniqueViolation: a unique key or primary key is taken.
	UniqueViolation
	// ForeignKeyViolation: a referenced row does not exist.
	ForeignKeyViolation
	// Deadlock: the statement was chosen as a deadlock victim and rolled
	// back; running it again may succeed.
	Deadlock
)

// ErrNoDriver is returned by Open and Connect for a URL whose scheme none
// of the drivers given opens. The error's text names the package that
// provides the driver; it never quotes the URL, which may hold a password.
var ErrNoDriver = errors.New("sqlstore: no driver for the database URL")

// driverFor returns the driver among drivers that opens url's scheme.
func driverFor(url string, drivers []Driver) (Driver, error) {
	scheme, ok := urlScheme(url)
	var found Driver
	for i, d := range drivers {
		if d == nil {
			return nil, fmt.Errorf("sqlstore: driver %d is nil", i)
		}
		if !ok || !containsFold(d.Schemes(), scheme) {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("sqlstore: two drivers open %q URLs: pass one", scheme)
		}
		found = d
	}
	if found != nil {
		return found, nil
	}
	if pkg := driverPackage(scheme); ok && pkg != "" {
		return nil, fmt.Errorf("%w (%s): import %q and pass %s.Driver()",
			ErrNoDriver, scheme, modulePath+"/"+pkg, pkg)
	}
	if len(drivers) == 0 {
		return nil, fmt.Errorf("%w: no driver given; pass sqlite.Driver(), postgres.Driver() or mysql.Driver() from the packages under %s", ErrNoDriver, modulePath)
	}
	var schemes []string
	for _, d := range drivers {
		schemes = append(schemes, d.Schemes()...)
	}
	return nil, fmt.Errorf("%w: want a URL of scheme %s", ErrNoDriver, strings.Join(schemes, ", "))
}

// modulePath is the import path of this package and the root of its
// driver packages.
const modulePath = "github.com/restauth/restauth/sqlstore"

// driverPackage names the package under sqlstore whose driver opens
// scheme, or "" for a scheme sqlstore has no driver for.
func driverPackage(scheme string) string {
	switch scheme {
	case "sqlite":
		return "sqlite"
	case "postgres", "postgresql":
		return "postgres"
	case "mysql":
		return "mysql"
	}
	return ""
}

// urlScheme returns the lower-case scheme of url: the letters, digits,
// '+', '-' and '.' before the first ':', starting with a letter.
func urlScheme(url string) (string, bool) {
	scheme, _, ok := strings.Cut(url, ":")
	if !ok || scheme == "" {
		return "", false
	}
	for i, c := range scheme {
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && (i == 0 || !('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return "", false
		}
	}
	return strings.ToLower(scheme), true
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
