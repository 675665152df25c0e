package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// CreateToken implements core.TokenStore. A digest already stored returns
// core.ErrTokenExists; a token of an unknown user returns an error wrapping
// core.ErrNotFound (the foreign key).
func (s *Store) CreateToken(ctx context.Context, t *core.Token) error {
	if err := storekit.CheckText(storekit.TextField{Name: "digest", Value: t.Digest, Max: core.TokenDigestLength}); err != nil {
		return err
	}
	_, err := s.exec(ctx, s.q.insertToken, t.Digest, t.UserID, toMicros(t.Created), toNullMicros(t.Expires))
	if err != nil {
		switch s.classify(err) {
		case dupDigest:
			return core.ErrTokenExists
		case foreignKey:
			return fmt.Errorf("sqlstore: create token: user %d: %w", t.UserID, core.ErrNotFound)
		}
		return wrap("create token", err)
	}
	return nil
}

// UserByToken implements core.TokenStore with one JOIN.
func (s *Store) UserByToken(ctx context.Context, digest string) (*core.User, *core.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, wrap("user by token", err)
	}
	if !storekit.Storable(digest, core.TokenDigestLength) {
		return nil, nil, core.ErrNotFound
	}
	var r tokenUserRow
	if err := s.queryRow(ctx, s.q.userByToken, []any{digest}, r.dest()...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil, core.ErrNotFound
		}
		return nil, nil, wrap("user by token", err)
	}
	return r.user(), r.token(), nil
}

// DeleteToken implements core.TokenStore; a missing digest is not an
// error.
func (s *Store) DeleteToken(ctx context.Context, digest string) error {
	if err := ctx.Err(); err != nil {
		return wrap("delete token", err)
	}
	if !storekit.Storable(digest, core.TokenDigestLength) {
		return nil
	}
	if _, err := s.exec(ctx, s.q.deleteToken, digest); err != nil {
		return wrap("delete token", err)
	}
	return nil
}

// DeleteUserTokens implements core.TokenStore.
func (s *Store) DeleteUserTokens(ctx context.Context, userID int64, exceptDigest string) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q.deleteUserTokens, userID, exceptDigest)
	if err != nil {
		return 0, wrap("delete user tokens", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap("delete user tokens", err)
	}
	return int(n), nil
}
