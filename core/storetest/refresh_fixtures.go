package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// refreshCase is one conformance check of core.RefreshStore, run against a
// fresh store that implements it.
type refreshCase struct {
	name string
	run  func(t *testing.T, s core.Store, rs core.RefreshStore)
}

// refreshCases lists every refresh case, in the order they run.
func refreshCases() []refreshCase {
	var cs []refreshCase
	for _, group := range [][]refreshCase{
		refreshLifecycleCases(),
		refreshConsumeCases(),
		refreshAddCases(),
		refreshRevokeCases(),
		refreshFlushCases(),
		refreshValueCases(),
	} {
		cs = append(cs, group...)
	}
	return cs
}

// refreshBase is the login instant of the fixtures: microsecond precision,
// in a non-UTC zone.
func refreshBase() time.Time { return time.Date(2031, 3, 4, 5, 6, 7, 654321000, zoneIST()) }

// refreshLifetime is how long fixture tokens are valid.
const refreshLifetime = 24 * time.Hour

// rotateAt is when fixture tokens are consumed: within their lifetime.
func rotateAt() time.Time { return refreshBase().Add(time.Hour + 7*time.Microsecond) }

// refreshID returns a realistic ID (32 lowercase hex characters) derived
// from kind and seed.
func refreshID(kind string, seed int) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s-%d", kind, seed))
	return hex.EncodeToString(sum[:16])
}

// newFamily returns a family of user id, created at refreshBase, and its
// first token, issued then and valid for refreshLifetime.
func newFamily(userID int64, seed int) (*core.RefreshFamily, *core.RefreshToken) {
	f := &core.RefreshFamily{
		ID:      refreshID("family", seed),
		UserID:  userID,
		Created: refreshBase(),
	}
	first := &core.RefreshToken{
		JTI:      refreshID("first", seed),
		FamilyID: f.ID,
		UserID:   userID,
		Issued:   refreshBase(),
		Expires:  refreshBase().Add(refreshLifetime),
	}
	return f, first
}

// successorOf returns the token that replaces tok when it is rotated at
// `at`: same family and owner, a jti derived from seed.
func successorOf(tok *core.RefreshToken, seed int, at time.Time) *core.RefreshToken {
	return &core.RefreshToken{
		JTI:      refreshID("successor", seed),
		FamilyID: tok.FamilyID,
		UserID:   tok.UserID,
		Issued:   at,
		Expires:  at.Add(refreshLifetime),
	}
}

// mustCreateFamily stores f and its first token and fails the test on
// error.
func mustCreateFamily(t *testing.T, rs core.RefreshStore, f *core.RefreshFamily, first *core.RefreshToken) {
	t.Helper()
	if err := rs.CreateRefreshFamily(t.Context(), f, first); err != nil {
		t.Fatalf("CreateRefreshFamily(%s, %s): %v", f.ID, first.JTI, err)
	}
}

// mustLogin creates a family of user id with seed and returns it with its
// first token.
func mustLogin(t *testing.T, rs core.RefreshStore, userID int64, seed int) (*core.RefreshFamily, *core.RefreshToken) {
	t.Helper()
	f, first := newFamily(userID, seed)
	mustCreateFamily(t, rs, f, first)
	return f, first
}

// checkRefreshToken compares every field of got with want.
func checkRefreshToken(t *testing.T, got, want *core.RefreshToken) {
	t.Helper()
	if got == nil {
		t.Errorf("refresh token = nil, want %s", want.JTI)
		return
	}
	if got.JTI != want.JTI {
		t.Errorf("JTI = %q, want %q", got.JTI, want.JTI)
	}
	if got.FamilyID != want.FamilyID {
		t.Errorf("FamilyID = %q, want %q", got.FamilyID, want.FamilyID)
	}
	if got.UserID != want.UserID {
		t.Errorf("UserID = %d, want %d", got.UserID, want.UserID)
	}
	checkTime(t, "Issued", got.Issued, want.Issued)
	checkTime(t, "Expires", got.Expires, want.Expires)
	checkTime(t, "Used", got.Used, want.Used)
}

// checkRefreshFamily compares every field of got with want.
func checkRefreshFamily(t *testing.T, got, want *core.RefreshFamily) {
	t.Helper()
	if got == nil {
		t.Errorf("refresh family = nil, want %s", want.ID)
		return
	}
	if got.ID != want.ID {
		t.Errorf("family ID = %q, want %q", got.ID, want.ID)
	}
	if got.UserID != want.UserID {
		t.Errorf("family UserID = %d, want %d", got.UserID, want.UserID)
	}
	checkTime(t, "Created", got.Created, want.Created)
	checkTime(t, "Revoked", got.Revoked, want.Revoked)
}

// wantRefreshToken requires the stored token want.JTI to equal want, and
// its family to be the stored family want.FamilyID.
func wantRefreshToken(t *testing.T, rs core.RefreshStore, want *core.RefreshToken) {
	t.Helper()
	got, f, err := rs.RefreshTokenByJTI(t.Context(), want.JTI)
	if err != nil {
		t.Errorf("RefreshTokenByJTI(%s): %v", want.JTI, err)
		return
	}
	checkRefreshToken(t, got, want)
	if f == nil {
		t.Errorf("RefreshTokenByJTI(%s) returned a nil family", want.JTI)
	} else if f.ID != want.FamilyID {
		t.Errorf("RefreshTokenByJTI(%s) family = %q, want %q", want.JTI, f.ID, want.FamilyID)
	}
}

// wantNoRefreshToken requires jti to be unknown.
func wantNoRefreshToken(t *testing.T, rs core.RefreshStore, jti string) {
	t.Helper()
	tok, f, err := rs.RefreshTokenByJTI(t.Context(), jti)
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("RefreshTokenByJTI(%q) = %v, %v, %v; want ErrNotFound", jti, tok, f, err)
	}
}

// wantFamily requires the stored family want.ID to equal want, and returns
// its owner as UserByRefreshFamily reads it.
func wantFamily(t *testing.T, rs core.RefreshStore, want *core.RefreshFamily) *core.User {
	t.Helper()
	u, f, err := rs.UserByRefreshFamily(t.Context(), want.ID)
	if err != nil {
		t.Errorf("UserByRefreshFamily(%s): %v", want.ID, err)
		return nil
	}
	checkRefreshFamily(t, f, want)
	if u == nil {
		t.Errorf("UserByRefreshFamily(%s) returned a nil user", want.ID)
	} else if u.ID != want.UserID {
		t.Errorf("UserByRefreshFamily(%s) user = %d, want %d", want.ID, u.ID, want.UserID)
	}
	return u
}

// wantNoFamily requires family id to be unknown.
func wantNoFamily(t *testing.T, rs core.RefreshStore, id string) {
	t.Helper()
	u, f, err := rs.UserByRefreshFamily(t.Context(), id)
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("UserByRefreshFamily(%q) = %v, %v, %v; want ErrNotFound", id, u, f, err)
	}
}

// revoked returns a copy of f revoked at `at`.
func revoked(f *core.RefreshFamily, at time.Time) *core.RefreshFamily {
	c := *f
	c.Revoked = at
	return &c
}

// used returns a copy of tok used at `at`.
func used(tok *core.RefreshToken, at time.Time) *core.RefreshToken {
	c := *tok
	c.Used = at
	return &c
}
