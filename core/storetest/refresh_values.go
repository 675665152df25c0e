package storetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

func refreshValueCases() []refreshCase {
	return []refreshCase{
		{"Limits/AtLimitRoundTrips", testRefreshAtLimit},
		{"Limits/InvalidIDsRejected", testRefreshInvalidIDs},
		{"Limits/LookupsOfImpossibleIDsMiss", testRefreshImpossibleLookups},
		{"Literal/Metacharacters", testRefreshLiteral},
		{"ZeroTime", testRefreshZeroTime},
		{"Context/Cancelled", func(t *testing.T, s core.Store, rs core.RefreshStore) {
			testRefreshContextDone(t, s, rs, cancelled(t))
		}},
		{"Context/DeadlineExceeded", func(t *testing.T, s core.Store, rs core.RefreshStore) {
			ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
			defer cancel()
			testRefreshContextDone(t, s, rs, ctx)
		}},
	}
}

// invalidRefreshIDs are IDs no store can hold: over the 64-character
// limit, invalid UTF-8, a NUL byte, and empty (refusing "" is stricter
// than the contract: an empty ID is never a real one, and "" means "no
// exception" to RevokeUserRefreshFamilies).
func invalidRefreshIDs() map[string]string {
	return map[string]string{
		"over-long":       strings.Repeat("a", core.MaxRefreshIDLength+1),
		"over-long (é)":   strings.Repeat("é", core.MaxRefreshIDLength+1),
		"invalid UTF-8":   "\xff" + refreshID("bad", 1)[1:],
		"truncated UTF-8": refreshID("bad", 2) + "\xc3",
		"NUL":             refreshID("bad", 3)[:16] + "\x00" + refreshID("bad", 3)[17:],
		"empty":           "",
	}
}

// wantInvalidValue requires err to wrap core.ErrInvalidValue.
func wantInvalidValue(t *testing.T, op string, err error) {
	t.Helper()
	if !errors.Is(err, core.ErrInvalidValue) {
		t.Errorf("%s: err = %v, want ErrInvalidValue", op, err)
	}
}

// testRefreshAtLimit: IDs of exactly 64 characters, multi-byte ones
// included, round-trip.
func testRefreshAtLimit(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := newFamily(u.ID, 1)
	f.ID = strings.Repeat("é", core.MaxRefreshIDLength)
	first.FamilyID = f.ID
	first.JTI = strings.Repeat("😀", core.MaxRefreshIDLength)
	mustCreateFamily(t, rs, f, first)
	wantRefreshToken(t, rs, first)
	wantFamily(t, rs, f)

	at := rotateAt()
	succ := successorOf(first, 1, at)
	succ.JTI = strings.Repeat("名", core.MaxRefreshIDLength)
	if _, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ); err != nil {
		t.Fatalf("ConsumeRefreshToken: %v", err)
	}
	wantRefreshToken(t, rs, used(first, at))
	wantRefreshToken(t, rs, succ)
	extra := successorOf(first, 2, at)
	extra.JTI = strings.Repeat("f", core.MaxRefreshIDLength)
	if err := rs.AddRefreshToken(t.Context(), extra); err != nil {
		t.Fatalf("AddRefreshToken: %v", err)
	}
	wantRefreshToken(t, rs, extra)
	if err := rs.RevokeRefreshFamily(t.Context(), f.ID, at); err != nil {
		t.Fatalf("RevokeRefreshFamily: %v", err)
	}
	wantFamily(t, rs, revoked(f, at))
}

// testRefreshInvalidIDs: every write refuses an impossible jti or family
// ID with an error wrapping core.ErrInvalidValue, before writing anything.
func testRefreshInvalidIDs(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	live, liveFirst := mustLogin(t, rs, u.ID, 1)
	at := rotateAt()
	for name, bad := range invalidRefreshIDs() {
		f, first := newFamily(u.ID, 2)
		f.ID, first.FamilyID = bad, bad
		wantInvalidValue(t, "CreateRefreshFamily(family ID "+name+")", rs.CreateRefreshFamily(t.Context(), f, first))
		wantNoRefreshToken(t, rs, first.JTI)

		f, first = newFamily(u.ID, 3)
		first.JTI = bad
		wantInvalidValue(t, "CreateRefreshFamily(jti "+name+")", rs.CreateRefreshFamily(t.Context(), f, first))
		wantNoFamily(t, rs, f.ID)

		succ := successorOf(liveFirst, 1, at)
		succ.JTI = bad
		old, err := rs.ConsumeRefreshToken(t.Context(), liveFirst.JTI, at, succ)
		wantInvalidValue(t, "ConsumeRefreshToken(successor jti "+name+")", err)
		if err == nil {
			t.Fatalf("ConsumeRefreshToken with successor jti %s succeeded (old %+v)", name, old)
		}

		extra := successorOf(liveFirst, 2, at)
		extra.JTI = bad
		wantInvalidValue(t, "AddRefreshToken(jti "+name+")", rs.AddRefreshToken(t.Context(), extra))
		extra = successorOf(liveFirst, 3, at)
		extra.FamilyID = bad
		err = rs.AddRefreshToken(t.Context(), extra)
		if !errors.Is(err, core.ErrInvalidValue) && !errors.Is(err, core.ErrNotFound) {
			t.Errorf("AddRefreshToken(family ID %s): err = %v, want ErrInvalidValue or ErrNotFound", name, err)
		}
		wantNoRefreshToken(t, rs, extra.JTI)
	}
	wantRefreshToken(t, rs, liveFirst)
	wantFamily(t, rs, live)
}

