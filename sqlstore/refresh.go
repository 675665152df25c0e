package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

var _ core.RefreshStore = (*Store)(nil)

// errNotConsumed ends a rotation whose conditional update matched no row;
// it never leaves the package.
var errNotConsumed = errors.New("sqlstore: refresh token not consumed")

// inTx runs fn in a transaction and commits it if fn returns nil; on any
// error it rolls back and returns fn's error as is (or the wrapped error
// of BEGIN or COMMIT). On SQLite the transaction is BEGIN IMMEDIATE: it
// takes the write lock up front, so a concurrent writer waits for it
// (busy_timeout) instead of failing with SQLITE_BUSY when a deferred
// transaction would upgrade its read lock. fn must run every statement
// on ex: on "sqlite::memory:" the pool has a single connection.
//
// Where a *sqlx.Tx is used, the statements named in warm are first
// prepared into the cache (holding no connection yet), so that fn runs
// them as cached statements (execOn, queryRowOn).
func (s *Store) inTx(ctx context.Context, op string, warm []string, fn func(ex execQueryer) error) error {
	if s.dialect != SQLite {
		if s.stmts != nil {
			s.stmts.warm(ctx, warm...)
		}
		tx, err := s.db.BeginTxx(ctx, nil)
		if err != nil {
			return wrap(op, err)
		}
		if err := fn(tx); err != nil {
			_ = tx.Rollback() // the error that matters is fn's
			return err
		}
		if err := tx.Commit(); err != nil {
			return wrap(op, err)
		}
		return nil
	}
	conn, err := s.db.Connx(ctx)
	if err != nil {
		return wrap(op, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return wrap(op, err)
	}
	rollback := func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); err != nil {
			discard(conn)
		}
	}
	if err := fn(conn); err != nil {
		rollback()
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		rollback()
		return wrap(op, err)
	}
	return nil
}

// refreshWriteError maps a failed insert of a refresh family or token: an
// unknown owner (the foreign key) wraps core.ErrNotFound; a duplicate ID
// is a plain error, as it can only be a caller's bug.
func (s *Store) refreshWriteError(op string, userID int64, err error) error {
	switch s.classify(err) {
	case noConflict:
		return wrap(op, err)
	case foreignKey:
		return fmt.Errorf("sqlstore: %s: user %d: %w", op, userID, core.ErrNotFound)
	}
	return fmt.Errorf("sqlstore: %s: ID already stored: %w", op, err)
}

// insertRefreshToken inserts t on ex.
func (s *Store) insertRefreshToken(ctx context.Context, ex execQueryer, op string, t *core.RefreshToken) error {
	_, err := s.execOn(ctx, ex, s.q.insertRefreshToken,
		t.JTI, t.FamilyID, t.UserID, toMicros(t.Issued), toMicros(t.Expires), toNullMicros(t.Used))
	if err != nil {
		return s.refreshWriteError(op, t.UserID, err)
	}
	return nil
}

// CreateRefreshFamily implements core.RefreshStore: the family and its
// first token are inserted in one transaction. first must belong to f
// (same family ID and user); a family ID or jti already stored is refused
// with a plain error.
func (s *Store) CreateRefreshFamily(ctx context.Context, f *core.RefreshFamily, first *core.RefreshToken) error {
	const op = "create refresh family"
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	if err := errors.Join(storekit.CheckRefreshID("family id", f.ID), storekit.CheckRefreshID("jti", first.JTI)); err != nil {
		return err
	}
	if first.FamilyID != f.ID || first.UserID != f.UserID {
		return fmt.Errorf("sqlstore: %s: first token (family %q, user %d) does not belong to family %q of user %d",
			op, first.FamilyID, first.UserID, f.ID, f.UserID)
	}
	return s.inTx(ctx, op, []string{s.q.insertRefreshFamily, s.q.insertRefreshToken}, func(ex execQueryer) error {
		_, err := s.execOn(ctx, ex, s.q.insertRefreshFamily, f.ID, f.UserID, toMicros(f.Created), toNullMicros(f.Revoked))
		if err != nil {
			return s.refreshWriteError(op, f.UserID, err)
		}
		return s.insertRefreshToken(ctx, ex, op, first)
	})
}

