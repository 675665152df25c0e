package sqlstore

import (
	"context"
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
	if err := s.lookup(ctx, "user by token", s.q.userByToken, []any{digest}, r.dest()...); err != nil {
		return nil, nil, err
	}
	return r.user(), r.token(), nil
}

// DeleteToken implements core.TokenStore; a missing digest is not an
// error. Deleting a token adds its change (core.ChangeFeed).
func (s *Store) DeleteToken(ctx context.Context, digest string) error {
	const op = "delete token"
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	if !storekit.Storable(digest, core.TokenDigestLength) {
		return nil
	}
	if s.dialect == Postgres {
		if _, err := s.exec(ctx, s.cq.pgDeleteToken, digest, changeTime()); err != nil {
			return wrap(op, err)
		}
		return nil
	}
	return s.ownedWrite(ctx, op, s.cq.tokenOwner, s.q.deleteToken, digest, []any{digest}, "", digest)
}

// DeleteUserTokens implements core.TokenStore, with a change of the user
// (core.ChangeFeed) when it deleted any.
func (s *Store) DeleteUserTokens(ctx context.Context, userID int64, exceptDigest string) (int, error) {
	return s.bulkRevoke(ctx, "delete user tokens", s.q.deleteUserTokens, s.cq.pgDeleteUserTokens, userID, userID, exceptDigest)
}
