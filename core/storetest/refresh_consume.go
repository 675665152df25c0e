package storetest

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// refreshRacers is how many goroutines consume the same refresh token at
// once (T-RT-02 asks for 20; more makes a lost update likelier to show).
const refreshRacers = 50

func refreshConsumeCases() []refreshCase {
	return []refreshCase{
		{"Consume/Success", testConsumeSuccess},
		{"Consume/Chain", testConsumeChain},
		{"Consume/AlreadyUsed", testConsumeAlreadyUsed},
		{"Consume/RevokedFamily", testConsumeRevoked},
		{"Consume/UsedInRevokedFamily", testConsumeUsedInRevoked},
		{"Consume/Expired", testConsumeExpired},
		{"Consume/UnknownJTI", testConsumeUnknown},
		{"Consume/SuccessorMismatch", testConsumeSuccessorMismatch},
		{"Consume/SuccessorCollision", testConsumeSuccessorCollision},
		{"Consume/Concurrent", testConsumeConcurrent},
		{"Consume/ConcurrentWithRevoke", testConsumeConcurrentRevoke},
	}
}

// wantUntouched requires tok to be stored unused, in its live family f, and
// successor not to be stored: a refused call wrote nothing.
func wantUntouched(t *testing.T, rs core.RefreshStore, f *core.RefreshFamily, tok *core.RefreshToken, successor *core.RefreshToken) {
	t.Helper()
	wantRefreshToken(t, rs, tok)
	wantFamily(t, rs, f)
	if successor != nil {
		wantNoRefreshToken(t, rs, successor.JTI)
	}
}

func testConsumeSuccess(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	other, otherFirst := mustLogin(t, rs, u.ID, 2)
	at := rotateAt()
	succ := successorOf(first, 1, at)

	old, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ)
	if err != nil {
		t.Fatalf("ConsumeRefreshToken: %v", err)
	}
	checkRefreshToken(t, old, first) // the token as it was: Used zero
	wantRefreshToken(t, rs, used(first, at))
	wantRefreshToken(t, rs, succ)
	wantFamily(t, rs, f) // still live
	wantFamily(t, rs, other)
	wantRefreshToken(t, rs, otherFirst)
}

// testConsumeChain rotates a token, then its successor, then that one's
// successor: each step needs the previous successor, never the original.
func testConsumeChain(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, cur := mustLogin(t, rs, u.ID, 1)
	var chain []*core.RefreshToken
	for i := range 4 {
		at := rotateAt().Add(time.Duration(i) * time.Minute)
		next := successorOf(cur, i, at)
		old, err := rs.ConsumeRefreshToken(t.Context(), cur.JTI, at, next)
		if err != nil {
			t.Fatalf("rotation %d: %v", i, err)
		}
		checkRefreshToken(t, old, cur)
		chain = append(chain, used(cur, at))
		cur = next
	}
	for _, tok := range chain {
		wantRefreshToken(t, rs, tok)
	}
	wantRefreshToken(t, rs, cur)
	wantFamily(t, rs, f)
}

func testConsumeAlreadyUsed(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	at := rotateAt()
	succ := successorOf(first, 1, at)
	if _, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ); err != nil {
		t.Fatalf("ConsumeRefreshToken: %v", err)
	}
	for i, later := range []time.Time{at, at.Add(time.Second)} {
		again := successorOf(first, 10+i, later)
		old, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, later, again)
		wantErrIs(t, "ConsumeRefreshToken(used token)", err, core.ErrRefreshUsed)
		if old == nil {
			t.Errorf("ConsumeRefreshToken(used token) returned a nil token with %v", err)
		} else {
			checkRefreshToken(t, old, used(first, at)) // Used set, to the first use
		}
		wantNoRefreshToken(t, rs, again.JTI)
	}
	wantRefreshToken(t, rs, used(first, at))
	wantRefreshToken(t, rs, succ)
	wantFamily(t, rs, f) // the store does not revoke by itself: core decides
}

