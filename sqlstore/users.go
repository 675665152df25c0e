package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// CreateUser implements core.UserStore. A unique-key violation, including
// one lost to a concurrent insert, becomes core.ErrUsernameTaken or
// core.ErrEmailTaken; when both keys clash the username is reported.
func (s *Store) CreateUser(ctx context.Context, u *core.User) error {
	usernameKey, emailKey, err := storekit.UserKeys(u)
	if err != nil {
		return err
	}
	args := []any{
		u.Username, usernameKey, u.Email, sql.NullString{String: emailKey, Valid: emailKey != ""},
		u.PasswordHash, u.FirstName, u.LastName, u.IsActive, u.EmailVerified, u.IsStaff, u.IsSuperuser,
		toMicros(u.DateJoined), toNullMicros(u.LastLogin), u.TokenEpoch,
	}
	var id int64
	if s.q.insertUserReturnsID {
		err = s.db.QueryRowxContext(ctx, s.q.insertUser, args...).Scan(&id)
	} else {
		var res sql.Result
		if res, err = s.db.ExecContext(ctx, s.q.insertUser, args...); err == nil {
			id, err = res.LastInsertId()
		}
	}
	if err != nil {
		return s.createUserError(ctx, usernameKey, err)
	}
	u.ID = id
	return nil
}

// createUserError maps a failed insert. The database reports whichever
// unique key it checked first, so an email clash is re-checked for a
// username clash, which the contract reports first.
func (s *Store) createUserError(ctx context.Context, usernameKey string, err error) error {
	switch s.classify(err) {
	case dupUsername:
		return core.ErrUsernameTaken
	case dupEmail:
		var n int
		if s.db.GetContext(ctx, &n, s.q.usernameKeyTaken, usernameKey) == nil && n > 0 {
			return core.ErrUsernameTaken
		}
		return core.ErrEmailTaken
	}
	return wrap("create user", err)
}

// UserByID implements core.UserStore.
func (s *Store) UserByID(ctx context.Context, id int64) (*core.User, error) {
	return s.getUser(ctx, "user by id", s.q.userByID, id)
}

// UserByUsername implements core.UserStore: equality on the canonical key.
func (s *Store) UserByUsername(ctx context.Context, username string) (*core.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, wrap("user by username", err)
	}
	key := core.CanonicalUsername(username)
	if !storekit.Storable(key, core.MaxKeyLength) {
		return nil, core.ErrNotFound
	}
	return s.getUser(ctx, "user by username", s.q.userByUsernameKey, key)
}

// UserByEmail implements core.UserStore: equality on the canonical key; an
// empty email never matches.
func (s *Store) UserByEmail(ctx context.Context, email string) (*core.User, error) {
	if err := ctx.Err(); err != nil {
		return nil, wrap("user by email", err)
	}
	key := core.CanonicalEmail(email)
	if key == "" || !storekit.Storable(key, core.MaxKeyLength) {
		return nil, core.ErrNotFound
	}
	return s.getUser(ctx, "user by email", s.q.userByEmailKey, key)
}

// getUser runs a single-user query.
func (s *Store) getUser(ctx context.Context, op, query string, arg any) (*core.User, error) {
	var r userRow
	if err := s.lookup(ctx, op, query, []any{arg}, r.dest()...); err != nil {
		return nil, err
	}
	return r.user(), nil
}

// UpdateProfile implements core.UserStore.
func (s *Store) UpdateProfile(ctx context.Context, u *core.User) error {
	key := core.CanonicalUsername(u.Username)
	if err := storekit.CheckText(
		storekit.TextField{Name: "username", Value: u.Username, Max: core.MaxUsernameLength},
		storekit.TextField{Name: "username key", Value: key, Max: core.MaxKeyLength},
		storekit.TextField{Name: "first name", Value: u.FirstName, Max: core.MaxNameLength},
		storekit.TextField{Name: "last name", Value: u.LastName, Max: core.MaxNameLength},
	); err != nil {
		return err
	}
	n, err := s.alterUser(ctx, "update profile", s.q.updateProfile, s.cq.pgUpdateProfile, u.ID,
		u.Username, key, u.FirstName, u.LastName, u.ID)
	if err != nil {
		if s.classify(err) == dupUsername {
			return core.ErrUsernameTaken
		}
		return wrapOnce("update profile", err)
	}
	return s.matchedCount(ctx, "update profile", n, u.ID)
}

