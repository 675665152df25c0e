package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// Users on Django's auth_user, with allauth's account_emailaddress for
// verification and email uniqueness.
//
// Mapping (docs/django.md lists every difference from restauth's own
// schema):
//
//   - User.EmailVerified is true when an account_emailaddress row of the
//     user holds exactly the user's auth_user.email and is verified:
//     dj-rest-auth's check (emailaddress_set.filter(email=user.email,
//     verified=True).exists()), whatever the primary flag says.
//   - User.TokenEpoch is always 0: Django has no such column. Django binds
//     sessions to the password hash instead (the session auth hash), so a
//     password change ends them; SetPassword and SetActive move no epoch,
//     and stateless credentials of a deactivated user are refused by the
//     IsActive check core makes at every authentication.
//   - Usernames: Django's unique index is case-sensitive on SQLite and
//     PostgreSQL (case-insensitive on MySQL's _ci collations); restauth's
//     rule (core.CanonicalUsername) is case-insensitive, as allauth's
//     login (username__iexact). UserByUsername tries the exact username
//     first, then a case-insensitive match confirmed in Go; CreateUser and
//     UpdateProfile refuse a username that differs from another one only
//     by case. The SQL side of the case-insensitive match compares
//     LOWER(column) with LOWER() of two spellings, the value as given and
//     its canonical key, and Go keeps the rows whose canonical key is the
//     value's. LOWER() folds ASCII only on SQLite (and on PostgreSQL
//     databases whose LC_CTYPE is C), and no LOWER() folds "ß" to "ss":
//     a stored spelling whose LOWER() is neither of the two is not found
//     (allauth's iexact, UPPER() or LIKE, has the same limits). The same
//     holds for emails, whose canonical key also decodes IDN A-labels: a
//     stored "xn--" domain is found by its own spelling only.
//   - Emails are unique through allauth's account_emailaddress.email (a
//     UNIQUE column): CreateUser writes the user's address there, and an
//     address held by any user, in account_emailaddress or in
//     auth_user.email, compared case-insensitively, is taken.
//
// Password hashes are limited to Django's varchar(128).

// djangoMaxPasswordHash is the size of auth_user.password.
const djangoMaxPasswordHash = 128

// djangoUserColumns lists the columns scanned into djangoUserRow, from
// auth_user aliased u. EmailVerified is dj-rest-auth's check, a subquery
// on account_emailaddress aliased ve (free for the caller's own joins).
const djangoUserColumns = `u.id, u.username, u.email, u.first_name, u.last_name, u.password,
	u.is_active, EXISTS (SELECT 1 FROM account_emailaddress ve
		WHERE ve.user_id = u.id AND ve.email = u.email AND ve.verified) AS email_verified,
	u.is_staff, u.is_superuser, u.date_joined, u.last_login`

// djangoUserColumnCount is how many columns djangoUserColumns lists.
const djangoUserColumnCount = 12

// djangoUserRow is an auth_user row read through djangoUserColumns. The
// other Django files (refresh, sessions) scan users with it too.
type djangoUserRow struct {
	ID            int64
	Username      string
	Email         string
	FirstName     string
	LastName      string
	Password      string
	IsActive      bool
	EmailVerified bool
	IsStaff       bool
	IsSuperuser   bool
	DateJoined    djangoTime
	LastLogin     djangoTime
}

// appendDest appends pointers to the fields of r in djangoUserColumns
// order.
func (r *djangoUserRow) appendDest(d []any) []any {
	return append(d, &r.ID, &r.Username, &r.Email, &r.FirstName, &r.LastName, &r.Password,
		&r.IsActive, &r.EmailVerified, &r.IsStaff, &r.IsSuperuser, &r.DateJoined, &r.LastLogin)
}

// dest returns pointers to the fields of r in djangoUserColumns order.
func (r *djangoUserRow) dest() []any {
	return r.appendDest(make([]any, 0, djangoUserColumnCount))
}

// user converts the row to a fresh core.User (TokenEpoch 0).
func (r *djangoUserRow) user() *core.User {
	return &core.User{
		ID:            r.ID,
		Username:      r.Username,
		Email:         r.Email,
		FirstName:     r.FirstName,
		LastName:      r.LastName,
		PasswordHash:  r.Password,
		IsActive:      r.IsActive,
		EmailVerified: r.EmailVerified,
		IsStaff:       r.IsStaff,
		IsSuperuser:   r.IsSuperuser,
		DateJoined:    r.DateJoined.Time,
		LastLogin:     r.LastLogin.Time,
	}
}

