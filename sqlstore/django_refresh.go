package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// Refresh tokens in a Django database.
//
// restauth's families and tokens live in restauth_refresh_family and
// restauth_refresh_token (DjangoMigrations; the native schema's columns,
// so the native statements of queries_refresh.go run on them). Every
// refresh token restauth mints also gets SimpleJWT's
// token_blacklist_outstandingtoken row (jti, the encoded token, created_at
// = issued, expires_at = expires, user_id), and every token restauth ends
// is blacklisted in token_blacklist_blacklistedtoken, in the same
// transaction as restauth's own write:
//
//   - a rotation (ConsumeRefreshToken) blacklists the consumed token;
//   - RevokeRefreshFamily blacklists every token of the family;
//   - RevokeUserRefreshFamilies blacklists every outstanding token of the
//     user, those Django minted included (a password change or "log out
//     everywhere" ends the user's SimpleJWT refresh tokens too), except
//     the tokens of the family it excepts.
//
// Django's blacklist is authoritative: a token of a restauth family that
// Django blacklisted (SimpleJWT's rotation or dj-rest-auth's logout with
// that refresh token) while restauth still holds it unused revokes its
// family. ConsumeRefreshToken and AddRefreshToken then return
// core.ErrRefreshRevoked and write nothing, and UserByRefreshFamily and
// RefreshTokenByJTI return the family with Revoked set to the earliest
// such blacklisted_at (restauth's own revocation time if it has one).
// The family row itself is not updated: reads never write.
//
// A token whose outstanding row is missing when restauth ends it (deleted
// by Django's flushexpiredtokens, or never written) gets one, as
// SimpleJWT's blacklist() does, with an empty token column. Unlike the
// native Store, the Django store keeps no change feed (core.ChangeFeed):
// Django would not write one, so one instance's revocations reach the
// others through the database at the next check only, which the
// per-request UserByRefreshFamily makes anyway.

var (
	_ core.RefreshStore     = (*DjangoStore)(nil)
	_ core.RefreshBlacklist = (*DjangoStore)(nil)
)

// errDjangoRevoked ends a rotation or addition that found the family
// blacklisted in Django's tables; it never leaves the package.
var errDjangoRevoked = errors.New("sqlstore: refresh family blacklisted in Django's tables")

// djangoRefreshQueries are the statements on the refresh side tables and
// SimpleJWT's tables, rebound for the dialect. Those on the side tables
// alone are the native ones.
type djangoRefreshQueries struct {
	insertFamily       string
	insertToken        string
	consumeToken       string
	addToken           string
	familyByID         string
	revokeFamily       string
	revokeUserFamilies string
	deleteExpiredSide  string
	deleteEmptyFamily  string

	// tokenByJTI and userByFamily add, after the native columns, the
	// family's earliest Django blacklisting of an unused token.
	tokenByJTI        string
	userByFamily      string
	familyBlacklisted string // family id → COUNT of its unused tokens blacklisted
	insertOutstanding string // jti, token, created_at, expires_at, user_id, jti (, jti)
	blacklistJTI      string // blacklisted_at, jti (, jti)
	blacklistFamily   string // blacklisted_at, family
	blacklistUser     string // blacklisted_at, user, excepted family
	jtiBlacklisted    string // jti (, jti)
	countFlushDjango  string // before: expired outstanding rows that are not restauth's
	flushBlacklisted  string // before
	flushOutstanding  string // before
	outstandingCount  string // jti (, jti): COUNT of outstanding rows with that jti
	exactJTI          bool   // MySQL: jti parameters are passed twice (exact match)
}