// ConsumeRefreshToken implements core.RefreshStore in one transaction
// decided by a single conditional UPDATE (sqlConsumeRefreshToken): one
// row → the successor is inserted and the transaction commits; no row →
// it rolls back and the token is read to tell why. Concurrent calls for
// one jti serialise on the token's row (SQLite: on the database write
// lock), so exactly one succeeds and the others read it used.
//
// An expired token is not found, even if it was also used; a used token
// is reported as used before a revoked family is reported. The successor
// must continue the token's family for the same user.
func (s *Store) ConsumeRefreshToken(ctx context.Context, jti string, at time.Time, successor *core.RefreshToken) (*core.RefreshToken, error) {
	const op = "consume refresh token"
	if err := ctx.Err(); err != nil {
		return nil, wrap(op, err)
	}
	if err := errors.Join(
		storekit.CheckRefreshID("successor jti", successor.JTI),
		storekit.CheckRefreshID("successor family id", successor.FamilyID),
		storekit.CheckInstant("rotation", at),
	); err != nil {
		return nil, err
	}
	if !storekit.RefreshIDStorable(jti) {
		return nil, core.ErrNotFound
	}
	var before *core.RefreshToken
	warm := []string{s.q.consumeRefreshToken, s.q.refreshTokenByJTI, s.q.insertRefreshToken}
	err := s.inTx(ctx, op, warm, func(ex execQueryer) error {
		res, err := s.execOn(ctx, ex, s.q.consumeRefreshToken,
			toMicros(at), jti, toMicros(at), successor.FamilyID, successor.UserID, successor.FamilyID)
		if err != nil {
			return wrap(op, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return wrap(op, err)
		}
		if n != 1 {
			return errNotConsumed
		}
		var r refreshTokenFamilyRow
		if err := s.queryRowOn(ctx, ex, s.q.refreshTokenByJTI, []any{jti}, r.dest()...); err != nil {
			return wrap(op, err)
		}
		before = r.token()
		before.Used = time.Time{} // unused until this call, or the update would not have matched
		return s.insertRefreshToken(ctx, ex, op, successor)
	})
	switch {
	case err == nil:
		return before, nil
	case errors.Is(err, errNotConsumed):
		return s.whyNotConsumed(ctx, jti, at, successor)
	}
	return nil, err
}

// whyNotConsumed reads token jti after a rotation that matched no row and
// returns the contract's answer. It runs after the rollback, on a fresh
// statement, so it sees what the concurrent winner committed (a MySQL
// REPEATABLE READ snapshot inside the transaction might not). A token
// only ever becomes used, revoked or deleted, so what it reads still
// explains the miss.
func (s *Store) whyNotConsumed(ctx context.Context, jti string, at time.Time, successor *core.RefreshToken) (*core.RefreshToken, error) {
	const op = "consume refresh token"
	var r refreshTokenFamilyRow
	if err := s.lookup(ctx, op, s.q.refreshTokenByJTI, []any{jti}, r.dest()...); err != nil {
		return nil, err
	}
	tok := r.token()
	switch {
	case r.Expires <= toMicros(at):
		return nil, core.ErrNotFound
	case r.Used.Valid:
		return tok, core.ErrRefreshUsed
	case r.Revoked.Valid:
		return tok, core.ErrRefreshRevoked
	case tok.FamilyID != successor.FamilyID || tok.UserID != successor.UserID:
		return nil, fmt.Errorf("sqlstore: %s: successor (family %q, user %d) does not continue family %q of user %d",
			op, successor.FamilyID, successor.UserID, tok.FamilyID, tok.UserID)
	}
	// Unreachable unless the token appeared after the update missed it.
	return nil, fmt.Errorf("sqlstore: %s: token changed during the rotation", op)
}

// AddRefreshToken implements core.RefreshStore with one INSERT … SELECT
// that inserts only into a live family of the same user; when it inserts
// nothing, the family is read to tell why.
func (s *Store) AddRefreshToken(ctx context.Context, t *core.RefreshToken) error {
	const op = "add refresh token"
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	if err := errors.Join(storekit.CheckRefreshID("jti", t.JTI), storekit.CheckRefreshID("family id", t.FamilyID)); err != nil {
		return err
	}
	res, err := s.exec(ctx, s.q.addRefreshToken,
		t.JTI, toMicros(t.Issued), toMicros(t.Expires), toNullMicros(t.Used), t.FamilyID, t.UserID)
	if err != nil {
		return s.refreshWriteError(op, t.UserID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	if n == 1 {
		return nil
	}
	return s.refreshNotAdded(ctx, op, s.q.refreshFamilyByID, t)
}

// refreshNotAdded explains why the conditional insert of t added no row,
// reading its family with familyByID: the family is gone (ErrNotFound),
// revoked (ErrRefreshRevoked) or another user's; else it changed between
// the insert and this read.
func (s *Store) refreshNotAdded(ctx context.Context, op, familyByID string, t *core.RefreshToken) error {
	var r refreshFamilyRow
	if err := s.lookup(ctx, op, familyByID, []any{t.FamilyID}, r.dest()...); err != nil {
		return err
	}
	switch {
	case r.Revoked.Valid:
		return core.ErrRefreshRevoked
	case r.UserID != t.UserID:
		return fmt.Errorf("sqlstore: %s: token of user %d in family %q of user %d", op, t.UserID, r.ID, r.UserID)
	}
	return fmt.Errorf("sqlstore: %s: family changed during the insert", op)
}

// RefreshTokenByJTI implements core.RefreshStore with one JOIN.
func (s *Store) RefreshTokenByJTI(ctx context.Context, jti string) (*core.RefreshToken, *core.RefreshFamily, error) {
	const op = "refresh token by jti"
	if err := ctx.Err(); err != nil {
		return nil, nil, wrap(op, err)
	}
	if !storekit.RefreshIDStorable(jti) {
		return nil, nil, core.ErrNotFound
	}
	var r refreshTokenFamilyRow
	if err := s.lookup(ctx, op, s.q.refreshTokenByJTI, []any{jti}, r.dest()...); err != nil {
		return nil, nil, err
	}
	return r.token(), r.family(), nil
}

// UserByRefreshFamily implements core.RefreshStore with one JOIN.
func (s *Store) UserByRefreshFamily(ctx context.Context, familyID string) (*core.User, *core.RefreshFamily, error) {
	const op = "user by refresh family"
	if err := ctx.Err(); err != nil {
		return nil, nil, wrap(op, err)
	}
	if !storekit.RefreshIDStorable(familyID) {
		return nil, nil, core.ErrNotFound
	}
	var r refreshFamilyUserRow
	if err := s.lookup(ctx, op, s.q.userByRefreshFamily, []any{familyID}, r.dest()...); err != nil {
		return nil, nil, err
	}
	return r.user(), r.family(), nil
}

// RevokeRefreshFamily implements core.RefreshStore; the first revocation
// time is kept, and an unknown family is not an error. Revoking a live
// family adds its change (core.ChangeFeed).
func (s *Store) RevokeRefreshFamily(ctx context.Context, familyID string, at time.Time) error {
	const op = "revoke refresh family"
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	if err := storekit.CheckInstant("revocation", at); err != nil {
		return err
	}
	if !storekit.RefreshIDStorable(familyID) {
		return nil
	}
	if s.dialect == Postgres {
		if _, err := s.exec(ctx, s.cq.pgRevokeFamily, toMicros(at), familyID, changeTime()); err != nil {
			return wrap(op, err)
		}
		return nil
	}
	return s.ownedWrite(ctx, op, s.cq.familyOwner, s.q.revokeRefreshFamily, familyID,
		[]any{toMicros(at), familyID}, familyID, "")
}

// RevokeUserRefreshFamilies implements core.RefreshStore, with a change
// of the user (core.ChangeFeed) when it revoked any. An exception no
// column could hold matches no family, so it excepts nothing.
func (s *Store) RevokeUserRefreshFamilies(ctx context.Context, userID int64, exceptFamilyID string, at time.Time) (int, error) {
	const op = "revoke user refresh families"
	if err := ctx.Err(); err != nil {
		return 0, wrap(op, err)
	}
	if err := storekit.CheckInstant("revocation", at); err != nil {
		return 0, err
	}
	if !storekit.RefreshIDStorable(exceptFamilyID) {
		exceptFamilyID = "" // no family has the empty ID
	}
	return s.bulkRevoke(ctx, op, s.q.revokeUserRefreshFamilies, s.cq.pgRevokeUserFams, userID,
		toMicros(at), userID, exceptFamilyID)
}

// FlushExpiredRefreshTokens implements core.RefreshStore: in one
// transaction it deletes the tokens expired at `before` (expires <=
// before), then every family left without tokens.
func (s *Store) FlushExpiredRefreshTokens(ctx context.Context, before time.Time) (int, error) {
	const op = "flush expired refresh tokens"
	if err := ctx.Err(); err != nil {
		return 0, wrap(op, err)
	}
	var n int64
	err := s.inTx(ctx, op, nil, func(ex execQueryer) error {
		res, err := ex.ExecContext(ctx, s.q.deleteExpiredRefreshTokens, toMicros(before))
		if err != nil {
			return wrap(op, err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return wrap(op, err)
		}
		if _, err := ex.ExecContext(ctx, s.q.deleteEmptyRefreshFamilies); err != nil {
			return wrap(op, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}