func testConsumeRevoked(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	other, otherFirst := mustLogin(t, rs, u.ID, 2)
	revokedAt := rotateAt()
	if err := rs.RevokeRefreshFamily(t.Context(), f.ID, revokedAt); err != nil {
		t.Fatalf("RevokeRefreshFamily: %v", err)
	}
	at := revokedAt.Add(time.Minute)
	succ := successorOf(first, 1, at)
	old, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ)
	wantErrIs(t, "ConsumeRefreshToken(revoked family)", err, core.ErrRefreshRevoked)
	if old == nil {
		t.Errorf("ConsumeRefreshToken(revoked family) returned a nil token with %v", err)
	} else {
		checkRefreshToken(t, old, first)
	}
	wantRefreshToken(t, rs, first) // not marked used
	wantNoRefreshToken(t, rs, succ.JTI)
	wantFamily(t, rs, revoked(f, revokedAt))

	// The other login of the same user is unaffected.
	if _, err := rs.ConsumeRefreshToken(t.Context(), otherFirst.JTI, at, successorOf(otherFirst, 2, at)); err != nil {
		t.Errorf("ConsumeRefreshToken(other family): %v", err)
	}
	wantFamily(t, rs, other)
}

// testConsumeUsedInRevokedFamily presents a rotated token after its family
// was revoked. The contract lists ErrRefreshUsed first; the suite requires
// it (stricter than the contract, which does not order the two): reuse
// stays visible as reuse after a logout.
func testConsumeUsedInRevoked(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	at := rotateAt()
	succ := successorOf(first, 1, at)
	if _, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ); err != nil {
		t.Fatalf("ConsumeRefreshToken: %v", err)
	}
	revokedAt := at.Add(time.Second)
	if err := rs.RevokeRefreshFamily(t.Context(), f.ID, revokedAt); err != nil {
		t.Fatalf("RevokeRefreshFamily: %v", err)
	}
	later := revokedAt.Add(time.Second)
	again := successorOf(first, 2, later)
	old, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, later, again)
	wantErrIs(t, "ConsumeRefreshToken(used token, revoked family)", err, core.ErrRefreshUsed)
	if old != nil {
		checkRefreshToken(t, old, used(first, at))
	} else {
		t.Errorf("ConsumeRefreshToken(used token, revoked family) returned a nil token")
	}
	_, err = rs.ConsumeRefreshToken(t.Context(), succ.JTI, later, again)
	wantErrIs(t, "ConsumeRefreshToken(unused token, revoked family)", err, core.ErrRefreshRevoked)
	wantNoRefreshToken(t, rs, again.JTI)
	wantRefreshToken(t, rs, succ)
}

// testConsumeExpired: a token is expired at `at` when at >= Expires; an
// expired token is as good as missing (ErrNotFound, nil token), even when
// it was also used (stricter than the contract, which does not order the
// two: FlushExpiredRefreshTokens may delete it at any time), and nothing
// is written.
func testConsumeExpired(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	for i, at := range []time.Time{
		first.Expires,
		first.Expires.Add(time.Microsecond),
		first.Expires.Add(365 * 24 * time.Hour),
		first.Expires.In(zonePST()),
	} {
		succ := successorOf(first, i, at)
		old, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ)
		wantErrIs(t, "ConsumeRefreshToken(expired)", err, core.ErrNotFound)
		if old != nil {
			t.Errorf("ConsumeRefreshToken(expired) returned token %+v, want nil", old)
		}
		wantUntouched(t, rs, f, first, succ)
	}

	// One microsecond before expiry is still valid.
	at := first.Expires.Add(-time.Microsecond)
	succ := successorOf(first, 10, at)
	if _, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ); err != nil {
		t.Fatalf("ConsumeRefreshToken(1µs before expiry): %v", err)
	}
	wantRefreshToken(t, rs, used(first, at))

	// Used, then expired: not found, not reuse.
	old, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, first.Expires, successorOf(first, 11, first.Expires))
	wantErrIs(t, "ConsumeRefreshToken(used and expired)", err, core.ErrNotFound)
	if old != nil {
		t.Errorf("ConsumeRefreshToken(used and expired) returned token %+v, want nil", old)
	}
	wantNoRefreshToken(t, rs, refreshID("successor", 11))
}

