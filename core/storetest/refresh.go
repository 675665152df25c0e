package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// The refresh cases follow the doc comments of core/store_refresh.go. They
// run only on stores that implement core.RefreshStore (see Run). Where the
// suite is stricter than those comments, the case says so.

func refreshLifecycleCases() []refreshCase {
	return []refreshCase{
		{"Create/RoundTrip", testRefreshCreateRoundTrip},
		{"Create/SubMicrosecondTimes", testRefreshCreateSubMicrosecond},
		{"Create/UnknownUser", testRefreshCreateUnknownUser},
		{"Create/FirstTokenMismatch", testRefreshCreateMismatch},
		{"Create/Duplicates", testRefreshCreateDuplicates},
		{"Lookup/UnknownJTI", testRefreshLookupUnknown},
		{"Lookup/Copies", testRefreshCopies},
		{"UserByFamily", testRefreshUserByFamily},
	}
}

func testRefreshCreateRoundTrip(t *testing.T, s core.Store, rs core.RefreshStore) {
	alice := mustCreate(t, s, newUser("alice"))
	f, first := newFamily(alice.ID, 1)
	in, inFirst := *f, *first
	mustCreateFamily(t, rs, &in, &inFirst)

	got, gotFamily, err := rs.RefreshTokenByJTI(t.Context(), first.JTI)
	if err != nil {
		t.Fatalf("RefreshTokenByJTI: %v", err)
	}
	checkRefreshToken(t, got, first) // times in UTC, to the microsecond; Used zero
	checkRefreshFamily(t, gotFamily, f)

	// A second login of the same user is a second family.
	f2, first2 := newFamily(alice.ID, 2)
	f2.Created = loggedInAt()
	first2.Issued = loggedInAt()
	first2.Expires = loggedInAt().Add(30 * 24 * time.Hour)
	mustCreateFamily(t, rs, f2, first2)
	wantRefreshToken(t, rs, first2)
	wantRefreshToken(t, rs, first)
	checkUser(t, wantFamily(t, rs, f2), alice)
	checkUser(t, wantFamily(t, rs, f), alice)
}

// testRefreshCreateSubMicrosecond allows a store to keep more than
// microsecond precision, or to cut it, but not to move an instant by a
// microsecond or more.
func testRefreshCreateSubMicrosecond(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("nanos"))
	f, first := newFamily(u.ID, 1)
	f.Created = time.Date(2031, 1, 2, 3, 4, 5, 123456789, zonePST())
	first.Issued = f.Created
	first.Expires = f.Created.Add(time.Hour)
	mustCreateFamily(t, rs, f, first)
	got, gotFamily, err := rs.RefreshTokenByJTI(t.Context(), first.JTI)
	if err != nil {
		t.Fatalf("RefreshTokenByJTI: %v", err)
	}
	for name, pair := range map[string][2]time.Time{
		"Created": {gotFamily.Created, f.Created},
		"Issued":  {got.Issued, first.Issued},
		"Expires": {got.Expires, first.Expires},
	} {
		if d := pair[0].Sub(pair[1]); d <= -time.Microsecond || d >= time.Microsecond {
			t.Errorf("%s = %v, want within 1µs of %v", name, pair[0], pair[1].UTC())
		}
		if pair[0].Location() != time.UTC {
			t.Errorf("%s is in %v, want UTC", name, pair[0].Location())
		}
	}
}

func testRefreshCreateUnknownUser(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	for _, id := range []int64{u.ID + 1000, 0, -1} {
		f, first := newFamily(id, int(id)+5000)
		err := rs.CreateRefreshFamily(t.Context(), f, first)
		wantErrIs(t, "CreateRefreshFamily(unknown user)", err, core.ErrNotFound)
		wantNoFamily(t, rs, f.ID)
		wantNoRefreshToken(t, rs, first.JTI)
	}
}

// testRefreshCreateMismatch: the first token must belong to the family it
// is created with (stricter than the contract, which implies it).
func testRefreshCreateMismatch(t *testing.T, s core.Store, rs core.RefreshStore) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	for name, mutate := range map[string]func(first *core.RefreshToken){
		"other family": func(first *core.RefreshToken) { first.FamilyID = refreshID("family", 99) },
		"other user":   func(first *core.RefreshToken) { first.UserID = bob.ID },
	} {
		f, first := newFamily(alice.ID, 1)
		mutate(first)
		wantRejected(t, "CreateRefreshFamily(first token of "+name+")", rs.CreateRefreshFamily(t.Context(), f, first))
		wantNoFamily(t, rs, f.ID)
		wantNoFamily(t, rs, first.FamilyID)
		wantNoRefreshToken(t, rs, first.JTI)
	}
}

