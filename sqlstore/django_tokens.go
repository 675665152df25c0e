package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// DB tokens on DRF's authtoken_token: the key itself is the primary key,
// in plain text, and a user has at most one (user_id UNIQUE), shared by
// every login, as dj-rest-auth's Token.objects.get_or_create gives. The
// store is a core.TokenKeyStore, so core asks for keys, never digests.
// DRF tokens do not expire: core.Token.Expires is never stored (a
// Config.TokenLifetime has no effect on this schema) and always read back
// as zero.

// djangoMaxTokenKey is the size of authtoken_token.key.
const djangoMaxTokenKey = 40

var _ core.TokenKeyStore = (*DjangoStore)(nil)

// errDigestTokens is returned by CreateToken: digests have no place in
// authtoken_token.
var errDigestTokens = errors.New("sqlstore: django: authtoken_token keeps token keys, not digests: " +
	"DjangoStore is a core.TokenKeyStore, and core calls GetOrCreateTokenKey instead of CreateToken")

// CreateToken implements core.TokenStore for the interface's sake only:
// core never calls it on a core.TokenKeyStore. It always fails, writing
// nothing.
func (d *DjangoStore) CreateToken(ctx context.Context, t *core.Token) error {
	return errDigestTokens
}

// UserByToken implements core.TokenStore for the interface's sake only
// (core calls UserByTokenKey): authtoken_token holds no digests, so
// nothing is ever found: core.ErrNotFound.
func (d *DjangoStore) UserByToken(ctx context.Context, digest string) (*core.User, *core.Token, error) {
	return nil, nil, core.ErrNotFound
}

// DeleteToken implements core.TokenStore for the interface's sake only
// (core calls DeleteTokenKey): there is no digest to delete, so it does
// nothing and returns nil, as for a missing token.
func (d *DjangoStore) DeleteToken(ctx context.Context, digest string) error {
	return nil
}

// DeleteUserTokens implements core.TokenStore: it deletes the user's DRF
// token unless its key's digest (storekit.TokenDigest) is exceptDigest,
// and reports how many it deleted (0 or 1).
func (d *DjangoStore) DeleteUserTokens(ctx context.Context, userID int64, exceptDigest string) (int, error) {
	const op = "delete user tokens"
	if err := ctx.Err(); err != nil {
		return 0, djangoErr(op, err)
	}
	var key string
	if err := d.s.queryRow(ctx, d.q.users.tokenKeyOfUser, []any{userID}, &key); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return 0, nil
		}
		return 0, djangoErr(op, err)
	}
	if exceptDigest != "" && storekit.TokenDigest(key) == exceptDigest {
		return 0, nil
	}
	args := []any{userID, key}
	if d.s.dialect == MySQL {
		args = append(args, key)
	}
	res, err := d.s.exec(ctx, d.q.users.deleteTokenKeyOfUser, args...)
	if err != nil {
		return 0, djangoErr(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, djangoErr(op, err)
	}
	return int(n), nil
}

// GetOrCreateTokenKey implements core.TokenKeyStore as DRF's
// Token.objects.get_or_create(user=user): the key of the user's token, or
// t.Digest (the fresh key itself) inserted with t.Created when the user
// has none. With a non-zero lastLogin, auth_user.last_login is set in the
// same transaction. Concurrent calls for one user serialise on the
// user_id unique key: the losers read the winner's key (created false).
// An unknown user is an error wrapping core.ErrNotFound; a key longer than
// authtoken_token.key (40) one wrapping core.ErrInvalidValue.
func (d *DjangoStore) GetOrCreateTokenKey(ctx context.Context, t *core.Token, lastLogin time.Time) (string, bool, error) {
	const op = "get or create token key"
	if err := storekit.CheckText(storekit.TextField{Name: "token key", Value: t.Digest, Max: djangoMaxTokenKey}); err != nil {
		return "", false, err
	}
	if t.Digest == "" {
		return "", false, fmt.Errorf("%w: token key is empty", core.ErrInvalidValue)
	}
	if err := ctx.Err(); err != nil {
		return "", false, djangoErr(op, err)
	}
	notFound := fmt.Errorf("sqlstore: django: %s: user %d: %w", op, t.UserID, core.ErrNotFound)
	var key string
	var err error
	// Racing inserts of one user's token can deadlock on MySQL (the
	// waiters of a unique key each hold a shared lock and want an
	// exclusive one); the loser's transaction is rolled back and retried.
	for attempt := 0; attempt < 5; attempt++ {
		if err = d.getOrCreateTokenKey(ctx, op, t, lastLogin, &key); err == nil || !d.s.isDeadlock(err) {
			break
		}
	}
	if err != nil {
		if errors.Is(err, core.ErrNotFound) || d.s.classify(err) == foreignKey {
			return "", false, notFound
		}
		return "", false, djangoErr(op, err)
	}
	return key, key == t.Digest, nil
}

