package sqlstore

// Statements on restauth_token, written with "?" placeholders (rebound per
// dialect). Digests are compared by equality only.

const (
	sqlInsertToken = `INSERT INTO restauth_token (digest, user_id, created, expires) VALUES (?, ?, ?, ?)`

	// sqlUserByToken returns the token and its owner in one round trip.
	sqlUserByToken = `SELECT ` + userColumns + `,
	t.digest AS t_digest, t.user_id AS t_user_id, t.created AS t_created, t.expires AS t_expires
	FROM restauth_token t JOIN restauth_user u ON u.id = t.user_id
	WHERE t.digest = ?`

	sqlDeleteToken = `DELETE FROM restauth_token WHERE digest = ?`

	sqlDeleteUserTokens = `DELETE FROM restauth_token WHERE user_id = ? AND digest <> ?`
)