// testRefreshCreateDuplicates: a family ID or jti already stored is
// refused, and the refused call writes nothing (the family and its first
// token are one write).
func testRefreshCreateDuplicates(t *testing.T, s core.Store, rs core.RefreshStore) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	f, first := mustLogin(t, rs, alice.ID, 1)

	// Same family ID, new jti, another user.
	dupFamily, dupFirst := newFamily(bob.ID, 1)
	dupFirst.JTI = refreshID("other", 1)
	wantRejected(t, "CreateRefreshFamily(duplicate family ID)", rs.CreateRefreshFamily(t.Context(), dupFamily, dupFirst))
	wantNoRefreshToken(t, rs, dupFirst.JTI)

	// New family, jti of an existing token: the family must not be left
	// behind without its token.
	newF, newFirst := newFamily(bob.ID, 2)
	newFirst.JTI = first.JTI
	wantRejected(t, "CreateRefreshFamily(duplicate jti)", rs.CreateRefreshFamily(t.Context(), newF, newFirst))
	wantNoFamily(t, rs, newF.ID)

	wantRefreshToken(t, rs, first)
	checkUser(t, wantFamily(t, rs, f), alice)
}

func testRefreshLookupUnknown(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	for _, q := range []string{refreshID("first", 2), f.ID, first.JTI[:31], first.JTI + "0", "", first.JTI + " "} {
		wantNoRefreshToken(t, rs, q)
	}
	for _, q := range []string{refreshID("family", 2), first.JTI, f.ID[:31], "", f.ID + " "} {
		wantNoFamily(t, rs, q)
	}
}

// testRefreshCopies: returned values are copies, and so are the values
// the store was given.
func testRefreshCopies(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := newFamily(u.ID, 1)
	wantF, wantFirst := *f, *first
	mustCreateFamily(t, rs, f, first)
	f.UserID, f.Created, f.Revoked = u.ID+1000, time.Unix(0, 0), time.Unix(0, 0)
	first.UserID, first.Expires, first.Used = u.ID+1000, time.Unix(0, 0), time.Unix(0, 0)

	tok, fam, err := rs.RefreshTokenByJTI(t.Context(), wantFirst.JTI)
	if err != nil {
		t.Fatalf("RefreshTokenByJTI: %v", err)
	}
	tok.UserID, tok.Expires, tok.Used = u.ID+1000, time.Unix(0, 0), time.Unix(0, 0)
	fam.UserID, fam.Revoked = u.ID+1000, time.Unix(0, 0)
	gotUser, fam, err := rs.UserByRefreshFamily(t.Context(), wantF.ID)
	if err != nil {
		t.Fatalf("UserByRefreshFamily: %v", err)
	}
	scribble(gotUser)
	fam.Revoked = time.Unix(0, 0)

	at := rotateAt()
	succ := successorOf(&wantFirst, 1, at)
	wantSucc := *succ
	old, err := rs.ConsumeRefreshToken(t.Context(), wantFirst.JTI, at, succ)
	if err != nil {
		t.Fatalf("ConsumeRefreshToken: %v", err)
	}
	succ.UserID, succ.Expires = u.ID+1000, time.Unix(0, 0)
	old.Used, old.Expires = time.Time{}, time.Unix(0, 0)

	wantRefreshToken(t, rs, used(&wantFirst, at))
	wantRefreshToken(t, rs, &wantSucc)
	checkUser(t, wantFamily(t, rs, &wantF), u)
}

// testRefreshUserByFamily: the family and its owner as stored now, in one
// call; a revoked family is still returned (the caller checks Revoked).
func testRefreshUserByFamily(t *testing.T, s core.Store, rs core.RefreshStore) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	fa, _ := mustLogin(t, rs, alice.ID, 1)
	fb, _ := mustLogin(t, rs, bob.ID, 2)

	checkUser(t, wantFamily(t, rs, fa), alice)
	checkUser(t, wantFamily(t, rs, fb), bob)

	if err := s.SetActive(t.Context(), alice.ID, false); err != nil {
		t.Fatalf("SetActive: %v", err)
	}
	if err := rs.RevokeRefreshFamily(t.Context(), fa.ID, rotateAt()); err != nil {
		t.Fatalf("RevokeRefreshFamily: %v", err)
	}
	got := wantFamily(t, rs, revoked(fa, rotateAt()))
	checkUser(t, got, mustGet(t, s, alice.ID))
	if got != nil && (got.IsActive || got.TokenEpoch != 1) {
		t.Errorf("UserByRefreshFamily user: IsActive=%v TokenEpoch=%d, want false 1", got.IsActive, got.TokenEpoch)
	}
	checkUser(t, wantFamily(t, rs, fb), bob)

	for _, q := range []string{refreshID("family", 3), "", refreshID("first", 1)} {
		u, f, err := rs.UserByRefreshFamily(t.Context(), q)
		if !errors.Is(err, core.ErrNotFound) {
			t.Errorf("UserByRefreshFamily(%q) = %v, %v, %v; want ErrNotFound", q, u, f, err)
		}
	}
}
