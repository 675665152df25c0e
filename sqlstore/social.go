package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

var _ core.SocialAccountStore = (*Store)(nil)

// Statements on restauth_social_account (0006_social.sql), with "?"
// placeholders rebound per dialect at each call: they are not on the
// request path of authentication, only of social login.
const (
	socialColumns = `sa.id, sa.user_id, sa.provider, sa.uid, sa.extra_data, sa.last_login, sa.date_joined`

	sqlInsertSocial = `INSERT INTO restauth_social_account
	(user_id, provider, uid, extra_data, last_login, date_joined) VALUES (?, ?, ?, ?, ?, ?)`

	sqlSocialByUID = `SELECT ` + socialColumns + `, ` + userColumns + `
	FROM restauth_social_account sa JOIN restauth_user u ON u.id = sa.user_id
	WHERE sa.provider = ? AND sa.uid = ?`

	sqlSocialByUser = `SELECT ` + socialColumns + ` FROM restauth_social_account sa
	WHERE sa.user_id = ? ORDER BY sa.id`

	sqlRecordSocialLogin = `UPDATE restauth_social_account SET last_login = ?, extra_data = ? WHERE id = ?`

	sqlSocialExists = `SELECT COUNT(*) FROM restauth_social_account WHERE id = ?`

	// sqlLockUser and sqlSocialIDsOfUser run in DeleteSocialAccount's
	// transaction; " FOR UPDATE" is appended except on SQLite, whose
	// BEGIN IMMEDIATE already holds the database's write lock.
	sqlLockUser        = `SELECT id FROM restauth_user WHERE id = ?`
	sqlSocialIDsOfUser = `SELECT id FROM restauth_social_account WHERE user_id = ? ORDER BY id`

	sqlDeleteSocial = `DELETE FROM restauth_social_account WHERE id = ? AND user_id = ?`
)

// socialRow is a restauth_social_account row.
type socialRow struct {
	ID         int64
	UserID     int64
	Provider   string
	UID        string
	ExtraData  string
	LastLogin  sql.NullInt64
	DateJoined int64
}

func (r *socialRow) dest() []any {
	return []any{&r.ID, &r.UserID, &r.Provider, &r.UID, &r.ExtraData, &r.LastLogin, &r.DateJoined}
}

func (r *socialRow) account() *core.SocialAccount {
	return &core.SocialAccount{
		ID:         r.ID,
		UserID:     r.UserID,
		Provider:   r.Provider,
		UID:        r.UID,
		ExtraData:  json.RawMessage(r.ExtraData),
		LastLogin:  fromNullMicros(r.LastLogin),
		DateJoined: fromMicros(r.DateJoined),
	}
}

// CreateSocialAccount implements core.SocialAccountStore. The unique key
// on (provider, uid) turns a lost race into core.ErrSocialAccountTaken,
// the foreign key an unknown user into core.ErrNotFound.
func (s *Store) CreateSocialAccount(ctx context.Context, a *core.SocialAccount) error {
	if err := ctx.Err(); err != nil {
		return wrap("create social account", err)
	}
	if err := storekit.SocialKey(a.Provider, a.UID); err != nil {
		return err
	}
	extra, err := storekit.SocialExtra(a.ExtraData)
	if err != nil {
		return err
	}
	q := s.rebind(sqlInsertSocial)
	args := []any{a.UserID, a.Provider, a.UID, extra, toNullMicros(a.LastLogin), toMicros(a.DateJoined)}
	var id int64
	if s.dialect == Postgres {
		err = s.db.QueryRowxContext(ctx, q+" RETURNING id", args...).Scan(&id)
	} else {
		var res sql.Result
		if res, err = s.db.ExecContext(ctx, q, args...); err == nil {
			id, err = res.LastInsertId()
		}
	}
	if err != nil {
		switch kind, _ := s.driver.Classify(err); kind {
		case UniqueViolation:
			return core.ErrSocialAccountTaken
		case ForeignKeyViolation:
			return fmt.Errorf("sqlstore: social account of user %d: %w", a.UserID, core.ErrNotFound)
		}
		return wrap("create social account", err)
	}
	a.ID = id
	return nil
}

