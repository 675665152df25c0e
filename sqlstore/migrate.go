package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
)

// migrationsTable records applied migration versions. It is prefixed so
// that it cannot collide with an application's own schema_migrations
// (golang-migrate, goose, Rails, … use that name with other columns).
const migrationsTable = "restauth_schema_migrations"

// migrateLockKey is the PostgreSQL advisory lock taken while migrating
// ("restauth" in ASCII).
const migrateLockKey int64 = 0x7265737461757468

// mysqlLockWait is how long a MySQL migrator waits for another one.
const mysqlLockWait = 60 * time.Second

// execQueryer is what migrations run on: a transaction or a single
// connection.
type execQueryer interface {
	sqlx.ExecerContext
	sqlx.QueryerContext
}

// Migrate brings the schema up to date by applying, in order, the embedded
// migrations not yet recorded in restauth_schema_migrations. It is
// idempotent, and safe when several processes migrate the same database at
// once: the runners are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL:
// pg_advisory_xact_lock; MySQL: GET_LOCK) and each one sees the versions
// its predecessor recorded. On SQLite and PostgreSQL every migration and
// its record commit together; MySQL commits DDL implicitly, so its
// migrations are written to be re-runnable.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.dialect)
	if err != nil {
		return err
	}
	return s.migrateSet(ctx, ms, migrationsTable)
}

// migrateSet applies the migrations of ms that table does not record, as
// Migrate describes; table keeps the versions of that set of migrations
// alone (restauth_schema_migrations for the native schema; the Django
// schema's own set has its own, see django_migrate.go).
func (s *Store) migrateSet(ctx context.Context, ms []migration, table string) error {
	var err error
	switch s.dialect {
	case SQLite:
		err = s.migrateSQLite(ctx, ms, table)
	case Postgres:
		err = s.migratePostgres(ctx, ms, table)
	default:
		err = s.migrateMySQL(ctx, ms, table)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: migrate %s: %w", s.dialect, err)
	}
	return nil
}

// migrateSQLite runs the migrations inside BEGIN IMMEDIATE, which takes the
// write lock up front: a second runner waits (busy_timeout) instead of
// failing when it upgrades a read transaction.
func (s *Store) migrateSQLite(ctx context.Context, ms []migration, table string) error {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	if err := s.applyPending(ctx, conn, ms, table); err != nil {
		if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			discard(conn)
		}
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		if _, rbErr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			discard(conn)
		}
		return err
	}
	return nil
}

// migratePostgres runs the migrations in one transaction holding a
// transaction-scoped advisory lock (PostgreSQL DDL is transactional).
func (s *Store) migratePostgres(ctx context.Context, ms []migration, table string) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", migrateLockKey); err != nil {
		return err
	}
	if err := s.applyPending(ctx, tx, ms, table); err != nil {
		return err
	}
	return tx.Commit()
}

// migrateMySQL runs the migrations on one connection holding a named lock
// scoped to the current database. MySQL commits DDL implicitly, so there is
// no enclosing transaction.
func (s *Store) migrateMySQL(ctx context.Context, ms []migration, table string) error {
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	var dbName string
	if err := conn.QueryRowxContext(ctx, "SELECT COALESCE(DATABASE(), '')").Scan(&dbName); err != nil {
		return err
	}
	if dbName == "" {
		return errors.New("no database selected")
	}
	sum := sha256.Sum256([]byte(dbName))
	lock := "restauth_migrate_" + hex.EncodeToString(sum[:20]) // ≤ 64 characters
	var got sql.NullInt64
	if err := conn.QueryRowxContext(ctx, "SELECT GET_LOCK(?, ?)", lock, int(mysqlLockWait/time.Second)).Scan(&got); err != nil {
		return err
	}
	if !got.Valid || got.Int64 != 1 {
		return fmt.Errorf("could not take the migration lock within %s", mysqlLockWait)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "DO RELEASE_LOCK(?)", lock); err != nil {
			discard(conn) // closing the session releases the lock
		}
	}()
	return s.applyPending(ctx, conn, ms, table)
}

// applyPending creates the migrations table (table) if needed and
// applies, in order, every migration whose version it does not record.
func (s *Store) applyPending(ctx context.Context, ex execQueryer, ms []migration, table string) error {
	if _, err := ex.ExecContext(ctx, migrationsTableDDL(s.dialect, table)); err != nil {
		return fmt.Errorf("create %s: %w", table, err)
	}
	var versions []int64
	if err := sqlx.SelectContext(ctx, ex, &versions, "SELECT version FROM "+table); err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	applied := make(map[int64]bool, len(versions))
	for _, v := range versions {
		applied[v] = true
	}
	record := s.rebind("INSERT INTO " + table + " (version, name, applied) VALUES (?, ?, ?)")
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		for i, stmt := range m.statements {
			if _, err := ex.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("%s, statement %d: %w", m.name, i+1, err)
			}
		}
		if _, err := ex.ExecContext(ctx, record, m.version, m.name, toMicros(time.Now())); err != nil {
			return fmt.Errorf("record %s: %w", m.name, err)
		}
	}
	return nil
}

// migrationsTableDDL creates the migrations table named table on d if it
// is missing.
func migrationsTableDDL(d Dialect, table string) string {
	switch d {
	case SQLite:
		return "CREATE TABLE IF NOT EXISTS " + table +
			" (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL) STRICT"
	case MySQL:
		return "CREATE TABLE IF NOT EXISTS " + table +
			" (version BIGINT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, applied BIGINT NOT NULL)" +
			" ENGINE = InnoDB DEFAULT CHARSET = utf8mb4"
	}
	return "CREATE TABLE IF NOT EXISTS " + table +
		" (version BIGINT NOT NULL PRIMARY KEY, name VARCHAR(255) NOT NULL, applied BIGINT NOT NULL)"
}

// discard makes database/sql close conn instead of returning it to the
// pool, for a connection left in an unknown state.
func discard(conn *sqlx.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
}
