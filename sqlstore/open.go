package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/jmoiron/sqlx"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Option configures Open.
type Option func(*options)

// options is what the Options set.
type options struct {
	migrate bool
}

// WithoutMigrate makes Open skip Migrate, for deployments that migrate in a
// separate step.
func WithoutMigrate() Option {
	return func(o *options) { o.migrate = false }
}

// Open connects to the database at url, checks the connection and applies
// the migrations (unless WithoutMigrate is given). url is one of:
//
//   - "sqlite:PATH", "sqlite:///ABSOLUTE/PATH", "sqlite::memory:" or
//     "sqlite:file:…" (an SQLite URI). Foreign keys are enabled, files use
//     WAL, and a busy_timeout makes concurrent writers wait instead of
//     failing. An in-memory database lives in one connection, so the pool
//     is limited to one.
//   - "postgres://…" or "postgresql://…", any URL pgx accepts.
//   - "mysql://user:pass@tcp(host:port)/db?…" (the driver's DSN) or
//     "mysql://user:pass@host:port/db?…". The session is forced to a
//     strict sql_mode, UTC, utf8mb4 and clientFoundRows, and Open checks
//     that the server accepted the strict mode.
//
// ctx bounds the connection check and the migration. Errors never include
// the URL's password. The caller closes the Store.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	o := options{migrate: true}
	for _, opt := range opts {
		opt(&o)
	}
	t, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	db, err := t.openDB()
	if err != nil {
		return nil, t.redact.wrap("sqlstore: open "+t.dialect.String(), err)
	}
	s, err := New(db, t.dialect)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.owned = true
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, t.redact.wrap("sqlstore: connect to "+t.dialect.String(), err)
	}
	if o.migrate {
		if err := s.Migrate(ctx); err != nil {
			db.Close()
			return nil, t.redact.wrap("sqlstore: open", err)
		}
	}
	return s, nil
}

// poolSize bounds the pool and keeps that many connections open between
// bursts: database/sql's default of 2 idle connections made a 50-client
// load reopen thousands of connections (PostgreSQL p99 0.6 s instead of
// 23 ms; see BENCHMARKS.md, finding F7).
const poolSize = 16

// openDB builds the connection pool for t; it does not connect yet.
func (t *target) openDB() (*sqlx.DB, error) {
	db, err := t.openPool()
	if err == nil && !t.sqliteMemory {
		db.SetMaxOpenConns(poolSize)
		db.SetMaxIdleConns(poolSize)
	}
	return db, err
}

// openPool opens the driver's pool for t.
func (t *target) openPool() (*sqlx.DB, error) {
	switch t.dialect {
	case Postgres:
		return sqlx.NewDb(stdlib.OpenDB(*t.pgConfig), t.dialect.driverName()), nil
	case MySQL:
		connector, err := mysql.NewConnector(t.mysqlConfig)
		if err != nil {
			return nil, err
		}
		return sqlx.NewDb(sql.OpenDB(connector), t.dialect.driverName()), nil
	}
	db, err := sqlx.Open(t.dialect.driverName(), t.sqliteDSN)
	if err != nil {
		return nil, err
	}
	if t.sqliteMemory {
		// Each connection would see its own empty database.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	}
	return db, nil
}

// check pings the database and, on MySQL, verifies that the session runs
// in a strict sql_mode.
func (s *Store) check(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return err
	}
	if s.dialect != MySQL {
		return nil
	}
	var mode string
	if err := s.db.GetContext(ctx, &mode, "SELECT @@SESSION.sql_mode"); err != nil {
		return err
	}
	if !strings.Contains(mode, "STRICT_ALL_TABLES") && !strings.Contains(mode, "STRICT_TRANS_TABLES") {
		return fmt.Errorf("server runs in non-strict sql_mode %q; over-long values would be truncated", mode)
	}
	return nil
}
