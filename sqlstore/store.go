package sqlstore

import (
	"errors"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
)

// Store is a core.Store on a SQL database. It is safe for concurrent use;
// all state lives in the database, so several processes may share one.
type Store struct {
	db      *sqlx.DB
	driver  Driver
	dialect Dialect // driver.Dialect()
	q       queries
	cq      changeQueries // the change feed's (queries_changes.go)
	owned   bool          // Close closes db (Open, Connect); false for New

	// stmts caches the prepared hot statements; nil where preparing
	// does not pay (see preparesStatements).
	stmts *stmtCache

	// listener holds the connection listening for change notifications
	// (changes_listen.go), from the first WaitChange until Close.
	listenMu     sync.Mutex
	listener     *changeListener
	listenClosed bool
}

var _ core.Store = (*Store)(nil)

// New returns a Store on a pool the caller opened and owns, through d (a
// driver package's Driver(), for the driver the pool uses); Close does
// not close the pool. New runs no SQL and does not migrate: call Migrate.
//
// The pool must be configured as Open would: on SQLite, foreign_keys on and
// a busy_timeout (so concurrent writers wait instead of failing with
// SQLITE_BUSY); on MySQL, a strict sql_mode and utf8mb4. Unlike Open, New
// cannot check this; d.OpenDB builds such a pool from a URL. On MySQL,
// clientFoundRows is not required: a write that matched a row without
// changing it is told apart from a missing row by a second query.
func New(db *sqlx.DB, d Driver) (*Store, error) {
	if db == nil {
		return nil, errors.New("sqlstore: New: nil *sqlx.DB")
	}
	if d == nil {
		return nil, errors.New("sqlstore: New: nil Driver")
	}
	dialect := d.Dialect()
	if !dialect.valid() {
		return nil, fmt.Errorf("sqlstore: New: unsupported dialect %v", dialect)
	}
	s := &Store{db: db, driver: d, dialect: dialect, q: newQueries(dialect), cq: newChangeQueries(dialect)}
	if dialect.preparesStatements() {
		s.stmts = newStmtCache(db.DB)
	}
	return s, nil
}

// DB returns the underlying pool, for health checks, metrics and the
// application's own tables.
func (s *Store) DB() *sqlx.DB { return s.db }

// Dialect returns the dialect the store was built for.
func (s *Store) Dialect() Dialect { return s.dialect }

// Close stops listening for change notifications (WaitChange), closes the
// store's prepared statements, and the pool if Open or Connect created
// it; a pool given to New stays open, as the caller owns it. The store
// must not be used after Close.
func (s *Store) Close() error {
	s.stopListener()
	var err error
	if s.stmts != nil {
		err = s.stmts.close()
	}
	if !s.owned {
		return err
	}
	return errors.Join(err, s.db.Close())
}

// rebind converts a "?" query to the store's placeholder style.
func (s *Store) rebind(q string) string {
	return sqlx.Rebind(s.dialect.bindType(), q)
}
