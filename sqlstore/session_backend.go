package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/restauth/restauth/core/sessionkit"
)

// sqlSessions is SessionStore's sessionkit.Backend: the restauth_session
// table, through the Store's statement cache. Every failure wraps
// core.ErrUnavailable (wrap).
type sqlSessions struct{ store *Store }

var _ sessionkit.Backend = sqlSessions{}

// Load implements sessionkit.Backend.
func (b sqlSessions) Load(ctx context.Context, id string, now int64) (data []byte, found bool, err error) {
	err = b.store.queryRow(ctx, b.store.q.sessionData, []any{id, now}, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, wrap("load session", err)
	}
	return data, true, nil
}

// Insert implements sessionkit.Backend: any constraint violation is a
// taken ID.
func (b sqlSessions) Insert(ctx context.Context, id string, data []byte, expires int64) error {
	_, err := b.store.exec(ctx, b.store.q.insertSession, id, data, expires)
	switch {
	case err == nil:
		return nil
	case b.store.classify(err) != noConflict:
		return sessionkit.ErrIDTaken
	}
	return wrap("insert session", err)
}

// Update implements sessionkit.Backend. An UPDATE that matched no row is
// told from one that changed nothing (MySQL without clientFoundRows
// reports 0 rows for both) by counting the live row.
func (b sqlSessions) Update(ctx context.Context, id string, data []byte, expires, now int64) error {
	const op = "update session"
	res, err := b.store.exec(ctx, b.store.q.updateSession, data, expires, id, now)
	if err != nil {
		return wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	if n > 0 {
		return nil
	}
	var live int
	if err := b.store.db.GetContext(ctx, &live, b.store.q.sessionLive, id, now); err != nil {
		return wrap(op, err)
	}
	if live == 0 {
		return sessionkit.ErrGone
	}
	return nil // MySQL without clientFoundRows: matched, but nothing changed
}

// Delete implements sessionkit.Backend.
func (b sqlSessions) Delete(ctx context.Context, id string) error {
	if _, err := b.store.exec(ctx, b.store.q.deleteSession, id); err != nil {
		return wrap("delete session", err)
	}
	return nil
}

// DeleteExpired implements sessionkit.Backend, in one DELETE on the
// expires index; a done ctx wraps core.ErrUnavailable too.
func (b sqlSessions) DeleteExpired(ctx context.Context, now int64) (int, error) {
	const op = "clean up sessions"
	if err := ctx.Err(); err != nil {
		return 0, wrap(op, err)
	}
	res, err := b.store.db.ExecContext(ctx, b.store.q.deleteExpiredSessions, now)
	if err != nil {
		return 0, wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap(op, err)
	}
	return int(n), nil
}