// djangoUserQueries are the statements on auth_user, account_emailaddress
// and authtoken_token, rebound for the dialect.
type djangoUserQueries struct {
	// insertUserReturnsID: insertUser ends in RETURNING id (PostgreSQL).
	insertUserReturnsID bool

	userByID            string
	userByUsername      string // exact
	usersByUsernameFold string // LOWER() = LOWER(), ordered by id
	usersByEmailFold    string // allauth's lookup: user columns, then the matched address
	usernamesFold       string // id, username of LOWER() matches
	emailsFold          string // addresses matching LOWER(), in both tables
	userExists          string
	passwordByID        string
	emailByID           string

	insertUser          string
	insertEmailAddress  string
	updateProfile       string
	setPassword         string
	upgradePasswordHash string
	setActive           string
	setStaff            string
	recordLogin         string

	setAddressVerified string // verified, user, email
	addressExists      string // user, email
	userHasPrimary     string // user
	emailAddressID     string // user
	emailAddresses     string // user
	userByAddressID    string // address id

	deleteTokens            string
	deleteConfirmations     string
	deleteAddresses         string
	deleteSocialTokens      string
	deleteSocialAccounts    string
	nullOutstandingTokens   string
	deleteUserGroups        string
	deleteUserPermissions   string
	deleteAdminLog          string
	deleteRefreshTokens     string
	deleteRefreshFamilies   string
	deleteUser              string
	pgLock                  string
	tableExists             string
	tokenKeyOfUser          string
	tokenKeyOfUserForUpdate string
	insertTokenIfAbsent     string
	userByTokenKey          string
	deleteTokenKey          string
	deleteTokenKeyOfUser    string
}

