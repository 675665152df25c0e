package sqlstore

// Statements on restauth_session, written with "?" placeholders (rebound
// per dialect). IDs are compared by equality only; expires and the "now"
// parameters are Unix microseconds, and a session is live while
// expires > now (expired at expires <= now, as refresh tokens).

const (
	// sqlSessionData returns the data of a live session. Parameters: id,
	// now.
	sqlSessionData = `SELECT data FROM restauth_session WHERE id = ? AND expires > ?`

	// sqlInsertSession stores a session under a freshly generated ID.
	sqlInsertSession = `INSERT INTO restauth_session (id, data, expires) VALUES (?, ?, ?)`

	// sqlUpdateSession rewrites a session only while it is live, so that
	// a request that loaded it before a logout cannot bring it back.
	// Parameters: data, expires, id, now.
	sqlUpdateSession = `UPDATE restauth_session SET data = ?, expires = ? WHERE id = ? AND expires > ?`

	// sqlSessionLive tells an update that changed nothing (MySQL without
	// clientFoundRows reports 0 rows) from a session that is gone.
	// Parameters: id, now.
	sqlSessionLive = `SELECT COUNT(*) FROM restauth_session WHERE id = ? AND expires > ?`

	sqlDeleteSession = `DELETE FROM restauth_session WHERE id = ?`

	// sqlDeleteExpiredSessions uses the expires index. Parameter: now.
	sqlDeleteExpiredSessions = `DELETE FROM restauth_session WHERE expires <= ?`
)
