package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// errStoreClosed is returned by statements run after Store.Close.
var errStoreClosed = errors.New("store closed")

// stmtCache holds the statements of one pool prepared once, keyed by their
// query text, so that modernc.org/sqlite (which has no statement cache)
// parses each hot query once instead of on every call, and MySQL runs one
// round trip instead of prepare, execute and close (bench/NOTES.md, F6).
//
// Statements are prepared lazily, on first use. A *sql.Stmt belongs to the
// pool, not to a connection: database/sql prepares it again by itself on
// each connection it runs on, including connections opened after the
// database came back from an outage. It is safe for concurrent use.
type stmtCache struct {
	db *sql.DB

	stmts sync.Map // query text → *sql.Stmt

	mu     sync.Mutex // serialises stores against close
	closed bool
}

// newStmtCache returns an empty cache on db.
func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db}
}

// get returns the prepared statement for query, preparing it under ctx on
// first use. Two goroutines that miss at once both prepare; one statement
// is kept and the other closed.
func (c *stmtCache) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := c.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		st.Close()
		return nil, errStoreClosed
	}
	if v, loaded := c.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

// lookup returns the statement cached for query, or nil. Unlike get it
// never prepares, so it is what runs inside a transaction: preparing takes
// a second connection from the pool, and transactions holding every
// connection while each waits for one more would deadlock.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	if v, ok := c.stmts.Load(query); ok {
		return v.(*sql.Stmt)
	}
	return nil
}

// warm prepares the statements of queries not cached yet, holding no
// connection between them; it stops at the first error, which the
// statements' users will meet again (or avoid) on their own.
func (c *stmtCache) warm(ctx context.Context, queries ...string) {
	for _, q := range queries {
		if _, err := c.get(ctx, q); err != nil {
			return
		}
	}
}

// close closes every cached statement; get fails from then on. It returns
// the first error of the statements' Close.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var first error
	c.stmts.Range(func(k, v any) bool {
		if err := v.(*sql.Stmt).Close(); err != nil && first == nil {
			first = err
		}
		c.stmts.Delete(k)
		return true
	})
	return first
}

// len reports how many statements are cached, for tests.
func (c *stmtCache) len() int {
	n := 0
	c.stmts.Range(func(any, any) bool { n++; return true })
	return n
}