// djangoQuote quotes a column name that is a keyword (key, primary) for
// d: backticks on MySQL (no ANSI_QUOTES), double quotes elsewhere.
func djangoQuote(d Dialect, name string) string {
	if d == MySQL {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

// newDjangoUserQueries returns the user, email-address and DRF-token
// statements of the Django schema for d.
func newDjangoUserQueries(d Dialect) djangoUserQueries {
	bind := func(q string) string { return sqlx.Rebind(d.bindType(), q) }
	key, primary := djangoQuote(d, "key"), djangoQuote(d, "primary")
	q := djangoUserQueries{insertUserReturnsID: d == Postgres}

	q.userByID = bind(`SELECT ` + djangoUserColumns + ` FROM auth_user u WHERE u.id = ?`)
	q.userByUsername = bind(`SELECT ` + djangoUserColumns + ` FROM auth_user u WHERE u.username = ? ORDER BY u.id`)
	// The case-insensitive lookups take two spellings (foldArgs): the
	// value as given and its canonical key.
	q.usersByUsernameFold = bind(`SELECT ` + djangoUserColumns + ` FROM auth_user u
		WHERE LOWER(u.username) IN (LOWER(?), LOWER(?)) ORDER BY u.id`)
	q.usersByEmailFold = bind(`SELECT ` + djangoUserColumns + `, e.email FROM auth_user u
		JOIN account_emailaddress e ON e.user_id = u.id WHERE LOWER(e.email) IN (LOWER(?), LOWER(?))
		UNION ALL
		SELECT ` + djangoUserColumns + `, u.email FROM auth_user u WHERE LOWER(u.email) IN (LOWER(?), LOWER(?))
		ORDER BY 1`)
	q.usernamesFold = bind(`SELECT id, username FROM auth_user WHERE LOWER(username) IN (LOWER(?), LOWER(?))`)
	q.emailsFold = bind(`SELECT email FROM account_emailaddress WHERE LOWER(email) IN (LOWER(?), LOWER(?))
		UNION ALL SELECT email FROM auth_user WHERE LOWER(email) IN (LOWER(?), LOWER(?))`)
	q.userExists = bind(`SELECT COUNT(*) FROM auth_user WHERE id = ?`)
	q.passwordByID = bind(`SELECT password FROM auth_user WHERE id = ?`)
	q.emailByID = bind(`SELECT email FROM auth_user WHERE id = ?`)

	q.insertUser = bind(`INSERT INTO auth_user
		(password, last_login, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if q.insertUserReturnsID {
		q.insertUser += " RETURNING id"
	}
	q.insertEmailAddress = bind(`INSERT INTO account_emailaddress (email, verified, ` + primary + `, user_id)
		VALUES (?, ?, ?, ?)`)
	q.updateProfile = bind(`UPDATE auth_user SET username = ?, first_name = ?, last_name = ? WHERE id = ?`)
	q.setPassword = bind(`UPDATE auth_user SET password = ? WHERE id = ?`)
	q.upgradePasswordHash = bind(`UPDATE auth_user SET password = ? WHERE id = ? AND password = ?`)
	q.setActive = bind(`UPDATE auth_user SET is_active = ? WHERE id = ?`)
	q.setStaff = bind(`UPDATE auth_user SET is_staff = ?, is_superuser = ? WHERE id = ?`)
	q.recordLogin = bind(`UPDATE auth_user SET last_login = ? WHERE id = ?`)

	q.setAddressVerified = bind(`UPDATE account_emailaddress SET verified = ? WHERE user_id = ? AND email = ?`)
	q.addressExists = bind(`SELECT COUNT(*) FROM account_emailaddress WHERE user_id = ? AND email = ?`)
	q.userHasPrimary = bind(`SELECT COUNT(*) FROM account_emailaddress WHERE user_id = ? AND ` + primary)
	q.emailAddresses = bind(`SELECT email FROM account_emailaddress WHERE user_id = ?`)
	q.emailAddressID = bind(`SELECT e.id FROM account_emailaddress e JOIN auth_user u ON u.id = e.user_id
		WHERE u.id = ? AND u.email <> '' AND e.email = u.email ORDER BY e.id`)
	q.userByAddressID = bind(`SELECT ` + djangoUserColumns + ` FROM account_emailaddress e
		JOIN auth_user u ON u.id = e.user_id WHERE e.id = ? AND u.email <> '' AND e.email = u.email`)

	q.deleteTokens = bind(`DELETE FROM authtoken_token WHERE user_id = ?`)
	q.deleteConfirmations = bind(`DELETE FROM account_emailconfirmation
		WHERE email_address_id IN (SELECT id FROM account_emailaddress WHERE user_id = ?)`)
	q.deleteAddresses = bind(`DELETE FROM account_emailaddress WHERE user_id = ?`)
	q.deleteSocialTokens = bind(`DELETE FROM socialaccount_socialtoken
		WHERE account_id IN (SELECT id FROM socialaccount_socialaccount WHERE user_id = ?)`)
	q.deleteSocialAccounts = bind(`DELETE FROM socialaccount_socialaccount WHERE user_id = ?`)
	q.nullOutstandingTokens = bind(`UPDATE token_blacklist_outstandingtoken SET user_id = NULL WHERE user_id = ?`)
	q.deleteUserGroups = bind(`DELETE FROM auth_user_groups WHERE user_id = ?`)
	q.deleteUserPermissions = bind(`DELETE FROM auth_user_user_permissions WHERE user_id = ?`)
	q.deleteAdminLog = bind(`DELETE FROM django_admin_log WHERE user_id = ?`)
	q.deleteRefreshTokens = bind(`DELETE FROM restauth_refresh_token WHERE user_id = ?`)
	q.deleteRefreshFamilies = bind(`DELETE FROM restauth_refresh_family WHERE user_id = ?`)
	q.deleteUser = bind(`DELETE FROM auth_user WHERE id = ?`)
	q.pgLock = `SELECT pg_advisory_xact_lock($1)`
	switch d {
	case SQLite:
		q.tableExists = `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	case Postgres:
		q.tableExists = `SELECT COUNT(*) FROM (SELECT to_regclass($1) AS t) r WHERE r.t IS NOT NULL`
	default:
		q.tableExists = `SELECT COUNT(*) FROM information_schema.tables
			WHERE table_schema = DATABASE() AND table_name = ?`
	}

	// DRF tokens (django_tokens.go).
	q.tokenKeyOfUser = bind(`SELECT ` + key + ` FROM authtoken_token WHERE user_id = ?`)
	q.tokenKeyOfUserForUpdate = q.tokenKeyOfUser
	if d != SQLite { // SQLite's writer holds the database lock already
		q.tokenKeyOfUserForUpdate += " FOR UPDATE"
	}
	if d == MySQL {
		q.insertTokenIfAbsent = bind(`INSERT INTO authtoken_token (` + key + `, created, user_id) VALUES (?, ?, ?)
			ON DUPLICATE KEY UPDATE user_id = user_id`)
	} else {
		q.insertTokenIfAbsent = bind(`INSERT INTO authtoken_token (` + key + `, created, user_id) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`)
	}
	q.userByTokenKey = bind(`SELECT ` + djangoUserColumns + `, t.` + key + `, t.user_id, t.created
		FROM authtoken_token t JOIN auth_user u ON u.id = t.user_id WHERE t.` + key + ` = ?`)
	exactKey := ""
	if d == MySQL { // the _ci collation compares keys case-insensitively
		exactKey = ` AND CAST(` + key + ` AS BINARY) = CAST(? AS BINARY)`
	}
	q.deleteTokenKey = bind(`DELETE FROM authtoken_token WHERE ` + key + ` = ?` + exactKey)
	q.deleteTokenKeyOfUser = bind(`DELETE FROM authtoken_token WHERE user_id = ? AND ` + key + ` = ?` + exactKey)
	return q
}

var (
	_ core.UserStore         = (*DjangoStore)(nil)
	_ core.StaffStore        = (*DjangoStore)(nil)
	_ core.EmailAddressStore = (*DjangoStore)(nil)
)

// lookup is queryRow for a row that may be missing: no row is
// core.ErrNotFound, and any other error is a djangoErr for op.
func (d *DjangoStore) lookup(ctx context.Context, op string, query string, args []any, dest ...any) error {
	return lookupErr(d.s.queryRow(ctx, query, args, dest...), op, djangoErr)
}

// djangoErr wraps a database error of operation op (core.ErrUnavailable,
// see wrap) unless it already is a contract error.
func djangoErr(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, core.ErrNotFound) || errors.Is(err, core.ErrUsernameTaken) ||
		errors.Is(err, core.ErrEmailTaken) || errors.Is(err, core.ErrInvalidValue) {
		return err
	}
	return wrapOnce("django: "+op, err)
}

// getUser runs a single-user query; no row is core.ErrNotFound.
func (d *DjangoStore) getUser(ctx context.Context, op, query string, args ...any) (*core.User, error) {
	var r djangoUserRow
	if err := d.lookup(ctx, op, query, args, r.dest()...); err != nil {
		return nil, err
	}
	return r.user(), nil
}

// queryUsers runs a query of djangoUserColumns followed by extra columns
// (scanned as strings), returning the users and, per row, the extras.
func (d *DjangoStore) queryUsers(ctx context.Context, ex sqlx.QueryerContext, query string, extra int, args ...any) ([]*core.User, [][]string, error) {
	rows, err := ex.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var users []*core.User
	var extras [][]string
	for rows.Next() {
		var r djangoUserRow
		more := make([]string, extra)
		dest := r.dest()
		for i := range more {
			dest = append(dest, &more[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		users = append(users, r.user())
		extras = append(extras, more)
	}
	return users, extras, rows.Err()
}

// UserByID implements core.UserStore.
func (d *DjangoStore) UserByID(ctx context.Context, id int64) (*core.User, error) {
	return d.getUser(ctx, "user by id", d.q.users.userByID, id)
}

// UserByUsername implements core.UserStore the way allauth logs users
// in: the user whose username is exactly username if there is one;
// otherwise the one user whose username equals it case-insensitively
// (core.CanonicalUsername). When several users differ from username only
// by case (Django allows it on SQLite and PostgreSQL) and none matches
// exactly, the lookup is ambiguous and returns core.ErrNotFound.
func (d *DjangoStore) UserByUsername(ctx context.Context, username string) (*core.User, error) {
	const op = "user by username"
	if err := ctx.Err(); err != nil {
		return nil, djangoErr(op, err)
	}
	if !storekit.Storable(username, core.MaxUsernameLength) {
		return nil, core.ErrNotFound
	}
	u, err := d.getUser(ctx, op, d.q.users.userByUsername, username)
	if err == nil && u.Username == username { // MySQL's _ci may match another spelling
		return u, nil
	}
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return nil, err
	}
	key := core.CanonicalUsername(username)
	users, _, err := d.queryUsers(ctx, d.s.db, d.q.users.usersByUsernameFold, 0, core.NormalizeUsername(username), key)
	if err != nil {
		return nil, djangoErr(op, err)
	}
	var found *core.User
	for _, u := range users {
		if core.CanonicalUsername(u.Username) != key {
			continue
		}
		if found != nil {
			return nil, core.ErrNotFound // ambiguous: two users differ only by case
		}
		found = u
	}
	if found == nil {
		return nil, core.ErrNotFound
	}
	return found, nil
}

// UserByEmail implements core.UserStore with allauth's lookup: the users
// that hold the address, compared case-insensitively
// (core.CanonicalEmail), as an account_emailaddress row (a secondary
// address too) or as auth_user.email; the lowest id wins when several
// do (a Django database may have duplicates that allauth did not write).
// An empty email never matches.
func (d *DjangoStore) UserByEmail(ctx context.Context, email string) (*core.User, error) {
	const op = "user by email"
	if err := ctx.Err(); err != nil {
		return nil, djangoErr(op, err)
	}
	key := core.CanonicalEmail(email)
	if key == "" || !storekit.Storable(email, core.MaxKeyLength) {
		return nil, core.ErrNotFound
	}
	trimmed := strings.TrimSpace(email)
	users, matched, err := d.queryUsers(ctx, d.s.db, d.q.users.usersByEmailFold, 1, trimmed, key, trimmed, key)
	if err != nil {
		return nil, djangoErr(op, err)
	}
	var found *core.User
	for i, u := range users {
		if core.CanonicalEmail(matched[i][0]) == key && (found == nil || u.ID < found.ID) {
			found = u
		}
	}
	if found == nil {
		return nil, core.ErrNotFound
	}
	return found, nil
}

// checkDjangoUser checks the stored fields of u against core's limits and
// Django's column sizes; it returns the canonical keys.
func checkDjangoUser(u *core.User) (usernameKey, emailKey string, err error) {
	usernameKey, emailKey, err = storekit.UserKeys(u)
	if err != nil {
		return "", "", err
	}
	return usernameKey, emailKey, checkDjangoPassword(u.PasswordHash)
}

// checkDjangoPassword refuses a hash longer than auth_user.password.
func checkDjangoPassword(hash string) error {
	return storekit.CheckText(storekit.TextField{Name: "password", Value: hash, Max: djangoMaxPasswordHash})
}

// lockKeys serialises, on PostgreSQL, the writers of one canonical
// username or email for the rest of the transaction (advisory locks keyed
// by a hash of the key), so that the case-insensitive checks before an
// insert cannot both pass for two concurrent writers. SQLite serialises
// writers already (BEGIN IMMEDIATE); on MySQL, the _ci unique indexes of
// auth_user.username and account_emailaddress.email refuse the second
// writer. Keys are locked in the order given; callers give the username
// first.
func (d *DjangoStore) lockKeys(ctx context.Context, ex execQueryer, keys ...string) error {
	if d.s.dialect != Postgres {
		return nil
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte("restauth django\x00" + k)) // never fails
		if _, err := ex.ExecContext(ctx, d.q.users.pgLock, int64(h.Sum64())); err != nil {
			return err
		}
	}
	return nil
}

// usernameTaken reports whether a user other than self (0: any) holds a
// username whose canonical key is key.
func (d *DjangoStore) usernameTaken(ctx context.Context, ex execQueryer, username, key string, self int64) (bool, error) {
	rows, err := ex.QueryxContext(ctx, d.q.users.usernamesFold, core.NormalizeUsername(username), key)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	taken := false
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return false, err
		}
		if id != self && core.CanonicalUsername(name) == key {
			taken = true
		}
	}
	return taken, rows.Err()
}