// getOrCreateTokenKey is one attempt of GetOrCreateTokenKey, in one
// transaction; it sets *key.
func (d *DjangoStore) getOrCreateTokenKey(ctx context.Context, op string, t *core.Token, lastLogin time.Time, key *string) error {
	dl := d.s.dialect
	return d.s.inTx(ctx, op, nil, func(ex execQueryer) error {
		if lastLogin.IsZero() {
			if err := d.userMustExist(ctx, ex, t.UserID); err != nil {
				return err
			}
		} else {
			res, err := ex.ExecContext(ctx, d.q.users.recordLogin, djangoTimeValue{dl, lastLogin}, t.UserID)
			if err != nil {
				return err
			}
			if err := d.matched(ctx, ex, res, t.UserID); err != nil {
				return err
			}
		}
		if _, err := ex.ExecContext(ctx, d.q.users.insertTokenIfAbsent, t.Digest, djangoTimeArg(dl, t.Created), t.UserID); err != nil {
			return err
		}
		// A locking read: it sees the row a concurrent winner committed,
		// whatever snapshot the transaction holds (MySQL's REPEATABLE READ).
		return ex.QueryRowxContext(ctx, d.q.users.tokenKeyOfUserForUpdate, t.UserID).Scan(key)
	})
}

// UserByTokenKey implements core.TokenKeyStore: the token with exactly
// that key (compared byte for byte, also on MySQL's case-insensitive
// collation) and its owner, in one round trip. The Token's Digest holds
// the key; Expires is zero (DRF tokens do not expire).
func (d *DjangoStore) UserByTokenKey(ctx context.Context, key string) (*core.User, *core.Token, error) {
	const op = "user by token key"
	if err := ctx.Err(); err != nil {
		return nil, nil, djangoErr(op, err)
	}
	if key == "" || !storekit.Storable(key, djangoMaxTokenKey) {
		return nil, nil, core.ErrNotFound
	}
	var r djangoUserRow
	var tok core.Token
	var created djangoTime
	dest := append(r.dest(), &tok.Digest, &tok.UserID, &created)
	if err := d.lookup(ctx, op, d.q.users.userByTokenKey, []any{key}, dest...); err != nil {
		return nil, nil, err
	}
	if tok.Digest != key {
		return nil, nil, core.ErrNotFound
	}
	tok.Created = created.Time
	return r.user(), &tok, nil
}

// DeleteTokenKey implements core.TokenKeyStore: dj-rest-auth's logout,
// deleting the token with exactly that key. A missing token is not an
// error.
func (d *DjangoStore) DeleteTokenKey(ctx context.Context, key string) error {
	const op = "delete token key"
	if err := ctx.Err(); err != nil {
		return djangoErr(op, err)
	}
	if key == "" || !storekit.Storable(key, djangoMaxTokenKey) {
		return nil
	}
	args := []any{key}
	if d.s.dialect == MySQL {
		args = append(args, key)
	}
	if _, err := d.s.exec(ctx, d.q.users.deleteTokenKey, args...); err != nil {
		return djangoErr(op, err)
	}
	return nil
}
