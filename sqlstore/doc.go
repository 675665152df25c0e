// Package sqlstore is the SQL implementation of core.Store, on sqlx, for
// SQLite (pure Go, modernc.org/sqlite), PostgreSQL (pgx) and
// MySQL/MariaDB (go-sql-driver/mysql).
//
// # Drivers
//
// sqlstore imports no database driver. Each comes in a package of its
// own, which links that driver and no other: sqlstore/sqlite,
// sqlstore/postgres and sqlstore/mysql. A program that uses one database
// calls that package's Open:
//
//	store, err := postgres.Open(ctx, "postgres://app:secret@db:5432/app")
//
// A program whose database is chosen by a URL at run time passes the
// drivers it accepts to Open, which picks one by the URL's scheme:
//
//	store, err := sqlstore.Open(ctx, url, sqlite.Driver(), postgres.Driver(), mysql.Driver())
//
// A URL whose driver was not passed fails with ErrNoDriver, naming the
// package to import. Open configures the connection, checks it and applies
// the embedded migrations; Connect does the same without migrating; New
// wraps a pool the application already has, given the Driver that matches
// it. "go list -deps" shows what a program links: a PostgreSQL-only
// program links neither modernc.org/sqlite nor go-sql-driver/mysql.
//
// Every Store implements core.Store, core.RefreshStore,
// core.LoginTokenStore, core.StaffStore and core.SocialAccountStore and
// passes the conformance suite in core/storetest on all three databases.
//
// # Schema
//
// Two tables created by migrations/<dialect>/0001_init.sql:
//
//   - restauth_user: id, username, username_key (UNIQUE), email, email_key
//     (UNIQUE, NULL when the email is empty so that any number of users may
//     have none), password, first_name, last_name, is_active,
//     email_verified, date_joined, last_login (NULL: never), token_epoch.
//   - restauth_token: digest (PRIMARY KEY), user_id (→ restauth_user, ON
//     DELETE CASCADE, indexed), created, expires (NULL: never).
//
// and two for JWT refresh tokens (core.RefreshStore), created by
// 0002_refresh.sql:
//
//   - restauth_refresh_family: id (PRIMARY KEY, at most 64 characters),
//     user_id (→ restauth_user, ON DELETE CASCADE, indexed), created,
//     revoked (NULL: live).
//   - restauth_refresh_token: jti (PRIMARY KEY, at most 64 characters),
//     family_id (→ restauth_refresh_family, ON DELETE CASCADE, indexed),
//     user_id (indexed), issued, expires (indexed, for the flush), used
//     (NULL: not yet rotated).
//
// and one for server-side sessions (SessionStore, a gorilla/sessions
// Store), created by 0003_session.sql:
//
//   - restauth_session: id (PRIMARY KEY, at most 64 characters; the store
//     writes 32 from [a-z0-9]), data (BLOB/BYTEA/LONGBLOB, the values as
//     sessionkit.EncodeValues writes them, NOT NULL), expires (indexed, for Cleanup).
//
// 0005_staff.sql adds Django's is_staff and is_superuser to restauth_user
// (NOT NULL, false for existing users; core.StaffStore changes them).
//
// 0006_social.sql adds the links between users and identities at external
// providers (core.SocialAccountStore, for the social module):
//
//   - restauth_social_account: id, user_id (→ restauth_user, ON DELETE
//     CASCADE, indexed), provider (at most 200 characters), uid (at most
//     191), UNIQUE (provider, uid), extra_data (the provider's JSON object
//     as text, at most 65535 bytes), last_login (NULL: never),
//     date_joined.
//
// The *_key columns hold core.CanonicalUsername and core.CanonicalEmail
// and, like the digest, the refresh IDs and the session IDs, compare
// bytes: BINARY collation on SQLite, COLLATE "C" on PostgreSQL, VARBINARY
// on MySQL (utf8mb4_bin would ignore trailing blanks).
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
// Migrations returns them as files, in goose's layout, for a deployment
// that runs its own migration tool.
//
// # Refresh rotation
//
// ConsumeRefreshToken runs in one transaction decided by a single
// conditional UPDATE (unused, unexpired, family live, successor in the
// same family and user); one affected row inserts the successor and
// commits, none rolls back and reads the token to answer ErrRefreshUsed,
// ErrRefreshRevoked or ErrNotFound. Concurrent rotations of one token
// serialise on its row (PostgreSQL, MySQL) or on the write lock, taken up
// front with BEGIN IMMEDIATE and waited for through busy_timeout (SQLite),
// so exactly one succeeds and the others get ErrRefreshUsed, never a
// database error. Other multi-statement writes (CreateRefreshFamily,
// FlushExpiredRefreshTokens) use the same transactions.
//
// # Prepared statements
//
// On SQLite and MySQL a Store prepares each hot statement once, on first
// use, and keeps it until Close (a pool given to New stays open, its
// statements are closed): modernc.org/sqlite would otherwise parse every
// statement again, and go-sql-driver/mysql run prepare, execute and close
// per query. database/sql prepares such a statement again on every
// connection it runs on, including those opened after an outage.
// Transactions bind the cached statements with Tx.StmtContext and never
// prepare on the pool while they hold a connection. PostgreSQL needs no
// cache: pgx keeps prepared statements per connection (measured: no gain,
// three more allocations per query). Rows are scanned with an explicit
// column list, not sqlx's reflective mapper.
//
// A token login (core.LoginTokenStore) writes last_login and the token in
// one transaction: one commit, hence one disk sync on SQLite, per login.
//
// # Change feed
//
// Every write that revokes or alters a login (a password or activity
// change, a profile update, a deleted token, a revoked login, …) adds a
// row to restauth_changes in the same transaction: on PostgreSQL in the
// same statement (a data-modifying WITH), on SQLite and MySQL as the last
// statement of a transaction. Store implements core.ChangeFeed over it,
// and core.ChangeNotifier: on PostgreSQL a trigger notifies the channel
// restauth_changes at commit, and a Store listens on one connection of
// its pool from the first WaitChange until Close (drivers offer this
// through the optional Notifier capability). core reads the feed so
// that every instance enforces a change made elsewhere within
// Config.RevocationStaleness without reading the store per request (see
// docs/design.md, "Revocation bound and change feed"). Programs that
// write the tables themselves must add the same rows.
//
// # Errors
//
// Constraint violations become the core sentinels (core.ErrUsernameTaken,
// core.ErrEmailTaken, core.ErrTokenExists, core.ErrNotFound for a missing
// owner). Every other database failure, including a done context, is
// returned wrapping core.ErrUnavailable (restauth answers 503 and never
// falls back to an anonymous request) and the driver's error.
//
// # Sessions
//
// Store.SessionStore returns a server-side sessions.Store on the same
// database, for restauth's session authentication (Django's sessionid
// cookie) and the application's own sessions; see SessionStore. Stores on
// one database share sessions and logouts; run StartCleanup on one or
// more of them to delete expired rows.
//
// All SQL text lives in queries_user.go, queries_token.go,
// queries_refresh.go and queries_session.go, behind the Store methods, so
// that another table layout (an existing Django database) can be added as
// an alternative set of queries.
package sqlstore