func testConsumeUnknown(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	at := rotateAt()
	for i, jti := range []string{
		refreshID("first", 2), f.ID, "", first.JTI[:31], first.JTI + " ", strings.ToUpper(first.JTI),
	} {
		succ := successorOf(first, i, at)
		old, err := rs.ConsumeRefreshToken(t.Context(), jti, at, succ)
		wantErrIs(t, "ConsumeRefreshToken(unknown jti "+jti+")", err, core.ErrNotFound)
		if old != nil {
			t.Errorf("ConsumeRefreshToken(unknown jti) returned token %+v, want nil", old)
		}
		wantUntouched(t, rs, f, first, succ)
	}
}

// testConsumeSuccessorMismatch: the successor must continue the consumed
// token's family for the same user; otherwise the call fails with a plain
// error and writes nothing.
func testConsumeSuccessorMismatch(t *testing.T, s core.Store, rs core.RefreshStore) {
	alice := mustCreate(t, s, newUser("alice"))
	bob := mustCreate(t, s, newUser("bob"))
	f, first := mustLogin(t, rs, alice.ID, 1)
	other, _ := mustLogin(t, rs, alice.ID, 2)
	bobs, _ := mustLogin(t, rs, bob.ID, 3)
	at := rotateAt()
	for name, mutate := range map[string]func(succ *core.RefreshToken){
		"another family of the same user": func(succ *core.RefreshToken) { succ.FamilyID = other.ID },
		"another user's family":           func(succ *core.RefreshToken) { succ.FamilyID, succ.UserID = bobs.ID, bob.ID },
		"another user":                    func(succ *core.RefreshToken) { succ.UserID = bob.ID },
		"an unknown family":               func(succ *core.RefreshToken) { succ.FamilyID = refreshID("family", 99) },
		"an unknown user":                 func(succ *core.RefreshToken) { succ.UserID = bob.ID + 1000 },
	} {
		succ := successorOf(first, 1, at)
		mutate(succ)
		old, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ)
		wantRejected(t, "ConsumeRefreshToken(successor in "+name+")", err)
		if err == nil {
			t.Fatalf("successor in %s stored: %+v (old %+v)", name, succ, old)
		}
		wantUntouched(t, rs, f, first, succ)
	}
	wantFamily(t, rs, other)
	wantFamily(t, rs, bobs)
}

// testConsumeSuccessorCollision: a successor whose jti is already stored
// fails the whole rotation. The token must not stay marked used (that
// would turn the client's retry into "reuse").
func testConsumeSuccessorCollision(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	_, otherFirst := mustLogin(t, rs, u.ID, 2)
	at := rotateAt()
	for name, jti := range map[string]string{
		"the consumed token's jti": first.JTI,
		"another family's token":   otherFirst.JTI,
	} {
		succ := successorOf(first, 1, at)
		succ.JTI = jti
		_, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ)
		wantRejected(t, "ConsumeRefreshToken(successor jti is "+name+")", err)
		wantUntouched(t, rs, f, first, nil)
	}
	wantRefreshToken(t, rs, otherFirst)

	// The retry is a first attempt.
	succ := successorOf(first, 1, at)
	if _, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succ); err != nil {
		t.Fatalf("ConsumeRefreshToken after failed attempts: %v", err)
	}
	wantRefreshToken(t, rs, used(first, at))
	wantRefreshToken(t, rs, succ)
}