// newDjangoRefreshQueries returns the refresh statements of the Django
// schema for d.
//
// Cross-table jti comparisons are written so that the databases can use
// an index and agree on the comparison: restauth's jti columns compare
// bytes (VARBINARY on MySQL, COLLATE "C" on PostgreSQL) while SimpleJWT's
// jti is a varchar in the database's collation. On PostgreSQL the
// comparison names the "C" collation (two columns of different
// collations cannot be compared otherwise); MySQL compares a VARBINARY
// with a varchar as bytes, without the varchar's index, so every such
// join also matches the user and goes through the outstanding table's
// user_id index. Parameters compared with SimpleJWT's jti are matched
// exactly on MySQL too (its _ci collation alone would match case
// variants).
func newDjangoRefreshQueries(d Dialect) djangoRefreshQueries {
	bind := func(q string) string { return sqlx.Rebind(d.bindType(), q) }
	jtiJoin := func(outstanding, side string) string { // outstanding.jti = side.jti
		if d == Postgres {
			return outstanding + ` COLLATE "C" = ` + side
		}
		return outstanding + ` = ` + side
	}
	jtiParam := `o.jti = ?`
	if d == MySQL {
		jtiParam = `o.jti = ? AND CAST(o.jti AS BINARY) = CAST(? AS BINARY)`
	}
	// insertIgnore starts an INSERT that skips a row violating a unique
	// constraint, and ignoreTail ends it (a concurrent writer of the same
	// jti or token_id: the statement then reports 0 rows).
	insertIgnore, ignoreTail, dual := `INSERT INTO`, ` ON CONFLICT DO NOTHING`, ``
	if d == MySQL {
		insertIgnore, ignoreTail, dual = `INSERT IGNORE INTO`, ``, ` FROM DUAL`
	}
	blacklistedAt := `(SELECT MIN(b.blacklisted_at) FROM restauth_refresh_token ft
		JOIN token_blacklist_outstandingtoken o ON ` + jtiJoin("o.jti", "ft.jti") + ` AND o.user_id = ft.user_id
		JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id
		WHERE ft.family_id = f.id AND ft.used IS NULL)`
	notBlacklisted := `NOT EXISTS (SELECT 1 FROM token_blacklist_blacklistedtoken b WHERE b.token_id = o.id)`

	return djangoRefreshQueries{
		insertFamily:       bind(sqlInsertRefreshFamily),
		insertToken:        bind(sqlInsertRefreshToken),
		consumeToken:       bind(sqlConsumeRefreshToken),
		addToken:           bind(sqlAddRefreshToken),
		familyByID:         bind(sqlRefreshFamilyByID),
		revokeFamily:       bind(sqlRevokeRefreshFamily),
		revokeUserFamilies: bind(sqlRevokeUserRefreshFamilies),
		deleteExpiredSide:  bind(sqlDeleteExpiredRefreshTokens),
		deleteEmptyFamily:  bind(sqlDeleteEmptyRefreshFamilies),

		tokenByJTI: bind(`SELECT ` + refreshTokenColumns + `, ` + refreshFamilyColumns + `, ` + blacklistedAt + `
			FROM restauth_refresh_token t JOIN restauth_refresh_family f ON f.id = t.family_id
			WHERE t.jti = ?`),
		userByFamily: bind(`SELECT ` + djangoUserColumns + `, ` + refreshFamilyColumns + `, ` + blacklistedAt + `
			FROM restauth_refresh_family f JOIN auth_user u ON u.id = f.user_id
			WHERE f.id = ?`),
		familyBlacklisted: bind(`SELECT COUNT(*) FROM restauth_refresh_token ft
			JOIN token_blacklist_outstandingtoken o ON ` + jtiJoin("o.jti", "ft.jti") + ` AND o.user_id = ft.user_id
			JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id
			WHERE ft.family_id = ? AND ft.used IS NULL`),
		// The NOT EXISTS spares the sequence in the common case; the
		// conflict clause covers a concurrent insert of the same jti.
		insertOutstanding: bind(insertIgnore + ` token_blacklist_outstandingtoken (jti, token, created_at, expires_at, user_id)
			SELECT ?, ?, ?, ?, ?` + dual + ` WHERE NOT EXISTS (SELECT 1 FROM token_blacklist_outstandingtoken o WHERE ` + jtiParam + `)` + ignoreTail),
		blacklistJTI: bind(insertIgnore + ` token_blacklist_blacklistedtoken (blacklisted_at, token_id)
			SELECT ?, o.id FROM token_blacklist_outstandingtoken o WHERE ` + jtiParam + ` AND ` + notBlacklisted + ignoreTail),
		blacklistFamily: bind(insertIgnore + ` token_blacklist_blacklistedtoken (blacklisted_at, token_id)
			SELECT ?, o.id FROM restauth_refresh_token t
			JOIN token_blacklist_outstandingtoken o ON ` + jtiJoin("o.jti", "t.jti") + ` AND o.user_id = t.user_id
			WHERE t.family_id = ? AND ` + notBlacklisted + ignoreTail),
		blacklistUser: bind(insertIgnore + ` token_blacklist_blacklistedtoken (blacklisted_at, token_id)
			SELECT ?, o.id FROM token_blacklist_outstandingtoken o
			WHERE o.user_id = ? AND ` + notBlacklisted + `
			AND NOT EXISTS (SELECT 1 FROM restauth_refresh_token t
				WHERE ` + jtiJoin("o.jti", "t.jti") + ` AND t.family_id = ?)` + ignoreTail),
		jtiBlacklisted: bind(`SELECT COUNT(*) FROM token_blacklist_outstandingtoken o
			JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id WHERE ` + jtiParam),
		countFlushDjango: bind(`SELECT COUNT(*) FROM token_blacklist_outstandingtoken o
			WHERE o.expires_at <= ? AND NOT EXISTS (SELECT 1 FROM restauth_refresh_token t
				WHERE ` + jtiJoin("o.jti", "t.jti") + `)`),
		flushBlacklisted: bind(`DELETE FROM token_blacklist_blacklistedtoken
			WHERE token_id IN (SELECT o.id FROM token_blacklist_outstandingtoken o WHERE o.expires_at <= ?)`),
		flushOutstanding: bind(`DELETE FROM token_blacklist_outstandingtoken WHERE expires_at <= ?`),
		outstandingCount: bind(`SELECT COUNT(*) FROM token_blacklist_outstandingtoken o WHERE ` + jtiParam),
		exactJTI:         d == MySQL,
	}
}

