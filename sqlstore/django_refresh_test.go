package sqlstore_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/sqlstore"
)

// SimpleJWT facts of the fixture (fixture-expectations.json "jwt"): all of
// alice, expiring 2036-12-03 18:38:31 UTC (exp 2111942311).
const (
	djBlacklistedJTI = "a6945b36bee94ca193af00778e2c555c" // outstanding id 1, blacklisted
	djLiveJTI        = "8a63ee64b18948a7b264494910ba6582" // outstanding id 2, live
	djRotatedJTI     = "1464638107a64f2fb002a7c641d549a8" // no row (SimpleJWT 5.2.2 rotation)
	djRotatedToken   = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MjExMTk0MjMxMSwiaWF0IjoxNzk2NTgyMzExLCJqdGkiOiIxNDY0NjM4MTA3YTY0ZjJmYjAwMmE3YzY0MWQ1NDlhOCIsInVzZXJfaWQiOjF9.pehwLiB0VM6gU_LQuIvLgpR5z5Ts-SUVx1wFXJymtPY"
)

// djJWTExpiry is the fixture tokens' exp.
var djJWTExpiry = time.Unix(2111942311, 0).UTC()

// djTime is a Django datetime read from a row of any dialect: text on
// SQLite, a time.Time elsewhere; NULL is the zero time.
type djTime struct{ time.Time }

func (d *djTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		d.Time = time.Time{}
	case time.Time:
		d.Time = v.UTC()
	case string:
		return d.parse(v)
	case []byte:
		return d.parse(string(v))
	default:
		return fmt.Errorf("djTime from %T", src)
	}
	return nil
}

func (d *djTime) parse(s string) error {
	v, err := time.Parse("2006-01-02 15:04:05.999999", s)
	d.Time = v
	return err
}

// djTimeArg is a Django datetime argument for a statement on s's dialect.
func djTimeArg(s *sqlstore.DjangoStore, t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if s.Dialect() == sqlstore.SQLite {
		if t.Nanosecond() == 0 {
			return t.Format("2006-01-02 15:04:05")
		}
		return t.Format("2006-01-02 15:04:05.000000")
	}
	return t
}

// djOutstanding is a token_blacklist_outstandingtoken row.
type djOutstanding struct {
	ID        int64
	Token     string
	CreatedAt djTime
	ExpiresAt djTime
	UserID    *int64
}

// outstandingRow reads the outstanding row of jti; ok is false without one.
func outstandingRow(t *testing.T, s *sqlstore.DjangoStore, jti string) (r djOutstanding, ok bool) {
	t.Helper()
	rows, err := s.DB().QueryContext(t.Context(), s.DB().Rebind(`SELECT id, token, created_at, expires_at, user_id
		FROM token_blacklist_outstandingtoken WHERE jti = ?`), jti)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() {
		return r, false
	}
	if err := rows.Scan(&r.ID, &r.Token, &r.CreatedAt, &r.ExpiresAt, &r.UserID); err != nil {
		t.Fatal(err)
	}
	return r, true
}

