package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/restauth/restauth/core"
)

var _ core.ChangeFeed = (*Store)(nil)

// Changes implements core.ChangeFeed with one indexed range read.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]core.Change, error) {
	const op = "read changes"
	if limit <= 0 {
		return nil, fmt.Errorf("sqlstore: %s: limit %d is not positive", op, limit)
	}
	var rows *sql.Rows
	var err error
	if s.stmts == nil {
		rows, err = s.db.QueryContext(ctx, s.cq.changes, after, limit)
	} else {
		var st *sql.Stmt
		if st, err = s.stmts.get(ctx, s.cq.changes); err == nil {
			rows, err = st.QueryContext(ctx, after, limit)
		}
	}
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	out := []core.Change{}
	for rows.Next() {
		var c core.Change
		if err := rows.Scan(&c.Seq, &c.UserID, &c.Family, &c.TokenDigest); err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// LatestChange implements core.ChangeFeed.
func (s *Store) LatestChange(ctx context.Context) (int64, error) {
	var seq int64
	if err := s.queryRow(ctx, s.cq.latest, nil, &seq); err != nil {
		return 0, wrap("latest change", err)
	}
	return seq, nil
}

// PruneChanges implements core.ChangeFeed: it reads the latest Seq, then
// deletes the older changes written before `before` (two statements:
// MySQL refuses a subquery on the table a DELETE writes).
func (s *Store) PruneChanges(ctx context.Context, before time.Time) (int, error) {
	const op = "prune changes"
	latest, err := s.LatestChange(ctx)
	if err != nil {
		return 0, err
	}
	res, err := s.exec(ctx, s.cq.prune, toMicros(before), latest)
	if err != nil {
		return 0, wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap(op, err)
	}
	return int(n), nil
}

// changeTime is the created value of a change written now.
func changeTime() int64 { return toMicros(time.Now()) }

// wrapOnce is wrap for an error that may already be wrapped (inTx wraps
// the errors of BEGIN and COMMIT).
func wrapOnce(op string, err error) error {
	var done *dbError
	if errors.As(err, &done) {
		return err
	}
	return wrap(op, err)
}

// alterUser runs a write of user id, an UPDATE or DELETE of restauth_user
// by id whose parameters are args, with its user change: on PostgreSQL
// pg, the write with the change in one statement; elsewhere plain, then
// the change if it affected a row, in one transaction. It returns the
// rows the write affected; its errors are the driver's, for the caller to
// classify, or wrapped ones (BEGIN, COMMIT).
func (s *Store) alterUser(ctx context.Context, op, plain, pg string, id int64, args ...any) (int64, error) {
	if s.dialect == Postgres {
		res, err := s.exec(ctx, pg, append(args, changeTime())...)
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
	var n int64
	err := s.inTx(ctx, op, []string{plain, s.cq.insertChange}, func(ex execQueryer) error {
		res, err := s.execOn(ctx, ex, plain, args...)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		_, err = s.execOn(ctx, ex, s.cq.insertChange, id, "", "", changeTime())
		return err
	})
	return n, err
}

// alterUserByID is alterUser for a write that must match user id: an
// unknown id is core.ErrNotFound (see matchedCount).
func (s *Store) alterUserByID(ctx context.Context, op, plain, pg string, id int64, args ...any) error {
	n, err := s.alterUser(ctx, op, plain, pg, id, args...)
	if err != nil {
		return wrapOnce(op, err)
	}
	return s.matchedCount(ctx, op, n, id)
}

// ownedWrite runs, on SQLite and MySQL, a write of one token or family
// with its change in one transaction: owner reads (and locks) the owner
// of key, write changes it, and the change (user, family, digest) is
// added last. Nothing is written when owner finds no row.
func (s *Store) ownedWrite(ctx context.Context, op, owner, write string, key string, writeArgs []any, family, digest string) error {
	return s.inTx(ctx, op, []string{owner, write, s.cq.insertChange}, func(ex execQueryer) error {
		var userID int64
		if err := s.queryRowOn(ctx, ex, owner, []any{key}, &userID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			return wrap(op, err)
		}
		if _, err := s.execOn(ctx, ex, write, writeArgs...); err != nil {
			return wrap(op, err)
		}
		if _, err := s.execOn(ctx, ex, s.cq.insertChange, userID, family, digest, changeTime()); err != nil {
			return wrap(op, err)
		}
		return nil
	})
}

// bulkRevoke runs a bulk revocation of user id's credentials with its user
// change (when it removed anything) and returns how many it removed: on
// PostgreSQL pg in one statement, elsewhere plain then the change in one
// transaction. args are the write's parameters.
func (s *Store) bulkRevoke(ctx context.Context, op, plain, pg string, userID int64, args ...any) (int, error) {
	if s.dialect == Postgres {
		var n int64
		if err := s.queryRow(ctx, pg, append(args, userID, changeTime()), &n); err != nil {
			return 0, wrap(op, err)
		}
		return int(n), nil
	}
	var n int64
	err := s.inTx(ctx, op, []string{plain, s.cq.insertChange}, func(ex execQueryer) error {
		res, err := s.execOn(ctx, ex, plain, args...)
		if err != nil {
			return wrap(op, err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return wrap(op, err)
		}
		if n == 0 {
			return nil
		}
		if _, err := s.execOn(ctx, ex, s.cq.insertChange, userID, "", "", changeTime()); err != nil {
			return wrap(op, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}
