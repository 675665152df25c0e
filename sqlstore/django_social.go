package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// Social accounts on allauth's socialaccount_socialaccount (provider
// varchar(30), uid varchar(191), extra_data text holding a JSON object,
// last_login and date_joined NOT NULL, UNIQUE (provider, uid)), so that a
// provider identity linked on either side logs in to the same user on
// both. allauth's provider IDs are its own ("google", "github",
// "openid_connect"): mount restauth's providers under the same IDs for
// the links to be shared. allauth's OAuth tokens (socialaccount_socialtoken)
// are neither read nor written: restauth does not keep provider tokens.

// djangoMaxSocialProvider is the size of socialaccount_socialaccount.provider.
const djangoMaxSocialProvider = 30

var _ core.SocialAccountStore = (*DjangoStore)(nil)

// djangoSocialQueries are the statements on socialaccount_socialaccount.
type djangoSocialQueries struct {
	insert, byUID, byUser, record, exists, lockUser, idsOfUser, del string
}

// newDjangoSocialQueries builds them for d; on MySQL, whose _ci collation
// would match a uid of another case, keys are compared as bytes.
func newDjangoSocialQueries(d Dialect) djangoSocialQueries {
	bind := func(q string) string { return sqlx.Rebind(d.bindType(), q) }
	exact := `sa.provider = ? AND sa.uid = ?`
	if d == MySQL {
		exact = `CAST(sa.provider AS BINARY) = CAST(? AS BINARY) AND CAST(sa.uid AS BINARY) = CAST(? AS BINARY)`
	}
	const cols = `sa.id, sa.user_id, sa.provider, sa.uid, sa.extra_data, sa.last_login, sa.date_joined`
	q := djangoSocialQueries{
		insert: `INSERT INTO socialaccount_socialaccount (user_id, provider, uid, extra_data, last_login, date_joined)
	VALUES (?, ?, ?, ?, ?, ?)`,
		byUID: `SELECT ` + cols + `, ` + djangoUserColumns + `
	FROM socialaccount_socialaccount sa JOIN auth_user u ON u.id = sa.user_id WHERE ` + exact,
		byUser:    `SELECT ` + cols + ` FROM socialaccount_socialaccount sa WHERE sa.user_id = ? ORDER BY sa.id`,
		record:    `UPDATE socialaccount_socialaccount SET last_login = ?, extra_data = ? WHERE id = ?`,
		exists:    `SELECT COUNT(*) FROM socialaccount_socialaccount WHERE id = ?`,
		lockUser:  `SELECT id FROM auth_user WHERE id = ?`,
		idsOfUser: `SELECT id FROM socialaccount_socialaccount WHERE user_id = ? ORDER BY id`,
		del:       `DELETE FROM socialaccount_socialaccount WHERE id = ? AND user_id = ?`,
	}
	if d == Postgres {
		q.insert += ` RETURNING id`
	}
	if d != SQLite {
		q.lockUser += ` FOR UPDATE`
		q.idsOfUser += ` FOR UPDATE`
	}
	for _, p := range []*string{&q.insert, &q.byUID, &q.byUser, &q.record, &q.exists, &q.lockUser, &q.idsOfUser, &q.del} {
		*p = bind(*p)
	}
	return q
}

// djangoSocialRow is a socialaccount_socialaccount row.
type djangoSocialRow struct {
	ID         int64
	UserID     int64
	Provider   string
	UID        string
	ExtraData  string
	LastLogin  djangoTime
	DateJoined djangoTime
}

func (r *djangoSocialRow) dest() []any {
	return []any{&r.ID, &r.UserID, &r.Provider, &r.UID, &r.ExtraData, &r.LastLogin, &r.DateJoined}
}

// account converts the row. allauth's default extra_data is "{}"; an
// empty or non-object value written by other code reads as {}.
func (r *djangoSocialRow) account() *core.SocialAccount {
	extra := json.RawMessage(r.ExtraData)
	if _, err := storekit.SocialExtra(extra); err != nil {
		extra = json.RawMessage(`{}`)
	}
	return &core.SocialAccount{
		ID: r.ID, UserID: r.UserID, Provider: r.Provider, UID: r.UID, ExtraData: extra,
		LastLogin: r.LastLogin.Time, DateJoined: r.DateJoined.Time,
	}
}

// checkDjangoSocialKey applies the common limits and allauth's shorter
// provider column.
func checkDjangoSocialKey(provider, uid string) error {
	if err := storekit.SocialKey(provider, uid); err != nil {
		return err
	}
	if len([]rune(provider)) > djangoMaxSocialProvider {
		return fmt.Errorf("%w: provider ID longer than allauth's %d characters", core.ErrInvalidValue, djangoMaxSocialProvider)
	}
	return nil
}