// djangoBlacklisted is SimpleJWT's check_blacklist query: is jti in the
// blacklist?
func djangoBlacklisted(t *testing.T, s *sqlstore.DjangoStore, jti string) bool {
	t.Helper()
	return djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_blacklistedtoken b
		JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id WHERE o.jti = ?`, jti) > 0
}

// djangoBlacklist blacklists jti at `at` as SimpleJWT's blacklist() does
// for a token with an outstanding row.
func djangoBlacklist(t *testing.T, s *sqlstore.DjangoStore, jti string, at time.Time) {
	t.Helper()
	res := djExec(t, s, `INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id)
		SELECT ?, id FROM token_blacklist_outstandingtoken WHERE jti = ?`, djTimeArg(s, at), jti)
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("Django blacklisting of %s: %d rows, %v", jti, n, err)
	}
}

// djFamily returns a family of alice (user 1) created at base and its
// first token, valid for a day, whose encoded form is "jwt-" + its jti.
func djFamily(seed string, base time.Time) (*core.RefreshFamily, *core.RefreshToken) {
	f := &core.RefreshFamily{ID: fmt.Sprintf("%032s", "f"+seed), UserID: 1, Created: base}
	first := &core.RefreshToken{JTI: fmt.Sprintf("%032s", "t"+seed), FamilyID: f.ID, UserID: 1,
		Issued: base, Expires: base.Add(24 * time.Hour)}
	first.Encoded = "jwt-" + first.JTI
	return f, first
}

// djNext returns the successor of tok with jti seed, issued at `at`.
func djNext(tok *core.RefreshToken, seed string, at time.Time) *core.RefreshToken {
	n := &core.RefreshToken{JTI: fmt.Sprintf("%032s", "t"+seed), FamilyID: tok.FamilyID, UserID: tok.UserID,
		Issued: at, Expires: at.Add(24 * time.Hour)}
	n.Encoded = "jwt-" + n.JTI
	return n
}

// wantOutstanding checks the outstanding row restauth wrote for tok.
func wantOutstanding(t *testing.T, s *sqlstore.DjangoStore, tok *core.RefreshToken) {
	t.Helper()
	r, ok := outstandingRow(t, s, tok.JTI)
	switch {
	case !ok:
		t.Errorf("%s: no outstanding row", tok.JTI)
	case r.Token != tok.Encoded || r.UserID == nil || *r.UserID != tok.UserID ||
		!r.CreatedAt.Equal(tok.Issued.Truncate(time.Microsecond)) || !r.ExpiresAt.Equal(tok.Expires.Truncate(time.Microsecond)):
		t.Errorf("%s: outstanding row %+v (user %v), want token %q, user %d, created %v, expires %v",
			tok.JTI, r, r.UserID, tok.Encoded, tok.UserID, tok.Issued, tok.Expires)
	}
}

// TestDjangoFixtureBlacklist: the fixture's SimpleJWT rows read as Django
// wrote them, and BlacklistRefreshToken does what SimpleJWT 5.2.2's
// blacklist() does.
func TestDjangoFixtureBlacklist(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		for jti, want := range map[string]bool{djBlacklistedJTI: true, djLiveJTI: false, djRotatedJTI: false, "unknown": false, "": false} {
			if got, err := s.RefreshTokenBlacklisted(ctx, jti); err != nil || got != want {
				t.Errorf("RefreshTokenBlacklisted(%q) = %v, %v; want %v", jti, got, err, want)
			}
		}

		// B, rotated by SimpleJWT without a row: a user-less row is made,
		// then blacklisted; a second call is reuse.
		at := time.Date(2027, 1, 2, 3, 4, 5, 678901000, time.UTC)
		b := &core.RefreshToken{JTI: djRotatedJTI, UserID: 1, Issued: at, Expires: djJWTExpiry, Encoded: djRotatedToken}
		if err := s.BlacklistRefreshToken(ctx, b, at); err != nil {
			t.Fatalf("BlacklistRefreshToken(B): %v", err)
		}
		r, ok := outstandingRow(t, s, djRotatedJTI)
		if !ok || r.Token != djRotatedToken || r.UserID != nil || !r.CreatedAt.IsZero() || !r.ExpiresAt.Equal(djJWTExpiry) {
			t.Errorf("B's outstanding row = %+v (found %v), want the token, user NULL, created NULL, expires %v", r, ok, djJWTExpiry)
		}
		if n := djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_blacklistedtoken WHERE token_id = ? AND blacklisted_at = ?`,
			r.ID, djTimeArg(s, at)); n != 1 {
			t.Errorf("B's blacklisted rows at %v: %d, want 1", at, n)
		}
		if !djangoBlacklisted(t, s, djRotatedJTI) {
			t.Error("B is not blacklisted for SimpleJWT")
		}
		if err := s.BlacklistRefreshToken(ctx, b, at); !errors.Is(err, core.ErrRefreshUsed) {
			t.Errorf("second BlacklistRefreshToken(B) = %v, want ErrRefreshUsed", err)
		}
		if err := s.BlacklistRefreshToken(ctx, &core.RefreshToken{JTI: djBlacklistedJTI, Expires: djJWTExpiry}, at); !errors.Is(err, core.ErrRefreshUsed) {
			t.Errorf("BlacklistRefreshToken(A, blacklisted by Django) = %v, want ErrRefreshUsed", err)
		}

		// C has its row: it is blacklisted, no second row appears, and its
		// user stays.
		c := &core.RefreshToken{JTI: djLiveJTI, Expires: djJWTExpiry, Encoded: "ignored"}
		if err := s.BlacklistRefreshToken(ctx, c, at); err != nil {
			t.Fatalf("BlacklistRefreshToken(C): %v", err)
		}
		if r, _ := outstandingRow(t, s, djLiveJTI); r.ID != 2 || r.UserID == nil || *r.UserID != 1 || r.Token == "ignored" {
			t.Errorf("C's outstanding row changed: %+v", r)
		}
		if n := djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_outstandingtoken`); n != 3 {
			t.Errorf("%d outstanding rows, want 3 (A, C and B's new one)", n)
		}
		if blacklisted, err := s.RefreshTokenBlacklisted(ctx, djLiveJTI); err != nil || !blacklisted {
			t.Errorf("RefreshTokenBlacklisted(C) after blacklisting = %v, %v", blacklisted, err)
		}

		for _, bad := range []string{"", string(make([]byte, core.MaxRefreshIDLength+1))} {
			if err := s.BlacklistRefreshToken(ctx, &core.RefreshToken{JTI: bad, Expires: djJWTExpiry}, at); !errors.Is(err, core.ErrInvalidValue) {
				t.Errorf("BlacklistRefreshToken(jti of %d bytes) = %v, want ErrInvalidValue", len(bad), err)
			}
		}
		if err := s.BlacklistRefreshToken(ctx, &core.RefreshToken{JTI: "x", Expires: djJWTExpiry}, time.Time{}); !errors.Is(err, core.ErrInvalidValue) {
			t.Errorf("BlacklistRefreshToken at the zero time = %v, want ErrInvalidValue", err)
		}
	})
}

// TestDjangoBlacklistConcurrent: of concurrent blacklistings of one token
// without a row, exactly one succeeds, the others are reuse, and one
// outstanding and one blacklisted row exist.
func TestDjangoBlacklistConcurrent(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		const n = 8
		for round, jti := range []string{djRotatedJTI, djLiveJTI} {
			var wg sync.WaitGroup
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					tok := &core.RefreshToken{JTI: jti, Expires: djJWTExpiry, Encoded: djRotatedToken}
					errs[i] = s.BlacklistRefreshToken(t.Context(), tok, time.Now())
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, core.ErrRefreshUsed):
					t.Errorf("round %d: %v", round, err)
				}
			}
			if won != 1 {
				t.Errorf("round %d (%s): %d calls succeeded, want 1 (%v)", round, jti, won, errs)
			}
			if o := djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_outstandingtoken WHERE jti = ?`, jti); o != 1 {
				t.Errorf("%s: %d outstanding rows, want 1", jti, o)
			}
			if b := djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_blacklistedtoken b
				JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id WHERE o.jti = ?`, jti); b != 1 {
				t.Errorf("%s: %d blacklisted rows, want 1", jti, b)
			}
		}
	})
}

// TestDjangoRefreshRotationWritesSimpleJWTRows: every token restauth
// mints has its outstanding row, a rotation blacklists the consumed
// token for SimpleJWT, a revocation the family's tokens, and a revocation
// of the user's families every outstanding token of the user, Django's
// included, except the excepted family's.
func TestDjangoRefreshRotationWritesSimpleJWTRows(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		base := time.Date(2031, 3, 4, 5, 6, 7, 654321000, time.FixedZone("IST", 5*3600+1800))
		f, first := djFamily("1", base)
		if err := s.CreateRefreshFamily(ctx, f, first); err != nil {
			t.Fatal(err)
		}
		wantOutstanding(t, s, first)
		if djangoBlacklisted(t, s, first.JTI) {
			t.Error("a fresh token is blacklisted")
		}

		at := base.Add(time.Hour)
		second := djNext(first, "2", at)
		got, err := s.ConsumeRefreshToken(ctx, first.JTI, at, second)
		if err != nil || got.JTI != first.JTI || !got.Used.IsZero() {
			t.Fatalf("ConsumeRefreshToken = %+v, %v", got, err)
		}
		wantOutstanding(t, s, second)
		if !djangoBlacklisted(t, s, first.JTI) || djangoBlacklisted(t, s, second.JTI) {
			t.Error("after the rotation: the consumed token must be blacklisted for SimpleJWT, its successor not")
		}
		if n := djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_blacklistedtoken b
			JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id WHERE o.jti = ? AND b.blacklisted_at = ?`,
			first.JTI, djTimeArg(s, at)); n != 1 {
			t.Errorf("consumed token blacklisted at %v: %d rows, want 1", at, n)
		}
		// Reuse of the consumed token is restauth's answer, not Django's.
		if _, err := s.ConsumeRefreshToken(ctx, first.JTI, at, djNext(first, "3", at)); !errors.Is(err, core.ErrRefreshUsed) {
			t.Errorf("reuse = %v, want ErrRefreshUsed", err)
		}

		grace := djNext(first, "4", at)
		if err := s.AddRefreshToken(ctx, grace); err != nil {
			t.Fatal(err)
		}
		wantOutstanding(t, s, grace)

		if err := s.RevokeRefreshFamily(ctx, f.ID, at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		for _, jti := range []string{second.JTI, grace.JTI} {
			if !djangoBlacklisted(t, s, jti) {
				t.Errorf("%s of the revoked family is not blacklisted", jti)
			}
		}
		if djangoBlacklisted(t, s, djLiveJTI) {
			t.Error("revoking one family blacklisted a Django token")
		}
		if err := s.RevokeRefreshFamily(ctx, f.ID, at.Add(2*time.Minute)); err != nil {
			t.Errorf("second revocation: %v", err)
		}

		// Two more logins; a password change keeping the second one.
		f5, t5 := djFamily("5", base)
		f6, t6 := djFamily("6", base)
		for _, fam := range []struct {
			f *core.RefreshFamily
			t *core.RefreshToken
		}{{f5, t5}, {f6, t6}} {
			if err := s.CreateRefreshFamily(ctx, fam.f, fam.t); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.RevokeUserRefreshFamilies(ctx, 1, f6.ID, at)
		if err != nil || n != 1 {
			t.Errorf("RevokeUserRefreshFamilies = %d, %v; want 1 (f5)", n, err)
		}
		if !djangoBlacklisted(t, s, t5.JTI) || !djangoBlacklisted(t, s, djLiveJTI) {
			t.Error("the user's other tokens (restauth's and Django's live C) must be blacklisted")
		}
		if djangoBlacklisted(t, s, t6.JTI) {
			t.Error("the excepted family's token was blacklisted")
		}
		if n, err := s.RevokeUserRefreshFamilies(ctx, 1, "", at); err != nil || n != 1 || !djangoBlacklisted(t, s, t6.JTI) {
			t.Errorf("RevokeUserRefreshFamilies(all) = %d, %v; want 1 and f6's token blacklisted", n, err)
		}
		// Every token has one outstanding row, none twice blacklisted.
		if dup := djCount(t, s, `SELECT COUNT(*) FROM (SELECT token_id FROM token_blacklist_blacklistedtoken
			GROUP BY token_id HAVING COUNT(*) > 1) d`); dup != 0 {
			t.Errorf("%d tokens blacklisted twice", dup)
		}
		// The fixture's other users are untouched.
		if n := djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_outstandingtoken WHERE user_id <> 1`); n != 0 {
			t.Errorf("%d outstanding rows of other users", n)
		}
	})
}

// TestDjangoBlacklistRevokesFamily: a restauth token that Django
// blacklisted (SimpleJWT's refresh or dj-rest-auth's logout with it)
// revokes its family: the rotation is refused with ErrRefreshRevoked and
// writes nothing, the family and the token read revoked at the
// blacklisting, and no token can be added to it.
func TestDjangoBlacklistRevokesFamily(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		base := time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)
		at := base.Add(time.Hour)
		blacklistedAt := base.Add(30*time.Minute + 123456*time.Microsecond)

		// The token itself blacklisted.
		f, first := djFamily("1", base)
		if err := s.CreateRefreshFamily(ctx, f, first); err != nil {
			t.Fatal(err)
		}
		djangoBlacklist(t, s, first.JTI, blacklistedAt)
		outstanding := djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_outstandingtoken`)
		blacklisted := djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_blacklistedtoken`)
		next := djNext(first, "2", at)
		got, err := s.ConsumeRefreshToken(ctx, first.JTI, at, next)
		if !errors.Is(err, core.ErrRefreshRevoked) || got == nil || got.JTI != first.JTI || !got.Used.IsZero() {
			t.Fatalf("ConsumeRefreshToken of a Django-blacklisted token = %+v, %v; want the token and ErrRefreshRevoked", got, err)
		}
		if _, _, err := s.RefreshTokenByJTI(ctx, next.JTI); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("successor stored: %v", err)
		}
		if n := djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_outstandingtoken`); n != outstanding {
			t.Errorf("outstanding rows %d → %d: something was written", outstanding, n)
		}
		if n := djCount(t, s, `SELECT COUNT(*) FROM token_blacklist_blacklistedtoken`); n != blacklisted {
			t.Errorf("blacklisted rows %d → %d: something was written", blacklisted, n)
		}
		tok, fam, err := s.RefreshTokenByJTI(ctx, first.JTI)
		if err != nil || !tok.Used.IsZero() || !fam.Revoked.Equal(blacklistedAt) {
			t.Errorf("RefreshTokenByJTI = %+v, %+v, %v; want unused, family revoked at %v", tok, fam, err, blacklistedAt)
		}
		u, fam, err := s.UserByRefreshFamily(ctx, f.ID)
		if err != nil || u.ID != 1 || u.Username != "alice" || !u.EmailVerified || !u.IsActive || !fam.Revoked.Equal(blacklistedAt) {
			t.Errorf("UserByRefreshFamily = %+v, %+v, %v; want alice and the family revoked at %v", u, fam, err, blacklistedAt)
		}
		if err := s.AddRefreshToken(ctx, djNext(first, "3", at)); !errors.Is(err, core.ErrRefreshRevoked) {
			t.Errorf("AddRefreshToken = %v, want ErrRefreshRevoked", err)
		}
		// restauth's own revocation time wins once it has one.
		if err := s.RevokeRefreshFamily(ctx, f.ID, at); err != nil {
			t.Fatal(err)
		}
		if _, fam, err := s.UserByRefreshFamily(ctx, f.ID); err != nil || !fam.Revoked.Equal(at) {
			t.Errorf("after RevokeRefreshFamily: %+v, %v; want revoked at %v", fam, err, at)
		}

		// A sibling (a grace-window token) blacklisted: the family is
		// revoked for the other token too.
		g, gFirst := djFamily("5", base)
		if err := s.CreateRefreshFamily(ctx, g, gFirst); err != nil {
			t.Fatal(err)
		}
		sibling := djNext(gFirst, "6", base)
		if err := s.AddRefreshToken(ctx, sibling); err != nil {
			t.Fatal(err)
		}
		if _, fam, err := s.UserByRefreshFamily(ctx, g.ID); err != nil || !fam.Revoked.IsZero() {
			t.Fatalf("live family reads %+v, %v", fam, err)
		}
		djangoBlacklist(t, s, sibling.JTI, blacklistedAt)
		if _, err := s.ConsumeRefreshToken(ctx, gFirst.JTI, at, djNext(gFirst, "7", at)); !errors.Is(err, core.ErrRefreshRevoked) {
			t.Errorf("ConsumeRefreshToken with a blacklisted sibling = %v, want ErrRefreshRevoked", err)
		}
		if _, fam, err := s.RefreshTokenByJTI(ctx, gFirst.JTI); err != nil || !fam.Revoked.Equal(blacklistedAt) {
			t.Errorf("RefreshTokenByJTI(sibling of a blacklisted token) = %+v, %v", fam, err)
		}

		// A used token blacklisted by restauth's own rotation does not
		// revoke its family.
		h, hFirst := djFamily("8", base)
		if err := s.CreateRefreshFamily(ctx, h, hFirst); err != nil {
			t.Fatal(err)
		}
		hNext := djNext(hFirst, "9", at)
		if _, err := s.ConsumeRefreshToken(ctx, hFirst.JTI, at, hNext); err != nil {
			t.Fatal(err)
		}
		if _, fam, err := s.UserByRefreshFamily(ctx, h.ID); err != nil || !fam.Revoked.IsZero() {
			t.Errorf("rotated family reads %+v, %v; want live", fam, err)
		}
		if _, err := s.ConsumeRefreshToken(ctx, hNext.JTI, at.Add(time.Minute), djNext(hNext, "a", at)); err != nil {
			t.Errorf("second rotation: %v", err)
		}
	})
}