// emailTaken reports whether any user holds an address whose canonical
// key is key, in account_emailaddress or auth_user.email.
func (d *DjangoStore) emailTaken(ctx context.Context, ex execQueryer, email, key string) (bool, error) {
	trimmed := strings.TrimSpace(email)
	rows, err := ex.QueryxContext(ctx, d.q.users.emailsFold, trimmed, key, trimmed, key)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	taken := false
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return false, err
		}
		if core.CanonicalEmail(e) == key {
			taken = true
		}
	}
	return taken, rows.Err()
}

// CreateUser implements core.UserStore, writing the rows Django and
// allauth would: auth_user, and, for a non-empty email, an
// account_emailaddress row (verified = u.EmailVerified, primary), in one
// transaction. It returns core.ErrUsernameTaken when another user's
// username equals u.Username case-insensitively, then core.ErrEmailTaken
// when the address is held by any user (account_emailaddress or
// auth_user.email, case-insensitively); unique violations lost to a
// concurrent writer map to the same errors. A zero DateJoined is stored
// as 0001-01-01 00:00:00 UTC, a zero LastLogin as NULL.
func (d *DjangoStore) CreateUser(ctx context.Context, u *core.User) error {
	const op = "create user"
	usernameKey, emailKey, err := checkDjangoUser(u)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return djangoErr(op, err)
	}
	dl := d.s.dialect
	var id int64
	err = d.s.inTx(ctx, op, nil, func(ex execQueryer) error {
		if err := d.lockKeys(ctx, ex, "username:"+usernameKey, "email:"+emailKey); err != nil {
			return err
		}
		if taken, err := d.usernameTaken(ctx, ex, u.Username, usernameKey, 0); err != nil || taken {
			return takenOr(core.ErrUsernameTaken, taken, err)
		}
		if emailKey != "" {
			if taken, err := d.emailTaken(ctx, ex, u.Email, emailKey); err != nil || taken {
				return takenOr(core.ErrEmailTaken, taken, err)
			}
		}
		args := []any{u.PasswordHash, djangoTimeValue{dl, u.LastLogin}, u.IsSuperuser, u.Username,
			u.FirstName, u.LastName, u.Email, u.IsStaff, u.IsActive, djangoTimeArg(dl, u.DateJoined)}
		var err error
		if d.q.users.insertUserReturnsID {
			err = ex.QueryRowxContext(ctx, d.q.users.insertUser, args...).Scan(&id)
		} else {
			var res sql.Result
			if res, err = ex.ExecContext(ctx, d.q.users.insertUser, args...); err == nil {
				id, err = res.LastInsertId()
			}
		}
		if err != nil {
			if d.isUnique(err) {
				return core.ErrUsernameTaken // auth_user's only unique key
			}
			return err
		}
		if u.Email == "" {
			return nil
		}
		if _, err := ex.ExecContext(ctx, d.q.users.insertEmailAddress, u.Email, u.EmailVerified, true, id); err != nil {
			if d.isUnique(err) {
				return core.ErrEmailTaken // account_emailaddress.email, its only unique key
			}
			return err
		}
		return nil
	})
	if err != nil {
		return d.commitErr(op, err)
	}
	u.ID = id
	return nil
}