// SocialAccountByUID implements core.SocialAccountStore: the account and
// its owner in one query.
func (s *Store) SocialAccountByUID(ctx context.Context, provider, uid string) (*core.SocialAccount, *core.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, wrap("social account by uid", err)
	}
	if !storekit.SocialKeyStorable(provider, uid) {
		return nil, nil, core.ErrNotFound
	}
	var (
		sr socialRow
		ur userRow
	)
	err := s.queryRow(ctx, s.rebind(sqlSocialByUID), []any{provider, uid}, append(sr.dest(), ur.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, core.ErrNotFound
	}
	if err != nil {
		return nil, nil, wrap("social account by uid", err)
	}
	return sr.account(), ur.user(), nil
}

// SocialAccountsByUser implements core.SocialAccountStore.
func (s *Store) SocialAccountsByUser(ctx context.Context, userID int64) ([]core.SocialAccount, error) {
	rows, err := s.db.QueryContext(ctx, s.rebind(sqlSocialByUser), userID)
	if err != nil {
		return nil, wrap("social accounts by user", err)
	}
	defer rows.Close()
	out := []core.SocialAccount{}
	for rows.Next() {
		var r socialRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, wrap("social accounts by user", err)
		}
		out = append(out, *r.account())
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("social accounts by user", err)
	}
	return out, nil
}

// RecordSocialLogin implements core.SocialAccountStore.
func (s *Store) RecordSocialLogin(ctx context.Context, id int64, at time.Time, extra json.RawMessage) error {
	stored, err := storekit.SocialExtra(extra)
	if err != nil {
		return err
	}
	res, err := s.db.ExecContext(ctx, s.rebind(sqlRecordSocialLogin), toNullMicros(at), stored, id)
	if err != nil {
		return wrap("record social login", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap("record social login", err)
	}
	if n > 0 {
		return nil
	}
	// MySQL without clientFoundRows counts changed rows: a login recorded
	// twice within the same microsecond with the same data changes none.
	if s.dialect == MySQL {
		if err := s.db.GetContext(ctx, &n, s.rebind(sqlSocialExists), id); err != nil {
			return wrap("record social login", err)
		}
		if n > 0 {
			return nil
		}
	}
	return core.ErrNotFound
}

// DeleteSocialAccount implements core.SocialAccountStore in one
// transaction that first locks the user's row, so that deletes of one
// user's accounts run one after the other and each counts what the
// previous one left.
func (s *Store) DeleteSocialAccount(ctx context.Context, userID, id int64, keepOne bool) error {
	const op = "delete social account"
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	lock, list := s.rebind(sqlLockUser), s.rebind(sqlSocialIDsOfUser)
	if s.dialect != SQLite {
		lock += " FOR UPDATE"
		list += " FOR UPDATE"
	}
	return s.deleteSocialAccount(ctx, op, wrap, lock, list, s.rebind(sqlDeleteSocial), userID, id, keepOne)
}

// deleteSocialAccount runs DeleteSocialAccount's transaction with the
// statements of a schema: lock locks the user's row, list lists (and, off
// SQLite, locks) the ids of the user's social accounts, del deletes one by
// id and user id. wrapErr names the store in errors.
func (s *Store) deleteSocialAccount(ctx context.Context, op string, wrapErr func(string, error) error,
	lock, list, del string, userID, id int64, keepOne bool) error {
	return s.inTx(ctx, op, nil, func(ex execQueryer) error {
		var uid int64
		if err := ex.QueryRowxContext(ctx, lock, userID).Scan(&uid); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return core.ErrNotFound
			}
			return wrapErr(op, err)
		}
		rows, err := ex.QueryxContext(ctx, list, userID)
		if err != nil {
			return wrapErr(op, err)
		}
		var ids []int64
		for rows.Next() {
			var x int64
			if err := rows.Scan(&x); err != nil {
				rows.Close()
				return wrapErr(op, err)
			}
			ids = append(ids, x)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return wrapErr(op, err)
		}
		if !slices.Contains(ids, id) {
			return core.ErrNotFound
		}
		if keepOne && len(ids) < 2 {
			return core.ErrLastLoginMethod
		}
		if _, err := ex.ExecContext(ctx, del, id, userID); err != nil {
			return wrapErr(op, err)
		}
		return nil
	})
}
