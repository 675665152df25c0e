package storetest

import (
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

func refreshAddCases() []refreshCase {
	return []refreshCase{
		{"Add/LiveFamily", testAddLive},
		{"Add/RevokedFamily", testAddRevoked},
		{"Add/UnknownFamily", testAddUnknownFamily},
		{"Add/Mismatch", testAddMismatch},
	}
}

func refreshRevokeCases() []refreshCase {
	return []refreshCase{
		{"Revoke/Family", testRevokeFamily},
		{"Revoke/Idempotent", testRevokeIdempotent},
		{"Revoke/UnknownFamily", testRevokeUnknown},
		{"Revoke/UserFamilies", testRevokeUser},
		{"Revoke/UserFamiliesExcept", testRevokeUserExcept},
	}
}

func refreshFlushCases() []refreshCase {
	return []refreshCase{
		{"Flush/Expired", testFlushExpired},
		{"Flush/Nothing", testFlushNothing},
	}
}

// testAddLive: a successor granted within the grace window joins the
// family without consuming anything; it can be rotated like any other.
func testAddLive(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	at := rotateAt()
	succ := successorOf(first, 1, at)
	if _, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ); err != nil {
		t.Fatalf("ConsumeRefreshToken: %v", err)
	}
	extra := successorOf(first, 2, at.Add(time.Second))
	in := *extra
	if err := rs.AddRefreshToken(t.Context(), &in); err != nil {
		t.Fatalf("AddRefreshToken(live family): %v", err)
	}
	in.Expires = time.Unix(0, 0) // the store keeps its own copy
	wantRefreshToken(t, rs, extra)
	wantRefreshToken(t, rs, succ)            // not consumed
	wantRefreshToken(t, rs, used(first, at)) // unchanged
	wantFamily(t, rs, f)

	later := at.Add(time.Minute)
	next := successorOf(extra, 3, later)
	if _, err := rs.ConsumeRefreshToken(t.Context(), extra.JTI, later, next); err != nil {
		t.Fatalf("ConsumeRefreshToken(added token): %v", err)
	}
	wantRefreshToken(t, rs, used(extra, later))
	wantRefreshToken(t, rs, next)

	// A jti already stored is refused.
	dup := successorOf(first, 4, later)
	dup.JTI = succ.JTI
	wantRejected(t, "AddRefreshToken(duplicate jti)", rs.AddRefreshToken(t.Context(), dup))
	wantRefreshToken(t, rs, succ)
}

func testAddRevoked(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	at := rotateAt()
	if err := rs.RevokeRefreshFamily(t.Context(), f.ID, at); err != nil {
		t.Fatalf("RevokeRefreshFamily: %v", err)
	}
	extra := successorOf(first, 1, at)
	wantErrIs(t, "AddRefreshToken(revoked family)", rs.AddRefreshToken(t.Context(), extra), core.ErrRefreshRevoked)
	wantNoRefreshToken(t, rs, extra.JTI)
	wantRefreshToken(t, rs, first)
	wantFamily(t, rs, revoked(f, at))
}

func testAddUnknownFamily(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	_, first := mustLogin(t, rs, u.ID, 1)
	extra := successorOf(first, 1, rotateAt())
	extra.FamilyID = refreshID("family", 99)
	wantErrIs(t, "AddRefreshToken(unknown family)", rs.AddRefreshToken(t.Context(), extra), core.ErrNotFound)
	wantNoRefreshToken(t, rs, extra.JTI)
	wantNoFamily(t, rs, extra.FamilyID)
}

// testAddMismatch: a token for another user than the family's owner is
// refused with a plain error (stricter than the contract, which implies
// it).
func testAddMismatch(t *testing.T, s core.Store, rs core.RefreshStore) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	f, first := mustLogin(t, rs, alice.ID, 1)
	for _, id := range []int64{bob.ID, bob.ID + 1000} {
		extra := successorOf(first, int(id), rotateAt())
		extra.UserID = id
		wantRejected(t, "AddRefreshToken(token of another user)", rs.AddRefreshToken(t.Context(), extra))
		wantNoRefreshToken(t, rs, extra.JTI)
	}
	wantFamily(t, rs, f)
}

func testRevokeFamily(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	other, otherFirst := mustLogin(t, rs, u.ID, 2)
	at := rotateAt()
	succ := successorOf(first, 1, at)
	if _, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ); err != nil {
		t.Fatalf("ConsumeRefreshToken: %v", err)
	}
	revokedAt := time.Date(2031, 3, 4, 9, 0, 0, 1000, zonePST())
	if err := rs.RevokeRefreshFamily(t.Context(), f.ID, revokedAt); err != nil {
		t.Fatalf("RevokeRefreshFamily: %v", err)
	}
	wantFamily(t, rs, revoked(f, revokedAt))
	// Its tokens stay (for reuse detection), unchanged; the family says
	// they are dead.
	wantRefreshToken(t, rs, used(first, at))
	wantRefreshToken(t, rs, succ)
	_, fam, err := rs.RefreshTokenByJTI(t.Context(), succ.JTI)
	if err == nil {
		checkRefreshFamily(t, fam, revoked(f, revokedAt))
	}
	wantFamily(t, rs, other)
	wantRefreshToken(t, rs, otherFirst)
}