// isUnique reports a unique-key violation, whatever the key's name (the
// callers know which key their statement can violate).
func (d *DjangoStore) isUnique(err error) bool {
	kind, _ := d.s.driver.Classify(err)
	return kind == UniqueViolation
}

// takenOr returns sentinel when taken, else err.
func takenOr(sentinel error, taken bool, err error) error {
	if taken {
		return sentinel
	}
	return err
}

// commitErr maps an error of a Django write: contract errors as they
// are; a unique violation surfacing at commit (deferred constraints) as
// taken; anything else wrapped.
func (d *DjangoStore) commitErr(op string, err error) error {
	if errors.Is(err, core.ErrNotFound) || errors.Is(err, core.ErrUsernameTaken) ||
		errors.Is(err, core.ErrEmailTaken) || errors.Is(err, core.ErrInvalidValue) {
		return err
	}
	return djangoErr(op, err)
}

// UpdateProfile implements core.UserStore: username, first and last name.
// It returns core.ErrUsernameTaken when another user's username equals the
// new one case-insensitively.
func (d *DjangoStore) UpdateProfile(ctx context.Context, u *core.User) error {
	const op = "update profile"
	key := core.CanonicalUsername(u.Username)
	if err := storekit.CheckText(
		storekit.TextField{Name: "username", Value: u.Username, Max: core.MaxUsernameLength},
		storekit.TextField{Name: "username key", Value: key, Max: core.MaxKeyLength},
		storekit.TextField{Name: "first name", Value: u.FirstName, Max: core.MaxNameLength},
		storekit.TextField{Name: "last name", Value: u.LastName, Max: core.MaxNameLength},
	); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return djangoErr(op, err)
	}
	err := d.s.inTx(ctx, op, nil, func(ex execQueryer) error {
		if err := d.lockKeys(ctx, ex, "username:"+key); err != nil {
			return err
		}
		if taken, err := d.usernameTaken(ctx, ex, u.Username, key, u.ID); err != nil || taken {
			return takenOr(core.ErrUsernameTaken, taken, err)
		}
		res, err := ex.ExecContext(ctx, d.q.users.updateProfile, u.Username, u.FirstName, u.LastName, u.ID)
		if err != nil {
			if d.isUnique(err) {
				return core.ErrUsernameTaken
			}
			return err
		}
		return d.matched(ctx, ex, res, u.ID)
	})
	return d.commitErr(op, err)
}

