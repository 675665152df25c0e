package sqlstore

// Statements on restauth_user, written with "?" placeholders (rebound per
// dialect). Usernames and emails are only ever compared through the
// *_key columns, by equality: never LIKE, never a collation.

// userColumns lists the columns scanned into userRow, qualified by the
// table alias u.
const userColumns = `u.id, u.username, u.email, u.first_name, u.last_name, u.password,
	u.is_active, u.email_verified, u.is_staff, u.is_superuser, u.date_joined, u.last_login, u.token_epoch`

const (
	sqlInsertUser = `INSERT INTO restauth_user
	(username, username_key, email, email_key, password, first_name, last_name,
	 is_active, email_verified, is_staff, is_superuser, date_joined, last_login, token_epoch)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	sqlUserByID          = `SELECT ` + userColumns + ` FROM restauth_user u WHERE u.id = ?`
	sqlUserByUsernameKey = `SELECT ` + userColumns + ` FROM restauth_user u WHERE u.username_key = ?`
	sqlUserByEmailKey    = `SELECT ` + userColumns + ` FROM restauth_user u WHERE u.email_key = ?`

	sqlUsernameKeyTaken = `SELECT COUNT(*) FROM restauth_user WHERE username_key = ?`
	sqlUserExists       = `SELECT COUNT(*) FROM restauth_user WHERE id = ?`
	sqlPasswordByID     = `SELECT password FROM restauth_user WHERE id = ?`

	sqlUpdateProfile = `UPDATE restauth_user
	SET username = ?, username_key = ?, first_name = ?, last_name = ? WHERE id = ?`

	sqlSetPassword = `UPDATE restauth_user
	SET password = ?, token_epoch = token_epoch + 1 WHERE id = ?`

	sqlUpgradePasswordHash = `UPDATE restauth_user SET password = ? WHERE id = ? AND password = ?`

	// The second parameter is 1 when deactivating, 0 otherwise.
	sqlSetActive = `UPDATE restauth_user
	SET is_active = ?, token_epoch = token_epoch + ? WHERE id = ?`

	sqlSetEmailVerified = `UPDATE restauth_user SET email_verified = ? WHERE id = ?`

	sqlSetStaff = `UPDATE restauth_user SET is_staff = ?, is_superuser = ? WHERE id = ?`

	sqlRecordLogin = `UPDATE restauth_user SET last_login = ? WHERE id = ?`
)