// TestDjangoRefreshMissingOutstandingRow: a restauth token whose
// outstanding row Django deleted (flushexpiredtokens with another clock,
// or by hand) still rotates, and gets a row that is blacklisted.
func TestDjangoRefreshMissingOutstandingRow(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		base := time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)
		f, first := djFamily("1", base)
		if err := s.CreateRefreshFamily(ctx, f, first); err != nil {
			t.Fatal(err)
		}
		djExec(t, s, `DELETE FROM token_blacklist_outstandingtoken WHERE jti = ?`, first.JTI)
		if _, err := s.ConsumeRefreshToken(ctx, first.JTI, base.Add(time.Hour), djNext(first, "2", base)); err != nil {
			t.Fatal(err)
		}
		r, ok := outstandingRow(t, s, first.JTI)
		if !ok || r.UserID == nil || *r.UserID != 1 || !r.ExpiresAt.Equal(first.Expires) || !djangoBlacklisted(t, s, first.JTI) {
			t.Errorf("re-created row %+v (found %v), blacklisted %v", r, ok, djangoBlacklisted(t, s, first.JTI))
		}
	})
}

// TestDjangoFlushExpiredRefreshTokens: restauth's expired tokens and
// families go, and so do SimpleJWT's expired outstanding rows with their
// blacklisted rows (flushexpiredtokens); each token is counted once.
func TestDjangoFlushExpiredRefreshTokens(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		base := time.Date(2031, 3, 4, 5, 6, 7, 0, time.UTC)
		f, first := djFamily("1", base)
		if err := s.CreateRefreshFamily(ctx, f, first); err != nil {
			t.Fatal(err)
		}
		if n, err := s.FlushExpiredRefreshTokens(ctx, base); err != nil || n != 0 {
			t.Errorf("flush before anything expired = %d, %v", n, err)
		}
		// At the fixture tokens' expiry, restauth's token (a day after
		// 2031) and A (blacklisted) and C are all expired: 3 tokens.
		if n, err := s.FlushExpiredRefreshTokens(ctx, djJWTExpiry); err != nil || n != 3 {
			t.Errorf("FlushExpiredRefreshTokens = %d, %v; want 3", n, err)
		}
		for _, table := range []string{"token_blacklist_outstandingtoken", "token_blacklist_blacklistedtoken", "restauth_refresh_token", "restauth_refresh_family"} {
			if n := djCount(t, s, "SELECT COUNT(*) FROM "+table); n != 0 {
				t.Errorf("%s: %d rows left", table, n)
			}
		}
		if _, _, err := s.UserByRefreshFamily(ctx, f.ID); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("flushed family: %v", err)
		}
	})
}