// matched returns core.ErrNotFound unless an UPDATE matched user id (on
// MySQL without clientFoundRows, zero changed rows is confirmed with a
// second query).
func (d *DjangoStore) matched(ctx context.Context, ex execQueryer, res sql.Result, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if d.s.dialect != MySQL {
		return core.ErrNotFound
	}
	return d.userMustExist(ctx, ex, id)
}

// userMustExist returns core.ErrNotFound unless user id exists.
func (d *DjangoStore) userMustExist(ctx context.Context, ex execQueryer, id int64) error {
	var n int64
	if err := sqlx.GetContext(ctx, ex, &n, d.q.users.userExists, id); err != nil {
		return err
	}
	if n == 0 {
		return core.ErrNotFound
	}
	return nil
}

// updateUser runs a one-statement UPDATE of user id on the pool.
func (d *DjangoStore) updateUser(ctx context.Context, op, query string, id int64, args ...any) error {
	res, err := d.s.exec(ctx, query, append(args, id)...)
	if err == nil {
		err = d.matched(ctx, d.s.db, res, id)
	}
	return djangoErr(op, err)
}

// SetPassword implements core.UserStore. TokenEpoch does not move (Django
// has none): Django's session auth hash, an HMAC of the password hash,
// ends the user's sessions instead.
func (d *DjangoStore) SetPassword(ctx context.Context, id int64, hash string) error {
	if err := checkDjangoPassword(hash); err != nil {
		return err
	}
	return d.updateUser(ctx, "set password", d.q.users.setPassword, id, hash)
}