// raceN runs op(i) for i in [0, n) in goroutines released together by a
// start barrier and returns their results.
func raceN[T any](n int, op func(i int) (T, error)) ([]T, []error) {
	results := make([]T, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var ready, done sync.WaitGroup
	for i := range n {
		ready.Add(1)
		done.Go(func() {
			ready.Done()
			<-start
			results[i], errs[i] = op(i)
		})
	}
	ready.Wait()
	close(start)
	done.Wait()
	return results, errs
}

// testConsumeConcurrent is T-RT-02 at the store: refreshRacers goroutines
// consume the same jti at once, each with its own successor. Exactly one
// wins; every other one gets ErrRefreshUsed (never a database error such
// as a deadlock or SQLITE_BUSY, which core would answer with 503), and
// exactly one successor is stored.
func testConsumeConcurrent(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	// Each racer has its own instant, so Used tells which one won.
	atOf := func(i int) time.Time { return rotateAt().Add(time.Duration(i) * time.Millisecond) }
	succs := make([]*core.RefreshToken, refreshRacers)
	for i := range succs {
		succs[i] = successorOf(first, i, atOf(i))
	}
	olds, errs := raceN(refreshRacers, func(i int) (*core.RefreshToken, error) {
		return rs.ConsumeRefreshToken(t.Context(), first.JTI, atOf(i), succs[i])
	})

	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Errorf("racers %d and %d both consumed the token", winner, i)
			}
			winner = i
		case !errors.Is(err, core.ErrRefreshUsed):
			t.Errorf("racer %d: err = %v, want ErrRefreshUsed", i, err)
		}
	}
	if winner < 0 {
		t.Fatalf("no racer consumed the token")
	}
	checkRefreshToken(t, olds[winner], first)
	for i, old := range olds {
		if i == winner || !errors.Is(errs[i], core.ErrRefreshUsed) {
			continue
		}
		if old == nil {
			t.Errorf("racer %d: ErrRefreshUsed with a nil token", i)
			continue
		}
		checkRefreshToken(t, old, used(first, atOf(winner)))
	}

	wantRefreshToken(t, rs, used(first, atOf(winner)))
	stored := 0
	for i, succ := range succs {
		_, _, err := rs.RefreshTokenByJTI(t.Context(), succ.JTI)
		switch {
		case err == nil:
			stored++
			if i != winner {
				t.Errorf("successor of losing racer %d stored", i)
			}
		case !errors.Is(err, core.ErrNotFound):
			t.Errorf("RefreshTokenByJTI(successor %d): %v", i, err)
		}
	}
	if stored != 1 {
		t.Errorf("%d successors stored, want exactly 1", stored)
	}
	wantRefreshToken(t, rs, succs[winner])
	wantFamily(t, rs, f)
}

// testConsumeConcurrentRevoke races rotations of a family's token against
// revocations of the family: every call ends in success, ErrRefreshUsed or
// ErrRefreshRevoked (never a database error), at most one successor is
// stored, and the family ends revoked.
func testConsumeConcurrentRevoke(t *testing.T, s core.Store, rs core.RefreshStore) {
	u := mustCreate(t, s, newUser("alice"))
	f, first := mustLogin(t, rs, u.ID, 1)
	at := rotateAt()
	const n = 20
	succs := make([]*core.RefreshToken, n)
	for i := range succs {
		succs[i] = successorOf(first, i, at)
	}
	_, errs := raceN(n, func(i int) (struct{}, error) {
		if i%2 == 1 {
			return struct{}{}, rs.RevokeRefreshFamily(t.Context(), f.ID, at)
		}
		_, err := rs.ConsumeRefreshToken(t.Context(), first.JTI, at, succs[i])
		return struct{}{}, err
	})
	wins := 0
	for i, err := range errs {
		switch {
		case err == nil:
			if i%2 == 0 {
				wins++
			}
		case i%2 == 0 && (errors.Is(err, core.ErrRefreshUsed) || errors.Is(err, core.ErrRefreshRevoked)):
		default:
			t.Errorf("racer %d: unexpected error %v", i, err)
		}
	}
	if wins > 1 {
		t.Errorf("%d rotations succeeded, want at most 1", wins)
	}
	stored := 0
	for _, succ := range succs {
		if _, _, err := rs.RefreshTokenByJTI(t.Context(), succ.JTI); err == nil {
			stored++
		}
	}
	if stored != wins {
		t.Errorf("%d successors stored after %d successful rotations", stored, wins)
	}
	wantFamily(t, rs, revoked(f, at))
}
