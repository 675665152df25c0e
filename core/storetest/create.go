package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

func createCases() []testCase {
	return []testCase{
		{"Create/AssignsIncreasingIDs", testCreateAssignsIncreasingIDs},
		{"Create/AllFieldsRoundTrip", testCreateAllFieldsRoundTrip},
		{"Create/ZeroLastLoginStaysZero", testCreateZeroLastLogin},
		{"Create/SubMicrosecondTimes", testCreateSubMicrosecondTimes},
	}
}

func testCreateAssignsIncreasingIDs(t *testing.T, s core.Store) {
	var last int64
	for i := range 3 {
		u := mustCreate(t, s, newUser(fmt.Sprintf("user%d", i)))
		if u.ID <= last {
			t.Fatalf("user %d got ID %d, not greater than the previous %d", i, u.ID, last)
		}
		last = u.ID
	}
}

func testCreateAllFieldsRoundTrip(t *testing.T, s core.Store) {
	want := &core.User{
		Username:      "Ålice.O'Brien",
		Email:         "Alice.OBrien+tag@Example.COM",
		FirstName:     "Ålice",
		LastName:      "O'Brien-Łukasz 名前",
		PasswordHash:  hashB,
		IsActive:      false,
		EmailVerified: true,
		IsStaff:       true,
		IsSuperuser:   true,
		DateJoined:    joinedAt(),
		LastLogin:     loggedInAt(),
		TokenEpoch:    3,
	}
	in := *want
	mustCreate(t, s, &in)
	want.ID = in.ID
	checkUser(t, mustGet(t, s, in.ID), want)
}

func testCreateZeroLastLogin(t *testing.T, s core.Store) {
	u := newUser("never")
	mustCreate(t, s, u)
	got := mustGet(t, s, u.ID)
	if !got.LastLogin.IsZero() {
		t.Errorf("LastLogin = %v, want the zero time", got.LastLogin)
	}
	checkUser(t, got, u)
}

// testCreateSubMicrosecondTimes allows a store to keep more than microsecond
// precision, or to cut it, but not to move an instant by a microsecond or
// more.
func testCreateSubMicrosecondTimes(t *testing.T, s core.Store) {
	u := newUser("nanos")
	u.DateJoined = time.Date(2030, 1, 2, 3, 4, 5, 123456789, zonePST())
	mustCreate(t, s, u)
	got := mustGet(t, s, u.ID).DateJoined
	if d := got.Sub(u.DateJoined); d <= -time.Microsecond || d >= time.Microsecond {
		t.Errorf("DateJoined = %v, want within 1µs of %v", got, u.DateJoined.UTC())
	}
	if got.Location() != time.UTC {
		t.Errorf("DateJoined is in %v, want UTC", got.Location())
	}
}