// testRefreshImpossibleLookups: an ID no store can hold is simply not
// found (no driver error for invalid UTF-8 or NUL), revoking it does
// nothing, and excepting it from RevokeUserRefreshFamilies excepts nothing.
func testRefreshImpossibleLookups(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	at := rotateAt()
	for name, bad := range invalidRefreshIDs() {
		wantNoRefreshToken(t, rs, bad)
		wantNoFamily(t, rs, bad)
		old, err := rs.ConsumeRefreshToken(t.Context(), bad, at, successorOf(first, 1, at))
		wantErrIs(t, "ConsumeRefreshToken(jti "+name+")", err, core.ErrNotFound)
		if old != nil {
			t.Errorf("ConsumeRefreshToken(jti %s) returned %+v, want nil", name, old)
		}
		if err := rs.RevokeRefreshFamily(t.Context(), bad, at); err != nil {
			t.Errorf("RevokeRefreshFamily(%s): %v, want nil", name, err)
		}
	}
	wantNoRefreshToken(t, rs, refreshID("successor", 1))
	wantRefreshToken(t, rs, first)
	wantFamily(t, rs, f)

	bad := invalidRefreshIDs()["invalid UTF-8"]
	n, err := rs.RevokeUserRefreshFamilies(t.Context(), u.ID, bad, at)
	if err != nil || n != 1 {
		t.Errorf("RevokeUserRefreshFamilies(except an impossible ID) = %d, %v; want 1, nil", n, err)
	}
	wantFamily(t, rs, revoked(f, at))
}

// testRefreshLiteral: IDs are compared as values, never as patterns or
// SQL (T-DB-01).
func testRefreshLiteral(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	hostile := hostileStrings()
	families := make([]*core.RefreshFamily, len(hostile))
	tokens := make([]*core.RefreshToken, len(hostile))
	for i, v := range hostile {
		f, first := newFamily(u.ID, i)
		f.ID, first.FamilyID, first.JTI = v, v, v+"-jti"
		mustCreateFamily(t, rs, f, first)
		families[i], tokens[i] = f, first
	}
	at := rotateAt()
	for _, q := range []string{"%", "_", "a_", "%jti", "' OR '1'='1' --", `" OR "1"="1' --`} {
		wantNoRefreshToken(t, rs, q)
		wantNoFamily(t, rs, q)
		if _, err := rs.ConsumeRefreshToken(t.Context(), q, at, successorOf(tokens[0], 1, at)); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("ConsumeRefreshToken(%q): err = %v, want ErrNotFound", q, err)
		}
		if err := rs.RevokeRefreshFamily(t.Context(), q, at); err != nil {
			t.Errorf("RevokeRefreshFamily(%q): %v", q, err)
		}
	}
	for i := range hostile {
		wantRefreshToken(t, rs, tokens[i])
		wantFamily(t, rs, families[i])
	}
	// Excepting a pattern excepts only the family with that exact ID.
	n, err := rs.RevokeUserRefreshFamilies(t.Context(), u.ID, "a%", at)
	if err != nil || n != len(hostile)-1 {
		t.Errorf("RevokeUserRefreshFamilies(except a%%) = %d, %v; want %d, nil", n, err, len(hostile)-1)
	}
	for i, v := range hostile {
		if v == "a%" {
			wantFamily(t, rs, families[i])
		} else {
			wantFamily(t, rs, revoked(families[i], at))
		}
	}
}

