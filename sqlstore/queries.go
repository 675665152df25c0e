package sqlstore

import "github.com/jmoiron/sqlx"

// queries holds every statement the store runs, rebound to the dialect's
// placeholders once, at construction. Keeping all SQL here (one file per
// concern: queries_user.go, queries_token.go, queries_refresh.go,
// queries_session.go) lets another table layout, such as an existing
// Django database, be added as an alternative set of queries without
// touching the Store methods or core.
type queries struct {
	// insertUserReturnsID is true when insertUser ends in RETURNING id
	// (PostgreSQL, whose driver has no LastInsertId).
	insertUserReturnsID bool

	insertUser          string
	userByID            string
	userByUsernameKey   string
	userByEmailKey      string
	usernameKeyTaken    string
	userExists          string
	passwordByID        string
	updateProfile       string
	setPassword         string
	upgradePasswordHash string
	setActive           string
	setEmailVerified    string
	setStaff            string
	recordLogin         string

	insertToken      string
	userByToken      string
	deleteToken      string
	deleteUserTokens string

	insertRefreshFamily        string
	insertRefreshToken         string
	consumeRefreshToken        string
	addRefreshToken            string
	refreshTokenByJTI          string
	refreshFamilyByID          string
	userByRefreshFamily        string
	revokeRefreshFamily        string
	revokeUserRefreshFamilies  string
	deleteExpiredRefreshTokens string
	deleteEmptyRefreshFamilies string

	sessionData           string
	insertSession         string
	updateSession         string
	sessionLive           string
	deleteSession         string
	deleteExpiredSessions string

	throttleUpsert, throttleCount, throttlePrune string
}

// newQueries returns the native restauth_* layout for d.
func newQueries(d Dialect) queries {
	bind := func(q string) string { return sqlx.Rebind(d.bindType(), q) }
	q := queries{insertUserReturnsID: d == Postgres}
	q.insertUser = bind(sqlInsertUser)
	if q.insertUserReturnsID {
		q.insertUser += " RETURNING id"
	}
	q.userByID = bind(sqlUserByID)
	q.userByUsernameKey = bind(sqlUserByUsernameKey)
	q.userByEmailKey = bind(sqlUserByEmailKey)
	q.usernameKeyTaken = bind(sqlUsernameKeyTaken)
	q.userExists = bind(sqlUserExists)
	q.passwordByID = bind(sqlPasswordByID)
	q.updateProfile = bind(sqlUpdateProfile)
	q.setPassword = bind(sqlSetPassword)
	q.upgradePasswordHash = bind(sqlUpgradePasswordHash)
	q.setActive = bind(sqlSetActive)
	q.setEmailVerified = bind(sqlSetEmailVerified)
	q.setStaff = bind(sqlSetStaff)
	q.recordLogin = bind(sqlRecordLogin)
	q.insertToken = bind(sqlInsertToken)
	q.userByToken = bind(sqlUserByToken)
	q.deleteToken = bind(sqlDeleteToken)
	q.deleteUserTokens = bind(sqlDeleteUserTokens)
	q.insertRefreshFamily = bind(sqlInsertRefreshFamily)
	q.insertRefreshToken = bind(sqlInsertRefreshToken)
	q.consumeRefreshToken = bind(sqlConsumeRefreshToken)
	q.addRefreshToken = bind(sqlAddRefreshToken)
	q.refreshTokenByJTI = bind(sqlRefreshTokenByJTI)
	q.refreshFamilyByID = bind(sqlRefreshFamilyByID)
	q.userByRefreshFamily = bind(sqlUserByRefreshFamily)
	q.revokeRefreshFamily = bind(sqlRevokeRefreshFamily)
	q.revokeUserRefreshFamilies = bind(sqlRevokeUserRefreshFamilies)
	q.deleteExpiredRefreshTokens = bind(sqlDeleteExpiredRefreshTokens)
	q.deleteEmptyRefreshFamilies = bind(sqlDeleteEmptyRefreshFamilies)
	q.sessionData = bind(sqlSessionData)
	q.insertSession = bind(sqlInsertSession)
	q.updateSession = bind(sqlUpdateSession)
	q.sessionLive = bind(sqlSessionLive)
	q.deleteSession = bind(sqlDeleteSession)
	q.deleteExpiredSessions = bind(sqlDeleteExpiredSessions)
	q.throttleUpsert = bind(sqlThrottleUpsert)
	if d == MySQL {
		q.throttleUpsert = bind(sqlThrottleUpsertMySQL)
	}
	q.throttleCount = bind(sqlThrottleCount)
	q.throttlePrune = bind(sqlThrottlePrune)
	return q
}
