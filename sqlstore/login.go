package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

var _ core.LoginTokenStore = (*Store)(nil)

// CreateLoginToken implements core.LoginTokenStore: the last-login UPDATE
// and the token INSERT commit in one transaction, one disk sync on SQLite
// instead of two. An unknown user is caught by the token's foreign key
// (and, except on MySQL, where an UPDATE that changes nothing may count
// no row, by the UPDATE matching none).
func (s *Store) CreateLoginToken(ctx context.Context, t *core.Token, at time.Time) error {
	const op = "create login token"
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	if err := storekit.CheckText(storekit.TextField{Name: "digest", Value: t.Digest, Max: core.TokenDigestLength}); err != nil {
		return err
	}
	notFound := fmt.Errorf("sqlstore: %s: user %d: %w", op, t.UserID, core.ErrNotFound)
	return s.inTx(ctx, op, []string{s.q.recordLogin, s.q.insertToken}, func(ex execQueryer) error {
		res, err := s.execOn(ctx, ex, s.q.recordLogin, toNullMicros(at), t.UserID)
		if err != nil {
			return wrap(op, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return wrap(op, err)
		}
		if n == 0 && s.dialect != MySQL {
			return notFound
		}
		_, err = s.execOn(ctx, ex, s.q.insertToken, t.Digest, t.UserID, toMicros(t.Created), toNullMicros(t.Expires))
		switch s.classify(err) {
		case noConflict:
			if err != nil {
				return wrap(op, err)
			}
			return nil
		case dupDigest:
			return core.ErrTokenExists
		case foreignKey:
			return notFound
		}
		return wrap(op, err)
	})
}