// testRefreshZeroTime: the zero time means "not used" and "live", so a
// store must never report a rotation or revocation at the zero time as
// done while it reads back as not done. Refusing the call is fine.
func testRefreshZeroTime(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	succ := successorOf(first, 1, rotateAt())
	if _, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, time.Time{}, succ); err == nil {
		tok, _, err := rs.RefreshTokenByJTI(t.Context(), first.JTI)
		if err != nil || tok.Used.IsZero() {
			t.Errorf("ConsumeRefreshToken(at zero) succeeded, but the token reads %+v, %v", tok, err)
		}
	} else {
		wantRejected(t, "ConsumeRefreshToken(at zero)", err)
		wantUntouched(t, rs, f, first, succ)
	}

	f2, _ := mustLogin(t, rs, u.ID, 2)
	if err := rs.RevokeRefreshFamily(t.Context(), f2.ID, time.Time{}); err == nil {
		if _, got, err := rs.UserByRefreshFamily(t.Context(), f2.ID); err != nil || got.Revoked.IsZero() {
			t.Errorf("RevokeRefreshFamily(at zero) succeeded, but the family reads %+v, %v", got, err)
		}
	} else if isSentinel(err) {
		t.Errorf("RevokeRefreshFamily(at zero): err = %v, want a non-sentinel error", err)
	}

	f3, _ := mustLogin(t, rs, u.ID, 3)
	if n, err := rs.RevokeUserRefreshFamilies(t.Context(), u.ID, "", time.Time{}); err == nil {
		if _, got, err := rs.UserByRefreshFamily(t.Context(), f3.ID); err != nil || got.Revoked.IsZero() {
			t.Errorf("RevokeUserRefreshFamilies(at zero) = %d, nil, but the family reads %+v, %v", n, got, err)
		}
	} else if isSentinel(err) {
		t.Errorf("RevokeUserRefreshFamilies(at zero): err = %v, want a non-sentinel error", err)
	}
}

// testRefreshContextDone calls every RefreshStore method with a context
// that is already done: each must fail with an error that is none of the
// sentinels, and writes must not happen.
func testRefreshContextDone(t *testing.T, s core.Store, rs core.RefreshStore, ctx context.Context) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	expired, expiredFirst := newFamily(u.ID, 2)
	expiredFirst.Expires = refreshBase().Add(-time.Hour)
	mustCreateFamily(t, rs, expired, expiredFirst)
	at := rotateAt()
	newF, newFirst := newFamily(u.ID, 3)
	succ := successorOf(first, 1, at)
	extra := successorOf(first, 2, at)

	calls := map[string]func() error{
		"CreateRefreshFamily": func() error { return rs.CreateRefreshFamily(ctx, newF, newFirst) },
		"ConsumeRefreshToken": func() error {
			_, err := rs.ConsumeRefreshToken(ctx, first.JTI, at, succ)
			return err
		},
		"ConsumeRefreshToken(unknown)": func() error {
			_, err := rs.ConsumeRefreshToken(ctx, refreshID("first", 99), at, succ)
			return err
		},
		"AddRefreshToken": func() error { return rs.AddRefreshToken(ctx, extra) },
		"RefreshTokenByJTI": func() error {
			_, _, err := rs.RefreshTokenByJTI(ctx, first.JTI)
			return err
		},
		"RefreshTokenByJTI(unknown)": func() error {
			_, _, err := rs.RefreshTokenByJTI(ctx, refreshID("first", 99))
			return err
		},
		"UserByRefreshFamily": func() error {
			_, _, err := rs.UserByRefreshFamily(ctx, f.ID)
			return err
		},
		"RevokeRefreshFamily": func() error { return rs.RevokeRefreshFamily(ctx, f.ID, at) },
		"RevokeRefreshFamily(unknown)": func() error {
			return rs.RevokeRefreshFamily(ctx, refreshID("family", 99), at)
		},
		"RevokeUserRefreshFamilies": func() error {
			_, err := rs.RevokeUserRefreshFamilies(ctx, u.ID, "", at)
			return err
		},
		"FlushExpiredRefreshTokens": func() error {
			_, err := rs.FlushExpiredRefreshTokens(ctx, at)
			return err
		},
	}
	for name, call := range calls {
		err := call()
		if err == nil {
			t.Errorf("%s with a done context succeeded, want an error", name)
		} else if isSentinel(err) {
			t.Errorf("%s with a done context: err = %v, want a non-sentinel error", name, err)
		}
	}

	wantNoFamily(t, rs, newF.ID)
	wantNoRefreshToken(t, rs, newFirst.JTI)
	wantUntouched(t, rs, f, first, succ)
	wantNoRefreshToken(t, rs, extra.JTI)
	wantRefreshToken(t, rs, expiredFirst)
	wantFamily(t, rs, expired)
}
