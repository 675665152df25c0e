package storetest

import (
	"testing"

	"github.com/restauth/restauth/core"
)

func credentialCases() []testCase {
	return []testCase{
		{"SetPassword/BumpsEpoch", testSetPassword},
		{"UpgradePasswordHash/CompareAndSwap", testUpgradeHash},
		{"UpgradePasswordHash/SameHash", testUpgradeSameHash},
		{"SetActive/DeactivateBumpsEpoch", testSetActive},
		{"SetEmailVerified", testSetEmailVerified},
		{"RecordLogin", testRecordLogin},
	}
}

func testSetPassword(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	other := mustCreate(t, s, newUser("bob"))
	want := *u
	for i := range 2 {
		hash := []string{hashB, hashA}[i]
		if err := s.SetPassword(t.Context(), u.ID, hash); err != nil {
			t.Fatalf("SetPassword: %v", err)
		}
		want.PasswordHash = hash
		want.TokenEpoch++
		checkUser(t, mustGet(t, s, u.ID), &want)
	}
	checkUser(t, mustGet(t, s, other.ID), other)
}

func testUpgradeHash(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	want := *u

	ok, err := s.UpgradePasswordHash(t.Context(), u.ID, "stale-hash", hashB)
	if err != nil || ok {
		t.Fatalf("UpgradePasswordHash(stale old hash) = %v, %v; want false, nil", ok, err)
	}
	checkUser(t, mustGet(t, s, u.ID), &want)

	ok, err = s.UpgradePasswordHash(t.Context(), u.ID, hashA, hashB)
	if err != nil || !ok {
		t.Fatalf("UpgradePasswordHash(current hash) = %v, %v; want true, nil", ok, err)
	}
	want.PasswordHash = hashB // TokenEpoch unchanged
	checkUser(t, mustGet(t, s, u.ID), &want)

	// The old hash no longer matches: a second upgrade from it loses.
	ok, err = s.UpgradePasswordHash(t.Context(), u.ID, hashA, "third")
	if err != nil || ok {
		t.Fatalf("UpgradePasswordHash(replaced hash) = %v, %v; want false, nil", ok, err)
	}
	checkUser(t, mustGet(t, s, u.ID), &want)
}

// testUpgradeSameHash swaps a hash for itself: the row matches but does not
// change, which some databases report as zero affected rows.
func testUpgradeSameHash(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	ok, err := s.UpgradePasswordHash(t.Context(), u.ID, hashA, hashA)
	if err != nil || !ok {
		t.Fatalf("UpgradePasswordHash(h, h) = %v, %v; want true, nil", ok, err)
	}
	checkUser(t, mustGet(t, s, u.ID), u)
}

func testSetActive(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	want := *u

	if err := s.SetActive(t.Context(), u.ID, true); err != nil { // already active
		t.Fatalf("SetActive(true) on an active user: %v", err)
	}
	checkUser(t, mustGet(t, s, u.ID), &want)

	if err := s.SetActive(t.Context(), u.ID, false); err != nil {
		t.Fatalf("SetActive(false): %v", err)
	}
	want.IsActive = false
	want.TokenEpoch++
	checkUser(t, mustGet(t, s, u.ID), &want)

	if err := s.SetActive(t.Context(), u.ID, true); err != nil {
		t.Fatalf("SetActive(true): %v", err)
	}
	want.IsActive = true // reactivating does not bump the epoch
	checkUser(t, mustGet(t, s, u.ID), &want)
}

func testSetEmailVerified(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	want := *u
	for _, v := range []bool{true, true, false, false} {
		if err := s.SetEmailVerified(t.Context(), u.ID, v); err != nil {
			t.Fatalf("SetEmailVerified(%v): %v", v, err)
		}
		want.EmailVerified = v
		checkUser(t, mustGet(t, s, u.ID), &want)
	}
}

func testRecordLogin(t *testing.T, s core.Store) {
	u := mustCreate(t, s, newUser("alice"))
	want := *u
	for range 2 { // the second write stores the same value again
		if err := s.RecordLogin(t.Context(), u.ID, loggedInAt()); err != nil {
			t.Fatalf("RecordLogin: %v", err)
		}
		want.LastLogin = loggedInAt()
		checkUser(t, mustGet(t, s, u.ID), &want)
	}
	later := loggedInAt().AddDate(0, 1, 0)
	if err := s.RecordLogin(t.Context(), u.ID, later); err != nil {
		t.Fatalf("RecordLogin: %v", err)
	}
	want.LastLogin = later
	checkUser(t, mustGet(t, s, u.ID), &want)
}