// UpgradePasswordHash implements core.UserStore as a compare-and-swap in
// one UPDATE … WHERE password = oldHash.
func (d *DjangoStore) UpgradePasswordHash(ctx context.Context, id int64, oldHash, newHash string) (bool, error) {
	const op = "upgrade password hash"
	if err := checkDjangoPassword(newHash); err != nil {
		return false, err
	}
	if storekit.Storable(oldHash, djangoMaxPasswordHash) {
		res, err := d.s.exec(ctx, d.q.users.upgradePasswordHash, newHash, id, oldHash)
		if err != nil {
			return false, djangoErr(op, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, djangoErr(op, err)
		}
		if n > 0 {
			return true, nil
		}
	}
	var current string
	if err := d.s.db.GetContext(ctx, &current, d.q.users.passwordByID, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, core.ErrNotFound
		}
		return false, djangoErr(op, err)
	}
	return oldHash == newHash && current == newHash, nil
}

// SetActive implements core.UserStore. TokenEpoch does not move (Django
// has none): every authentication checks IsActive.
func (d *DjangoStore) SetActive(ctx context.Context, id int64, active bool) error {
	return d.updateUser(ctx, "set active", d.q.users.setActive, id, active)
}

// SetStaff implements core.StaffStore.
func (d *DjangoStore) SetStaff(ctx context.Context, id int64, staff, superuser bool) error {
	return d.updateUser(ctx, "set staff", d.q.users.setStaff, id, staff, superuser)
}

// RecordLogin implements core.UserStore: auth_user.last_login.
func (d *DjangoStore) RecordLogin(ctx context.Context, id int64, at time.Time) error {
	return d.updateUser(ctx, "record login", d.q.users.recordLogin, id, djangoTimeValue{d.s.dialect, at})
}

// SetEmailVerified implements core.UserStore on allauth's rows: the
// account_emailaddress row of the user holding exactly its current email
// gets verified; when there is none and verified is true, one is
// inserted (primary if the user has no primary address). A user without
// an email has nothing to verify: nil, and EmailVerified stays false. If
// another user holds the address in account_emailaddress (possible only
// in a database restauth did not write), the error wraps
// core.ErrEmailTaken.
func (d *DjangoStore) SetEmailVerified(ctx context.Context, id int64, verified bool) error {
	const op = "set email verified"
	if err := ctx.Err(); err != nil {
		return djangoErr(op, err)
	}
	err := d.s.inTx(ctx, op, nil, func(ex execQueryer) error {
		var email string
		if err := sqlx.GetContext(ctx, ex, &email, d.q.users.emailByID, id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return core.ErrNotFound
			}
			return err
		}
		if email == "" {
			return nil
		}
		if _, err := ex.ExecContext(ctx, d.q.users.setAddressVerified, verified, id, email); err != nil {
			return err
		}
		if !verified {
			return nil
		}
		var n int64
		if err := sqlx.GetContext(ctx, ex, &n, d.q.users.addressExists, id, email); err != nil || n > 0 {
			return err
		}
		if err := sqlx.GetContext(ctx, ex, &n, d.q.users.userHasPrimary, id); err != nil {
			return err
		}
		if _, err := ex.ExecContext(ctx, d.q.users.insertEmailAddress, email, true, n == 0, id); err != nil {
			if d.isUnique(err) {
				return fmt.Errorf("sqlstore: %s: another user's account_emailaddress row holds the address: %w", op, core.ErrEmailTaken)
			}
			return err
		}
		return nil
	})
	return d.commitErr(op, err)
}

