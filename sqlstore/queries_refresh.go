package sqlstore

// Statements on restauth_refresh_family and restauth_refresh_token,
// written with "?" placeholders (rebound per dialect). IDs are compared by
// equality only. The same text runs on SQLite, PostgreSQL and MySQL: no
// RETURNING, no UPDATE … FROM/JOIN, and no subquery on the table being
// written (MySQL refuses one).

// refreshTokenColumns and refreshFamilyColumns list the columns scanned
// into refreshTokenRow and refreshFamilyRow, from the aliases t and f.
const (
	refreshTokenColumns = `t.jti AS t_jti, t.family_id AS t_family_id, t.user_id AS t_user_id,
	t.issued AS t_issued, t.expires AS t_expires, t.used AS t_used`
	refreshFamilyColumns = `f.id AS f_id, f.user_id AS f_user_id, f.created AS f_created, f.revoked AS f_revoked`
)

const (
	sqlInsertRefreshFamily = `INSERT INTO restauth_refresh_family (id, user_id, created, revoked) VALUES (?, ?, ?, ?)`

	sqlInsertRefreshToken = `INSERT INTO restauth_refresh_token
	(jti, family_id, user_id, issued, expires, used) VALUES (?, ?, ?, ?, ?, ?)`

	// sqlConsumeRefreshToken is the rotation's deciding write: it marks the
	// token used only if it exists, is unused, has not expired, belongs to
	// the successor's family and user, and that family is live. Concurrent
	// consumers of one jti serialise on the row lock, and every one after
	// the first finds used set and matches no row.
	// Parameters: used, jti, at, family, user, family.
	sqlConsumeRefreshToken = `UPDATE restauth_refresh_token SET used = ?
	WHERE jti = ? AND used IS NULL AND expires > ? AND family_id = ? AND user_id = ?
	AND family_id IN (SELECT f.id FROM restauth_refresh_family f WHERE f.id = ? AND f.revoked IS NULL)`

	// sqlAddRefreshToken inserts a token only into a live family of the
	// same user, in one statement. Parameters: jti, issued, expires, used,
	// family, user.
	sqlAddRefreshToken = `INSERT INTO restauth_refresh_token
	(jti, family_id, user_id, issued, expires, used)
	SELECT ?, f.id, f.user_id, ?, ?, ? FROM restauth_refresh_family f
	WHERE f.id = ? AND f.user_id = ? AND f.revoked IS NULL`

	// sqlRefreshTokenByJTI returns the token and its family.
	sqlRefreshTokenByJTI = `SELECT ` + refreshTokenColumns + `, ` + refreshFamilyColumns + `
	FROM restauth_refresh_token t JOIN restauth_refresh_family f ON f.id = t.family_id
	WHERE t.jti = ?`

	sqlRefreshFamilyByID = `SELECT ` + refreshFamilyColumns + ` FROM restauth_refresh_family f WHERE f.id = ?`

	// sqlUserByRefreshFamily returns the family and its owner in one round
	// trip.
	sqlUserByRefreshFamily = `SELECT ` + userColumns + `, ` + refreshFamilyColumns + `
	FROM restauth_refresh_family f JOIN restauth_user u ON u.id = f.user_id
	WHERE f.id = ?`

	// The first revocation time is kept: revoked IS NULL.
	sqlRevokeRefreshFamily = `UPDATE restauth_refresh_family SET revoked = ? WHERE id = ? AND revoked IS NULL`

	// Parameters: revoked, user, excepted family ("" excepts none: no
	// family has an empty ID).
	sqlRevokeUserRefreshFamilies = `UPDATE restauth_refresh_family SET revoked = ?
	WHERE user_id = ? AND revoked IS NULL AND id <> ?`

	// A token expired at `before` has expires <= before (as for
	// sqlConsumeRefreshToken, where it must be > at to be valid).
	sqlDeleteExpiredRefreshTokens = `DELETE FROM restauth_refresh_token WHERE expires <= ?`

	sqlDeleteEmptyRefreshFamilies = `DELETE FROM restauth_refresh_family
	WHERE NOT EXISTS (SELECT 1 FROM restauth_refresh_token t WHERE t.family_id = restauth_refresh_family.id)`
)