// jtiArgs returns the arguments of a jti parameter compared with
// SimpleJWT's jti column (twice on MySQL, see newDjangoRefreshQueries).
func (d *DjangoStore) jtiArgs(jti string) []any {
	if d.q.refresh.exactJTI {
		return []any{jti, jti}
	}
	return []any{jti}
}

// djangoRefreshRow is a refresh token, its family and the family's
// earliest Django blacklisting of an unused token (zero: none).
type djangoRefreshRow struct {
	refreshTokenFamilyRow
	blacklistedAt djangoTime
}

// family returns the family, revoked at the blacklisting if restauth has
// not revoked it itself.
func (r *djangoRefreshRow) family() *core.RefreshFamily {
	return djangoFamily(&r.refreshFamilyRow, r.blacklistedAt)
}

// djangoFamily converts a family row, marking it revoked at blacklistedAt
// when restauth has not revoked it.
func djangoFamily(r *refreshFamilyRow, blacklistedAt djangoTime) *core.RefreshFamily {
	f := r.family()
	if f.Revoked.IsZero() && !blacklistedAt.Time.IsZero() {
		f.Revoked, f.EndedElsewhere = blacklistedAt.Time, true
	}
	return f
}

// insertOutstanding writes SimpleJWT's outstanding row of t on ex unless
// one with its jti exists: created_at = Issued, expires_at = Expires,
// user_id = UserID (0: NULL), token = t.Encoded.
func (d *DjangoStore) insertOutstanding(ctx context.Context, ex execQueryer, op string, t *core.RefreshToken) error {
	var user any
	if t.UserID != 0 {
		user = t.UserID
	}
	dialect := d.s.dialect
	args := append([]any{t.JTI, t.Encoded, djangoTimeValue{dialect, t.Issued}, djangoTimeArg(dialect, t.Expires), user},
		d.jtiArgs(t.JTI)...)
	if _, err := d.s.execOn(ctx, ex, d.q.refresh.insertOutstanding, args...); err != nil {
		return wrap(op, err)
	}
	return nil
}