// EmailAddresses implements core.EmailAddressStore: the addresses of
// every account_emailaddress row of the user, which allauth's reset
// tokens are bound to.
func (d *DjangoStore) EmailAddresses(ctx context.Context, userID int64) ([]string, error) {
	var out []string
	if err := d.s.db.SelectContext(ctx, &out, d.q.users.emailAddresses, userID); err != nil {
		return nil, djangoErr("email addresses", err)
	}
	return out, nil
}

// EmailAddressID implements core.EmailAddressStore: the id of the user's
// account_emailaddress row holding its current email (the lowest, should
// a database hold several).
func (d *DjangoStore) EmailAddressID(ctx context.Context, userID int64) (int64, error) {
	var id int64
	if err := d.s.queryRow(ctx, d.q.users.emailAddressID, []any{userID}, &id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, core.ErrNotFound
		}
		return 0, djangoErr("email address id", err)
	}
	return id, nil
}

// UserByEmailAddressID implements core.EmailAddressStore: the owner of
// account_emailaddress row id, while that row holds the owner's current
// email.
func (d *DjangoStore) UserByEmailAddressID(ctx context.Context, id int64) (*core.User, error) {
	return d.getUser(ctx, "user by email address id", d.q.users.userByAddressID, id)
}

// DeleteUser implements core.UserStore the way Django's delete() cascades
// for the apps restauth knows, children first (Django's foreign keys are
// DEFERRABLE on SQLite and PostgreSQL, immediate on MySQL), in one
// transaction: the DRF token; the allauth addresses and their
// confirmations; the allauth social accounts and their tokens (when
// socialaccount is installed); group and permission links; admin log
// entries (when django.contrib.admin is installed); restauth's refresh
// families and tokens; then auth_user. SimpleJWT's outstanding tokens are
// kept with user_id NULL (Django's SET_NULL). A row of another app that
// still references the user makes the whole delete fail (an error
// wrapping core.ErrUnavailable), with nothing deleted; core deletes users
// only to undo a registration, which has none.
func (d *DjangoStore) DeleteUser(ctx context.Context, id int64) error {
	const op = "delete user"
	if err := ctx.Err(); err != nil {
		return djangoErr(op, err)
	}
	q := d.q.users
	err := d.s.inTx(ctx, op, nil, func(ex execQueryer) error {
		optional := map[string]bool{}
		for _, t := range []string{"socialaccount_socialtoken", "socialaccount_socialaccount", "django_admin_log"} {
			ok, err := d.tableExists(ctx, ex, t)
			if err != nil {
				return err
			}
			optional[t] = ok
		}
		steps := []string{q.deleteTokens, q.deleteConfirmations, q.deleteAddresses}
		if optional["socialaccount_socialtoken"] && optional["socialaccount_socialaccount"] {
			steps = append(steps, q.deleteSocialTokens)
		}
		if optional["socialaccount_socialaccount"] {
			steps = append(steps, q.deleteSocialAccounts)
		}
		steps = append(steps, q.nullOutstandingTokens, q.deleteUserGroups, q.deleteUserPermissions)
		if optional["django_admin_log"] {
			steps = append(steps, q.deleteAdminLog)
		}
		steps = append(steps, q.deleteRefreshTokens, q.deleteRefreshFamilies)
		for _, s := range steps {
			if _, err := ex.ExecContext(ctx, s, id); err != nil {
				return err
			}
		}
		res, err := ex.ExecContext(ctx, q.deleteUser, id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return core.ErrNotFound
		}
		return nil
	})
	if err != nil && d.s.classify(err) == foreignKey {
		return wrap(op, fmt.Errorf("user %d is still referenced by a table restauth does not know: %w", id, err))
	}
	return d.commitErr(op, err)
}

// tableExists reports whether the table name exists (on PostgreSQL: is
// visible through the search_path).
func (d *DjangoStore) tableExists(ctx context.Context, ex sqlx.QueryerContext, name string) (bool, error) {
	var n int64
	if err := sqlx.GetContext(ctx, ex, &n, d.q.users.tableExists, name); err != nil {
		return false, err
	}
	return n > 0, nil
}