func testRevokeIdempotent(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, _ := mustLogin(t, rs, u.ID, 1)
	first := rotateAt()
	for i, at := range []time.Time{first, first.Add(time.Hour), first.Add(-time.Hour), first} {
		if err := rs.RevokeRefreshFamily(t.Context(), f.ID, at); err != nil {
			t.Fatalf("RevokeRefreshFamily call %d: %v", i+1, err)
		}
		wantFamily(t, rs, revoked(f, first)) // the first revocation time is kept
	}
}

func testRevokeUnknown(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, _ := mustLogin(t, rs, u.ID, 1)
	for _, id := range []string{refreshID("family", 2), "", f.ID[:31], f.ID + " ", "%", "_"} {
		if err := rs.RevokeRefreshFamily(t.Context(), id, rotateAt()); err != nil {
			t.Errorf("RevokeRefreshFamily(%q): %v, want nil", id, err)
		}
		wantNoFamily(t, rs, id)
	}
	wantFamily(t, rs, f)
}

func testRevokeUser(t *testing.T, s core.Store, rs core.RefreshStore) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	a1, _ := mustLogin(t, rs, alice.ID, 1)
	a2, _ := mustLogin(t, rs, alice.ID, 2)
	a3, _ := mustLogin(t, rs, alice.ID, 3)
	b1, b1First := mustLogin(t, rs, bob.ID, 4)
	earlier := rotateAt()
	if err := rs.RevokeRefreshFamily(t.Context(), a3.ID, earlier); err != nil {
		t.Fatalf("RevokeRefreshFamily: %v", err)
	}
	at := earlier.Add(time.Hour)
	n, err := rs.RevokeUserRefreshFamilies(t.Context(), alice.ID, "", at)
	if err != nil || n != 2 {
		t.Fatalf("RevokeUserRefreshFamilies(alice) = %d, %v; want 2, nil", n, err)
	}
	wantFamily(t, rs, revoked(a1, at))
	wantFamily(t, rs, revoked(a2, at))
	wantFamily(t, rs, revoked(a3, earlier)) // already revoked: kept, not counted
	wantFamily(t, rs, b1)
	wantRefreshToken(t, rs, b1First)

	n, err = rs.RevokeUserRefreshFamilies(t.Context(), alice.ID, "", at.Add(time.Hour))
	if err != nil || n != 0 {
		t.Errorf("RevokeUserRefreshFamilies(alice) again = %d, %v; want 0, nil", n, err)
	}
	wantFamily(t, rs, revoked(a1, at))
	for _, id := range []int64{bob.ID + 1000, 0, -1} {
		n, err = rs.RevokeUserRefreshFamilies(t.Context(), id, "", at)
		if err != nil || n != 0 {
			t.Errorf("RevokeUserRefreshFamilies(unknown user %d) = %d, %v; want 0, nil", id, n, err)
		}
	}
	wantFamily(t, rs, b1)
}

func testRevokeUserExcept(t *testing.T, s core.Store, rs core.RefreshStore) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	a1, _ := mustLogin(t, rs, alice.ID, 1)
	a2, _ := mustLogin(t, rs, alice.ID, 2)
	a3, _ := mustLogin(t, rs, alice.ID, 3)
	b1, _ := mustLogin(t, rs, bob.ID, 4)
	at := rotateAt()

	// Excepting another user's family excepts nothing of alice's.
	n, err := rs.RevokeUserRefreshFamilies(t.Context(), bob.ID, a1.ID, at)
	if err != nil || n != 1 {
		t.Fatalf("RevokeUserRefreshFamilies(bob, except alice's) = %d, %v; want 1, nil", n, err)
	}
	wantFamily(t, rs, revoked(b1, at))
	wantFamily(t, rs, a1)

	n, err = rs.RevokeUserRefreshFamilies(t.Context(), alice.ID, a2.ID, at)
	if err != nil || n != 2 {
		t.Fatalf("RevokeUserRefreshFamilies(alice, except a2) = %d, %v; want 2, nil", n, err)
	}
	wantFamily(t, rs, revoked(a1, at))
	wantFamily(t, rs, a2)
	wantFamily(t, rs, revoked(a3, at))

	n, err = rs.RevokeUserRefreshFamilies(t.Context(), alice.ID, a2.ID, at.Add(time.Hour))
	if err != nil || n != 0 {
		t.Errorf("RevokeUserRefreshFamilies(alice, except a2) again = %d, %v; want 0, nil", n, err)
	}
	later := at.Add(2 * time.Hour)
	n, err = rs.RevokeUserRefreshFamilies(t.Context(), alice.ID, "", later)
	if err != nil || n != 1 {
		t.Errorf("RevokeUserRefreshFamilies(alice) = %d, %v; want 1, nil", n, err)
	}
	wantFamily(t, rs, revoked(a1, at))
	wantFamily(t, rs, revoked(a2, later))
}