// SetPassword implements core.UserStore: the hash and the epoch bump are
// one statement, written with its change (core.ChangeFeed).
func (s *Store) SetPassword(ctx context.Context, id int64, hash string) error {
	if err := storekit.CheckText(storekit.TextField{Name: "password", Value: hash, Max: core.MaxPasswordHashLength}); err != nil {
		return err
	}
	return s.alterUserByID(ctx, "set password", s.q.setPassword, s.cq.pgSetPassword, id, hash, id)
}

// UpgradePasswordHash implements core.UserStore as a compare-and-swap in a
// single UPDATE … WHERE password = oldHash. It returns core.ErrNotFound for
// an unknown id.
func (s *Store) UpgradePasswordHash(ctx context.Context, id int64, oldHash, newHash string) (bool, error) {
	if err := storekit.CheckText(storekit.TextField{Name: "password", Value: newHash, Max: core.MaxPasswordHashLength}); err != nil {
		return false, err
	}
	if storekit.Storable(oldHash, core.MaxPasswordHashLength) {
		n, err := s.alterUser(ctx, "upgrade password hash", s.q.upgradePasswordHash, s.cq.pgUpgradePasswordHash, id,
			newHash, id, oldHash)
		if err != nil {
			return false, wrapOnce("upgrade password hash", err)
		}
		if n > 0 {
			return true, nil
		}
	}
	// No row changed: a missing user, a hash that no longer matches, or
	// (MySQL without clientFoundRows) a swap of a hash for itself.
	var current string
	if err := s.db.GetContext(ctx, &current, s.q.passwordByID, id); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return false, core.ErrNotFound
		}
		return false, wrap("upgrade password hash", err)
	}
	return oldHash == newHash && current == newHash, nil
}

// SetActive implements core.UserStore: deactivating bumps the epoch in the
// same statement, written with its change (core.ChangeFeed).
func (s *Store) SetActive(ctx context.Context, id int64, active bool) error {
	bump := 0
	if !active {
		bump = 1
	}
	return s.alterUserByID(ctx, "set active", s.q.setActive, s.cq.pgSetActive, id, active, bump, id)
}

// SetEmailVerified implements core.UserStore, with its change
// (core.ChangeFeed).
func (s *Store) SetEmailVerified(ctx context.Context, id int64, verified bool) error {
	return s.alterUserByID(ctx, "set email verified", s.q.setEmailVerified, s.cq.pgSetEmailVerified, id, verified, id)
}

// RecordLogin implements core.UserStore.
func (s *Store) RecordLogin(ctx context.Context, id int64, at time.Time) error {
	return s.updateByID(ctx, "record login", id, s.q.recordLogin, toNullMicros(at))
}

// updateByID runs an UPDATE of user id; query takes args, then the id as
// its last parameter.
func (s *Store) updateByID(ctx context.Context, op string, id int64, query string, args ...any) error {
	res, err := s.exec(ctx, query, append(args, id)...)
	if err != nil {
		return wrap(op, err)
	}
	return s.matched(ctx, op, res, id)
}

// matched returns core.ErrNotFound unless the UPDATE matched user id.
// MySQL counts changed rather than matched rows unless the connection sets
// clientFoundRows (Open does; a pool given to New may not), so there zero
// rows is confirmed with a second query.
func (s *Store) matched(ctx context.Context, op string, res sql.Result, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	return s.matchedCount(ctx, op, n, id)
}

// matchedCount is matched for an UPDATE that affected n rows.
func (s *Store) matchedCount(ctx context.Context, op string, n, id int64) error {
	if n > 0 {
		return nil
	}
	if s.dialect != MySQL {
		return core.ErrNotFound
	}
	if err := s.db.GetContext(ctx, &n, s.q.userExists, id); err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return core.ErrNotFound
	}
	return nil
}