// mintOutstanding writes the outstanding row of a token restauth mints:
// its jti must be new to Django's table too, or the insert is refused as a
// duplicate ID.
func (d *DjangoStore) mintOutstanding(ctx context.Context, ex execQueryer, op string, t *core.RefreshToken) error {
	var n int
	if err := d.s.queryRowOn(ctx, ex, d.q.refresh.outstandingCount, d.jtiArgs(t.JTI), &n); err != nil {
		return wrap(op, err)
	}
	if n != 0 {
		return fmt.Errorf("sqlstore: %s: jti already stored in token_blacklist_outstandingtoken", op)
	}
	return d.insertOutstanding(ctx, ex, op, t)
}

// blacklistJTI blacklists the outstanding token jti at `at` on ex and
// reports whether it did (false: already blacklisted, or no outstanding
// row).
func (d *DjangoStore) blacklistJTI(ctx context.Context, ex execQueryer, op, jti string, at time.Time) (bool, error) {
	args := append([]any{djangoTimeArg(d.s.dialect, at)}, d.jtiArgs(jti)...)
	res, err := d.s.execOn(ctx, ex, d.q.refresh.blacklistJTI, args...)
	if err != nil {
		return false, wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, wrap(op, err)
	}
	return n == 1, nil
}

// CreateRefreshFamily implements core.RefreshStore: the family, its first
// token and the token's outstanding row are inserted in one transaction.
// first must belong to f (same family ID and user); a family ID or jti
// already stored (in restauth's table or SimpleJWT's) is refused with a
// plain error, an unknown user with one wrapping core.ErrNotFound.
func (d *DjangoStore) CreateRefreshFamily(ctx context.Context, f *core.RefreshFamily, first *core.RefreshToken) error {
	const op = "django: create refresh family"
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
	q := &d.q.refresh
	return d.s.inTx(ctx, op, []string{q.insertFamily, q.insertToken}, func(ex execQueryer) error {
		_, err := d.s.execOn(ctx, ex, q.insertFamily, f.ID, f.UserID, toMicros(f.Created), toNullMicros(f.Revoked))
		if err != nil {
			return d.s.refreshWriteError(op, f.UserID, err)
		}
		if err := d.insertSideToken(ctx, ex, op, first); err != nil {
			return err
		}
		return d.mintOutstanding(ctx, ex, op, first)
	})
}

// insertSideToken inserts t into restauth_refresh_token on ex.
func (d *DjangoStore) insertSideToken(ctx context.Context, ex execQueryer, op string, t *core.RefreshToken) error {
	_, err := d.s.execOn(ctx, ex, d.q.refresh.insertToken,
		t.JTI, t.FamilyID, t.UserID, toMicros(t.Issued), toMicros(t.Expires), toNullMicros(t.Used))
	if err != nil {
		return d.s.refreshWriteError(op, t.UserID, err)
	}
	return nil
}