// testFlushExpired: tokens whose Expires is at or before `before` are
// deleted (an expired token is one with at >= Expires, as for
// ConsumeRefreshToken; the boundary is stricter than the contract's
// wording), used or not, revoked family or not; then the families left
// without tokens. The count is of tokens.
func testFlushExpired(t *testing.T, s core.Store, rs core.RefreshStore) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	before := refreshBase().Add(48 * time.Hour)

	// Family mixed: an old used token, its successor still valid.
	mixed, mixedFirst := mustLogin(t, rs, alice.ID, 1)
	at := rotateAt()
	mixedSucc := successorOf(mixedFirst, 1, at)
	mixedSucc.Expires = before.Add(time.Microsecond)
	if _, err := rs.ConsumeRefreshToken(t.Context(), mixedFirst.JTI, at, mixedSucc); err != nil {
		t.Fatalf("ConsumeRefreshToken: %v", err)
	}
	// Family gone: every token expired, one of them exactly at `before`.
	gone, goneFirst := mustLogin(t, rs, alice.ID, 2)
	goneExtra := successorOf(goneFirst, 2, at)
	goneExtra.Expires = before
	if err := rs.AddRefreshToken(t.Context(), goneExtra); err != nil {
		t.Fatalf("AddRefreshToken: %v", err)
	}
	// Family revoked but with a valid token: kept.
	kept, keptFirst := newFamily(bob.ID, 3)
	keptFirst.Expires = before.Add(time.Hour)
	mustCreateFamily(t, rs, kept, keptFirst)
	if err := rs.RevokeRefreshFamily(t.Context(), kept.ID, at); err != nil {
		t.Fatalf("RevokeRefreshFamily: %v", err)
	}
	// Family revoked with only expired tokens: gone.
	goneRevoked, goneRevokedFirst := mustLogin(t, rs, bob.ID, 4)
	if err := rs.RevokeRefreshFamily(t.Context(), goneRevoked.ID, at); err != nil {
		t.Fatalf("RevokeRefreshFamily: %v", err)
	}

	n, err := rs.FlushExpiredRefreshTokens(t.Context(), before.In(zonePST()))
	if err != nil || n != 4 {
		t.Fatalf("FlushExpiredRefreshTokens = %d, %v; want 4, nil", n, err)
	}
	for _, jti := range []string{mixedFirst.JTI, goneFirst.JTI, goneExtra.JTI, goneRevokedFirst.JTI} {
		wantNoRefreshToken(t, rs, jti)
	}
	wantNoFamily(t, rs, gone.ID)
	wantNoFamily(t, rs, goneRevoked.ID)
	wantRefreshToken(t, rs, mixedSucc)
	wantFamily(t, rs, mixed)
	wantRefreshToken(t, rs, keptFirst)
	wantFamily(t, rs, revoked(kept, at))

	// A flushed token is unknown, not reused.
	_, err = rs.ConsumeRefreshToken(t.Context(), mixedFirst.JTI, at, successorOf(mixedFirst, 9, at))
	wantErrIs(t, "ConsumeRefreshToken(flushed token)", err, core.ErrNotFound)

	n, err = rs.FlushExpiredRefreshTokens(t.Context(), before)
	if err != nil || n != 0 {
		t.Errorf("FlushExpiredRefreshTokens again = %d, %v; want 0, nil", n, err)
	}
	wantRefreshToken(t, rs, mixedSucc)
	wantFamily(t, rs, mixed)
}

func testFlushNothing(t *testing.T, s core.Store, rs core.RefreshStore) {
	if n, err := rs.FlushExpiredRefreshTokens(t.Context(), rotateAt()); err != nil || n != 0 {
		t.Errorf("FlushExpiredRefreshTokens(empty store) = %d, %v; want 0, nil", n, err)
	}
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	// One microsecond before expiry, the token is valid and kept.
	if n, err := rs.FlushExpiredRefreshTokens(t.Context(), first.Expires.Add(-time.Microsecond)); err != nil || n != 0 {
		t.Errorf("FlushExpiredRefreshTokens(before expiry) = %d, %v; want 0, nil", n, err)
	}
	wantRefreshToken(t, rs, first)
	wantFamily(t, rs, f)
}
