// Package sqlstore is the SQL implementation of core.Store, on sqlx, for
// SQLite (pure Go, modernc.org/sqlite, the default), PostgreSQL (pgx) and
// MySQL/MariaDB (go-sql-driver/mysql).
//
// Open takes a URL ("sqlite:auth.db", "postgres://…", "mysql://…"),
// configures the connection, checks it and applies the embedded migrations;
// New wraps a pool the application already has. Every Store passes the
// conformance suite in core/storetest on all three databases.
//
// # Schema
//
// Two tables, created by migrations/<dialect>/0001_init.sql:
//
//   - restauth_user: id, username, username_key (UNIQUE), email, email_key
//     (UNIQUE, NULL when the email is empty so that any number of users may
//     have none), password, first_name, last_name, is_active,
//     email_verified, date_joined, last_login (NULL: never), token_epoch.
//   - restauth_token: digest (PRIMARY KEY), user_id (→ restauth_user, ON
//     DELETE CASCADE, indexed), created, expires (NULL: never).
//
// The *_key columns hold core.CanonicalUsername and core.CanonicalEmail and
// compare bytes: BINARY collation on SQLite, COLLATE "C" on PostgreSQL, VARBINARY on MySQL (utf8mb4_bin would ignore trailing blanks).
// Uniqueness is therefore decided by the database under concurrency, and a
// lost race surfaces as core.ErrUsernameTaken or core.ErrEmailTaken.
//
// Times are BIGINT microseconds since the Unix epoch, UTC: exact on all
// three databases, independent of the session time zone, and ordered
// correctly by integer comparison (see times.go for the reasoning).
//
// Lengths follow Django's auth_user (username and names 150 characters,
// email 254); the store refuses longer values, invalid UTF-8 and NUL bytes
// with core.ErrInvalidValue before any SQL runs, and the schema refuses them
// again, so nothing is ever truncated.
//
// Migrations are versioned and recorded in restauth_schema_migrations;
// Migrate is idempotent and safe to run from several processes at once.
//
// All SQL text lives in queries_user.go and queries_token.go, behind the
// Store methods, so that another table layout (an existing Django
// database) can be added as an alternative set of queries.
package sqlstore
