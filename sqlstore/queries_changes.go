package sqlstore

import "github.com/jmoiron/sqlx"

// Statements of the change feed (restauth_changes, core.ChangeFeed),
// written with "?" placeholders and rebound per dialect.
//
// A write that revokes or alters a login adds its change atomically:
//
//   - on PostgreSQL in the same statement, a data-modifying WITH whose
//     INSERT takes its rows from the write's RETURNING (one round trip;
//     nothing is inserted when the write matched nothing);
//   - on SQLite and MySQL, which have no such statement, in a transaction
//     (inTx) whose last statement inserts the change (sqlInsertChange),
//     so that its Seq is taken just before COMMIT: a transaction holds a
//     Seq uncommitted for as short a time as possible (readers wait for
//     such gaps, see core's change_poller.go). The owner of a token or a
//     family is read first, locked (FOR UPDATE on MySQL; SQLite's BEGIN
//     IMMEDIATE holds the write lock).
const (
	sqlInsertChange = `INSERT INTO restauth_changes (user_id, family, token_digest, created) VALUES (?, ?, ?, ?)`

	// sqlChanges reads the feed. Parameters: after, limit.
	sqlChanges = `SELECT seq, user_id, family, token_digest FROM restauth_changes
	WHERE seq > ? ORDER BY seq LIMIT ?`

	sqlLatestChange = `SELECT COALESCE(MAX(seq), 0) FROM restauth_changes`

	// sqlPruneChanges keeps the latest change (second parameter), so that
	// LatestChange never goes back. Parameters: before, latest.
	sqlPruneChanges = `DELETE FROM restauth_changes WHERE created < ? AND seq < ?`

	// The owners of what DeleteToken and RevokeRefreshFamily change, read
	// in their transactions before the write (SQLite, MySQL).
	sqlTokenOwner      = `SELECT user_id FROM restauth_token WHERE digest = ?`
	sqlLiveFamilyOwner = `SELECT user_id FROM restauth_refresh_family WHERE id = ? AND revoked IS NULL`

	// pgUserChange turns an UPDATE or DELETE of restauth_user (by id) into
	// that write plus its user change. Parameter after the write's: created.
	pgUserChangeHead = `WITH w AS (`
	pgUserChangeTail = ` RETURNING id) INSERT INTO restauth_changes (user_id, created) SELECT id, ? FROM w`

	// PostgreSQL statements of the token and family writes with their
	// change. Parameters: the write's, then created.
	pgDeleteToken = `WITH w AS (DELETE FROM restauth_token WHERE digest = ? RETURNING user_id, digest)
	INSERT INTO restauth_changes (user_id, token_digest, created) SELECT user_id, digest, ? FROM w`
	pgRevokeFamily = `WITH w AS (UPDATE restauth_refresh_family SET revoked = ? WHERE id = ? AND revoked IS NULL
	RETURNING user_id, id)
	INSERT INTO restauth_changes (user_id, family, created) SELECT user_id, id, ? FROM w`

	// The bulk revocations add one user change when they removed
	// anything, and answer how many they removed. Parameters: the
	// write's, then user, created.
	pgDeleteUserTokens = `WITH w AS (DELETE FROM restauth_token WHERE user_id = ? AND digest <> ? RETURNING 1),
	c AS (INSERT INTO restauth_changes (user_id, created) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM w))
	SELECT COUNT(*) FROM w`
	pgRevokeUserFamilies = `WITH w AS (UPDATE restauth_refresh_family SET revoked = ?
	WHERE user_id = ? AND revoked IS NULL AND id <> ? RETURNING 1),
	c AS (INSERT INTO restauth_changes (user_id, created) SELECT ?, ? WHERE EXISTS (SELECT 1 FROM w))
	SELECT COUNT(*) FROM w`

	// pgChangesSchema finds the schema of the restauth_changes the store
	// uses (through search_path), whose notifications it listens to.
	pgChangesSchema = `SELECT COALESCE((SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE c.oid = to_regclass('restauth_changes')), '')`
)

// changeChannel is the PostgreSQL notification channel of the feed (see
// migrations/postgres/0007_changes.sql).
const changeChannel = "restauth_changes"

// changeQueries are the change feed's statements for one dialect.
type changeQueries struct {
	insertChange, changes, latest, prune string
	tokenOwner, familyOwner              string // with FOR UPDATE on MySQL
	deleteUser                           string // the plain DELETE

	// PostgreSQL only: each write with its change, in one statement.
	pgUpdateProfile, pgSetPassword, pgUpgradePasswordHash, pgSetActive  string
	pgSetEmailVerified, pgSetStaff, pgDeleteUser                        string
	pgDeleteToken, pgRevokeFamily, pgDeleteUserTokens, pgRevokeUserFams string
}

// newChangeQueries returns d's change feed statements.
func newChangeQueries(d Dialect) changeQueries {
	bind := func(q string) string { return sqlx.Rebind(d.bindType(), q) }
	lock := ""
	if d == MySQL {
		lock = " FOR UPDATE"
	}
	q := changeQueries{
		insertChange: bind(sqlInsertChange),
		changes:      bind(sqlChanges),
		latest:       bind(sqlLatestChange),
		prune:        bind(sqlPruneChanges),
		tokenOwner:   bind(sqlTokenOwner + lock),
		familyOwner:  bind(sqlLiveFamilyOwner + lock),
		deleteUser:   bind(sqlDeleteUser),
	}
	if d != Postgres {
		return q
	}
	user := func(write string) string { return bind(pgUserChangeHead + write + pgUserChangeTail) }
	q.pgUpdateProfile = user(sqlUpdateProfile)
	q.pgSetPassword = user(sqlSetPassword)
	q.pgUpgradePasswordHash = user(sqlUpgradePasswordHash)
	q.pgSetActive = user(sqlSetActive)
	q.pgSetEmailVerified = user(sqlSetEmailVerified)
	q.pgSetStaff = user(sqlSetStaff)
	q.pgDeleteUser = user(sqlDeleteUser)
	q.pgDeleteToken = bind(pgDeleteToken)
	q.pgRevokeFamily = bind(pgRevokeFamily)
	q.pgDeleteUserTokens = bind(pgDeleteUserTokens)
	q.pgRevokeUserFams = bind(pgRevokeUserFamilies)
	return q
}
