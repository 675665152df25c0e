package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/restauth/restauth/sqlstore/internal/redact"
)

// Open connects to the database at url with the driver, among drivers,
// that opens url's scheme, checks the connection and applies the
// migrations: Connect, then Migrate. A program that reads its URL from
// the environment passes every driver it is willing to link:
//
//	sqlstore.Open(ctx, url, sqlite.Driver(), postgres.Driver(), mysql.Driver())
//
// and one that uses a single database calls that driver package's Open.
// A URL whose driver is not among drivers fails with ErrNoDriver, naming
// the package to import. The URL forms are the driver packages':
//
//   - sqlstore/sqlite: "sqlite:PATH", "sqlite:///ABSOLUTE/PATH",
//     "sqlite::memory:" or "sqlite:file:…" (an SQLite URI);
//   - sqlstore/postgres: "postgres://…" or "postgresql://…";
//   - sqlstore/mysql: "mysql://user:pass@host:port/db?…" or
//     "mysql://user:pass@tcp(host:port)/db?…".
//
// ctx bounds the connection check and the migration. Errors never include
// the URL's password. The caller closes the Store.
func Open(ctx context.Context, url string, drivers ...Driver) (*Store, error) {
	s, err := Connect(ctx, url, drivers...)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, redact.FromURL(url).Wrap("sqlstore: open", err)
	}
	return s, nil
}

// Connect is Open without the migrations, for deployments that migrate in
// a separate step (with Migrate, or with a migration tool reading
// Migrations). It picks the driver, builds the pool and checks the
// connection: on MySQL, also that the session runs in a strict sql_mode.
func Connect(ctx context.Context, url string, drivers ...Driver) (*Store, error) {
	d, err := driverFor(url, drivers)
	if err != nil {
		return nil, err
	}
	r := redact.FromURL(url)
	db, err := d.OpenDB(url)
	if err != nil {
		return nil, r.Redact(err)
	}
	if db.Stats().MaxOpenConnections == 0 {
		db.SetMaxOpenConns(poolSize)
		db.SetMaxIdleConns(poolSize)
	}
	s, err := New(db, d)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.owned = true
	if err := s.check(ctx); err != nil {
		s.Close()
		return nil, r.Wrap("sqlstore: connect to "+s.dialect.String(), err)
	}
	return s, nil
}

// poolSize bounds the pool and keeps that many connections open between
// bursts: database/sql's default of 2 idle connections made a 50-client
// load reopen thousands of connections (PostgreSQL p99 0.6 s instead of
// 23 ms; see bench/NOTES.md, finding F7).
const poolSize = 16

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