// CreateSocialAccount implements core.SocialAccountStore. allauth's
// last_login is NOT NULL: a zero LastLogin is stored as DateJoined (its
// auto_now would have written the insert time).
func (d *DjangoStore) CreateSocialAccount(ctx context.Context, a *core.SocialAccount) error {
	const op = "create social account"
	if err := ctx.Err(); err != nil {
		return djangoErr(op, err)
	}
	if err := checkDjangoSocialKey(a.Provider, a.UID); err != nil {
		return err
	}
	extra, err := storekit.SocialExtra(a.ExtraData)
	if err != nil {
		return err
	}
	last := a.LastLogin
	if last.IsZero() {
		last = a.DateJoined
	}
	insert := d.q.social.insert
	dl := d.s.dialect
	args := []any{a.UserID, a.Provider, a.UID, extra, djangoTimeArg(dl, last), djangoTimeArg(dl, a.DateJoined)}
	var id int64
	if dl == Postgres {
		err = d.s.db.QueryRowxContext(ctx, insert, args...).Scan(&id)
	} else {
		var res sql.Result
		if res, err = d.s.db.ExecContext(ctx, insert, args...); err == nil {
			id, err = res.LastInsertId()
		}
	}
	if err != nil {
		switch kind, _ := d.s.driver.Classify(err); kind {
		case UniqueViolation:
			return core.ErrSocialAccountTaken
		case ForeignKeyViolation:
			return fmt.Errorf("sqlstore: social account of user %d: %w", a.UserID, core.ErrNotFound)
		}
		return djangoErr(op, err)
	}
	a.ID = id
	return nil
}

// SocialAccountByUID implements core.SocialAccountStore.
func (d *DjangoStore) SocialAccountByUID(ctx context.Context, provider, uid string) (*core.SocialAccount, *core.User, error) {
	const op = "social account by uid"
	if err := ctx.Err(); err != nil {
		return nil, nil, djangoErr(op, err)
	}
	if checkDjangoSocialKey(provider, uid) != nil {
		return nil, nil, core.ErrNotFound
	}
	byUID := d.q.social.byUID
	var (
		sr djangoSocialRow
		ur djangoUserRow
	)
	err := d.s.queryRow(ctx, byUID, []any{provider, uid}, ur.appendDest(sr.dest())...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, core.ErrNotFound
	}
	if err != nil {
		return nil, nil, djangoErr(op, err)
	}
	return sr.account(), ur.user(), nil
}

// SocialAccountsByUser implements core.SocialAccountStore.
func (d *DjangoStore) SocialAccountsByUser(ctx context.Context, userID int64) ([]core.SocialAccount, error) {
	const op = "social accounts by user"
	byUser := d.q.social.byUser
	rows, err := d.s.db.QueryContext(ctx, byUser, userID)
	if err != nil {
		return nil, djangoErr(op, err)
	}
	defer rows.Close()
	out := []core.SocialAccount{}
	for rows.Next() {
		var r djangoSocialRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, djangoErr(op, err)
		}
		out = append(out, *r.account())
	}
	if err := rows.Err(); err != nil {
		return nil, djangoErr(op, err)
	}
	return out, nil
}

// RecordSocialLogin implements core.SocialAccountStore, as allauth
// refreshes extra_data and last_login at each social login.
func (d *DjangoStore) RecordSocialLogin(ctx context.Context, id int64, at time.Time, extra json.RawMessage) error {
	const op = "record social login"
	stored, err := storekit.SocialExtra(extra)
	if err != nil {
		return err
	}
	record, exists := d.q.social.record, d.q.social.exists
	res, err := d.s.db.ExecContext(ctx, record, djangoTimeArg(d.s.dialect, at), stored, id)
	if err != nil {
		return djangoErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return djangoErr(op, err)
	}
	if n > 0 {
		return nil
	}
	if d.s.dialect == MySQL { // a write that changed nothing matches no row
		if err := d.s.db.GetContext(ctx, &n, exists, id); err != nil {
			return djangoErr(op, err)
		}
		if n > 0 {
			return nil
		}
	}
	return core.ErrNotFound
}

// DeleteSocialAccount implements core.SocialAccountStore: the user's row
// is locked, so two concurrent deletes of the last two accounts
// serialise and keepOne holds.
func (d *DjangoStore) DeleteSocialAccount(ctx context.Context, userID, id int64, keepOne bool) error {
	const op = "delete social account"
	if err := ctx.Err(); err != nil {
		return djangoErr(op, err)
	}
	return d.s.deleteSocialAccount(ctx, op, djangoErr, d.q.social.lockUser, d.q.social.idsOfUser, d.q.social.del, userID, id, keepOne)
}