// ConsumeRefreshToken implements core.RefreshStore in one transaction:
// the native conditional UPDATE decides the rotation (so that of
// concurrent calls for one jti exactly one succeeds); then the family is
// checked against Django's blacklist, the consumed token is blacklisted
// (its outstanding row created first if it is missing), and the successor
// is inserted with its outstanding row. If Django blacklisted the token,
// or another unused token of its family, the transaction rolls back and
// the token is returned with core.ErrRefreshRevoked. Otherwise the
// precedence and errors are the native Store's.
func (d *DjangoStore) ConsumeRefreshToken(ctx context.Context, jti string, at time.Time, successor *core.RefreshToken) (*core.RefreshToken, error) {
	const op = "django: consume refresh token"
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
	q := &d.q.refresh
	var before *core.RefreshToken
	warm := []string{q.consumeToken, q.tokenByJTI, q.insertToken}
	err := d.s.inTx(ctx, op, warm, func(ex execQueryer) error {
		res, err := d.s.execOn(ctx, ex, q.consumeToken,
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
		var r djangoRefreshRow
		if err := d.s.queryRowOn(ctx, ex, q.tokenByJTI, []any{jti}, append(r.dest(), &r.blacklistedAt)...); err != nil {
			return wrap(op, err)
		}
		before = r.token()
		before.Used = time.Time{} // unused until this call, or the update would not have matched
		if !r.blacklistedAt.Time.IsZero() {
			return errDjangoRevoked // a sibling blacklisted by Django
		}
		if err := d.insertOutstanding(ctx, ex, op, before); err != nil {
			return err
		}
		done, err := d.blacklistJTI(ctx, ex, op, jti, at)
		if err != nil {
			return err
		}
		if !done {
			return errDjangoRevoked // Django blacklisted this very token
		}
		if err := d.insertSideToken(ctx, ex, op, successor); err != nil {
			return err
		}
		return d.mintOutstanding(ctx, ex, op, successor)
	})
	switch {
	case err == nil:
		return before, nil
	case errors.Is(err, errDjangoRevoked):
		return before, core.ErrRefreshRevoked
	case errors.Is(err, errNotConsumed):
		// The side tables have the native columns and names: the native
		// diagnosis reads them as they are.
		return d.s.whyNotConsumed(ctx, jti, at, successor)
	}
	return nil, err
}

// AddRefreshToken implements core.RefreshStore: the native INSERT …
// SELECT into a live family of the same user and the token's outstanding
// row, in one transaction; a family Django blacklisted (an unused token
// of it) returns core.ErrRefreshRevoked and writes nothing.
func (d *DjangoStore) AddRefreshToken(ctx context.Context, t *core.RefreshToken) error {
	const op = "django: add refresh token"
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	if err := errors.Join(storekit.CheckRefreshID("jti", t.JTI), storekit.CheckRefreshID("family id", t.FamilyID)); err != nil {
		return err
	}
	q := &d.q.refresh
	err := d.s.inTx(ctx, op, []string{q.addToken}, func(ex execQueryer) error {
		var blacklisted int
		if err := d.s.queryRowOn(ctx, ex, q.familyBlacklisted, []any{t.FamilyID}, &blacklisted); err != nil {
			return wrap(op, err)
		}
		if blacklisted > 0 {
			return errDjangoRevoked
		}
		res, err := d.s.execOn(ctx, ex, q.addToken,
			t.JTI, toMicros(t.Issued), toMicros(t.Expires), toNullMicros(t.Used), t.FamilyID, t.UserID)
		if err != nil {
			return d.s.refreshWriteError(op, t.UserID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return wrap(op, err)
		}
		if n != 1 {
			return errNotConsumed
		}
		return d.mintOutstanding(ctx, ex, op, t)
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errDjangoRevoked):
		return core.ErrRefreshRevoked
	case !errors.Is(err, errNotConsumed):
		return err
	}
	return d.s.refreshNotAdded(ctx, op, q.familyByID, t)
}

// RefreshTokenByJTI implements core.RefreshStore with one JOIN; the
// family reads revoked if Django blacklisted an unused token of it.
func (d *DjangoStore) RefreshTokenByJTI(ctx context.Context, jti string) (*core.RefreshToken, *core.RefreshFamily, error) {
	const op = "django: refresh token by jti"
	if err := ctx.Err(); err != nil {
		return nil, nil, wrap(op, err)
	}
	if !storekit.RefreshIDStorable(jti) {
		return nil, nil, core.ErrNotFound
	}
	var r djangoRefreshRow
	if err := d.s.lookup(ctx, op, d.q.refresh.tokenByJTI, []any{jti}, append(r.dest(), &r.blacklistedAt)...); err != nil {
		return nil, nil, err
	}
	return r.token(), r.family(), nil
}

// UserByRefreshFamily implements core.RefreshStore in one round trip: the
// family, its owner from auth_user (EmailVerified as the user queries
// read it) and whether Django blacklisted an unused token of the family,
// which makes the family read revoked.
func (d *DjangoStore) UserByRefreshFamily(ctx context.Context, familyID string) (*core.User, *core.RefreshFamily, error) {
	const op = "django: user by refresh family"
	if err := ctx.Err(); err != nil {
		return nil, nil, wrap(op, err)
	}
	if !storekit.RefreshIDStorable(familyID) {
		return nil, nil, core.ErrNotFound
	}
	var (
		u  djangoUserRow
		f  refreshFamilyRow
		at djangoTime
	)
	dest := append(u.appendDest(make([]any, 0, djangoUserColumnCount+5)), f.dest()...)
	if err := d.s.lookup(ctx, op, d.q.refresh.userByFamily, []any{familyID}, append(dest, &at)...); err != nil {
		return nil, nil, err
	}
	return u.user(), djangoFamily(&f, at), nil
}

// RevokeRefreshFamily implements core.RefreshStore: the family is revoked
// (the first revocation time is kept) and every token of it that has an
// outstanding row and is not blacklisted yet is blacklisted at `at`, in
// one transaction. An unknown family is not an error.
func (d *DjangoStore) RevokeRefreshFamily(ctx context.Context, familyID string, at time.Time) error {
	const op = "django: revoke refresh family"
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	if err := storekit.CheckInstant("revocation", at); err != nil {
		return err
	}
	if !storekit.RefreshIDStorable(familyID) {
		return nil
	}
	q := &d.q.refresh
	return d.s.inTx(ctx, op, nil, func(ex execQueryer) error {
		if _, err := d.s.execOn(ctx, ex, q.revokeFamily, toMicros(at), familyID); err != nil {
			return wrap(op, err)
		}
		if _, err := d.s.execOn(ctx, ex, q.blacklistFamily, djangoTimeArg(d.s.dialect, at), familyID); err != nil {
			return wrap(op, err)
		}
		return nil
	})
}

// RevokeUserRefreshFamilies implements core.RefreshStore: every live
// family of the user except exceptFamilyID is revoked, and every
// outstanding token of the user not blacklisted yet, Django's included,
// is blacklisted, except the tokens of exceptFamilyID, in one
// transaction. It reports how many families it revoked. An exception no
// column could hold matches no family, so it excepts nothing.
func (d *DjangoStore) RevokeUserRefreshFamilies(ctx context.Context, userID int64, exceptFamilyID string, at time.Time) (int, error) {
	const op = "django: revoke user refresh families"
	if err := ctx.Err(); err != nil {
		return 0, wrap(op, err)
	}
	if err := storekit.CheckInstant("revocation", at); err != nil {
		return 0, err
	}
	if !storekit.RefreshIDStorable(exceptFamilyID) {
		exceptFamilyID = "" // no family has the empty ID
	}
	q := &d.q.refresh
	var n int64
	err := d.s.inTx(ctx, op, nil, func(ex execQueryer) error {
		res, err := d.s.execOn(ctx, ex, q.revokeUserFamilies, toMicros(at), userID, exceptFamilyID)
		if err != nil {
			return wrap(op, err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return wrap(op, err)
		}
		if _, err := d.s.execOn(ctx, ex, q.blacklistUser, djangoTimeArg(d.s.dialect, at), userID, exceptFamilyID); err != nil {
			return wrap(op, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// FlushExpiredRefreshTokens implements core.RefreshStore in one
// transaction: restauth's tokens with expires <= before and the families
// left without tokens, then, as SimpleJWT's flushexpiredtokens, the
// outstanding rows with expires_at <= before and their blacklisted rows.
// It reports how many tokens it deleted, each counted once: restauth's,
// plus the outstanding rows of tokens restauth does not hold (Django's).
func (d *DjangoStore) FlushExpiredRefreshTokens(ctx context.Context, before time.Time) (int, error) {
	const op = "django: flush expired refresh tokens"
	if err := ctx.Err(); err != nil {
		return 0, wrap(op, err)
	}
	q := &d.q.refresh
	djangoBefore := djangoTimeArg(d.s.dialect, before)
	var n int64
	err := d.s.inTx(ctx, op, nil, func(ex execQueryer) error {
		var djangoOnly int64
		if err := ex.QueryRowxContext(ctx, q.countFlushDjango, djangoBefore).Scan(&djangoOnly); err != nil {
			return wrap(op, err)
		}
		res, err := ex.ExecContext(ctx, q.deleteExpiredSide, toMicros(before))
		if err != nil {
			return wrap(op, err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return wrap(op, err)
		}
		n += djangoOnly
		if _, err := ex.ExecContext(ctx, q.deleteEmptyFamily); err != nil {
			return wrap(op, err)
		}
		for _, stmt := range []string{q.flushBlacklisted, q.flushOutstanding} {
			if _, err := ex.ExecContext(ctx, stmt, djangoBefore); err != nil {
				return wrap(op, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// BlacklistRefreshToken implements core.RefreshBlacklist for a token
// minted elsewhere (SimpleJWT), as SimpleJWT 5.2.2's blacklist() does, in
// one transaction: the outstanding row is found by jti or created (jti,
// token = t.Encoded, expires_at = t.Expires, and user_id and created_at
// NULL, whatever t says, as SimpleJWT writes them), then blacklisted at
// `at`. The unique token_id decides between concurrent calls: exactly one
// succeeds and the others, like any call for a token already blacklisted,
// return core.ErrRefreshUsed. The jti is checked as restauth's are
// (core.MaxRefreshIDLength): others wrap core.ErrInvalidValue.
func (d *DjangoStore) BlacklistRefreshToken(ctx context.Context, t *core.RefreshToken, at time.Time) error {
	const op = "django: blacklist refresh token"
	if err := ctx.Err(); err != nil {
		return wrap(op, err)
	}
	if err := errors.Join(storekit.CheckRefreshID("jti", t.JTI), storekit.CheckInstant("blacklisting", at)); err != nil {
		return err
	}
	row := &core.RefreshToken{JTI: t.JTI, Encoded: t.Encoded, Expires: t.Expires}
	q := &d.q.refresh
	blacklist := func() error {
		return d.s.inTx(ctx, op, []string{q.insertOutstanding, q.blacklistJTI}, func(ex execQueryer) error {
			if err := d.insertOutstanding(ctx, ex, op, row); err != nil {
				return err
			}
			done, err := d.blacklistJTI(ctx, ex, op, t.JTI, at)
			if err != nil {
				return err
			}
			if !done {
				return core.ErrRefreshUsed
			}
			return nil
		})
	}
	// Concurrent blacklistings of one token can make MySQL/MariaDB fail a
	// loser instead of making it wait (a deadlock, or InnoDB's "Failed to
	// read auto-increment value" on the racing inserts): its transaction
	// rolled back, so a token blacklisted now was blacklisted by the
	// winner; otherwise the attempt is made again after a short, growing,
	// randomized pause (the winner may not have committed yet, and racers
	// retrying in step would collide again), a few times.
	var err error
	for attempt := range djangoBlacklistAttempts {
		if err = blacklist(); err == nil || errors.Is(err, core.ErrRefreshUsed) || ctx.Err() != nil {
			return err
		}
		if listed, lerr := d.RefreshTokenBlacklisted(ctx, t.JTI); lerr == nil && listed {
			return core.ErrRefreshUsed
		}
		if attempt+1 < djangoBlacklistAttempts {
			pause := time.Duration(attempt+1) * (djangoBlacklistPause + rand.N(djangoBlacklistPause))
			select {
			case <-ctx.Done():
				return wrap(op, ctx.Err())
			case <-time.After(pause):
			}
		}
	}
	return err
}

// djangoBlacklistAttempts bounds BlacklistRefreshToken's transactions;
// before the nth retry it pauses n times between djangoBlacklistPause
// and twice that.
const (
	djangoBlacklistAttempts = 6
	djangoBlacklistPause    = 5 * time.Millisecond
)

// RefreshTokenBlacklisted implements core.RefreshBlacklist: whether
// SimpleJWT's tables hold a blacklisted row for jti. An unknown jti, or
// one no restauth store could hold, is not blacklisted.
func (d *DjangoStore) RefreshTokenBlacklisted(ctx context.Context, jti string) (bool, error) {
	const op = "django: refresh token blacklisted"
	if err := ctx.Err(); err != nil {
		return false, wrap(op, err)
	}
	if !storekit.RefreshIDStorable(jti) {
		return false, nil
	}
	var n int
	if err := d.s.queryRow(ctx, d.q.refresh.jtiBlacklisted, d.jtiArgs(jti), &n); err != nil {
		return false, wrap(op, err)
	}
	return n > 0, nil
}
