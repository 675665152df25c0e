package storetest

import (
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
)

// Value limits every store enforces, in characters (Unicode code points),
// as Django's auth_user columns do. A store rejects a longer value with an
// error instead of truncating it (T-DB-08); the suite also checks that
// values exactly at the limit, in multi-byte characters, round-trip.
const (
	maxUsername = 150
	maxEmail    = 254
	maxName     = 150
	maxDigest   = 64
)

func limitCases() []testCase {
	return []testCase{
		{"Limits/AtLimitRoundTrips", testLimitsAtLimit},
		{"Limits/OverLimitRejected", testLimitsOverLimit},
		{"Limits/InvalidTextRejected", testLimitsInvalidText},
		{"Limits/LookupsOfImpossibleValuesMiss", testLimitsLookups},
	}
}

// emailOfLength returns an address of n characters with a multi-byte local
// part.
func emailOfLength(n int) string {
	const domain = "@example.com"
	return strings.Repeat("ü", n-len(domain)) + domain
}

func testLimitsAtLimit(t *testing.T, s core.Store) {
	u := &core.User{
		Username:     strings.Repeat("é", maxUsername),
		Email:        emailOfLength(maxEmail),
		FirstName:    strings.Repeat("名", maxName),
		LastName:     strings.Repeat("😀", maxName),
		PasswordHash: hashA,
		IsActive:     true,
		DateJoined:   joinedAt(),
	}
	mustCreate(t, s, u)
	checkUser(t, mustGet(t, s, u.ID), u)
	if got, err := s.UserByEmail(t.Context(), strings.ToUpper(u.Email)); err != nil || got.ID != u.ID {
		t.Errorf("UserByEmail(long address) = %v, %v; want user %d", got, err, u.ID)
	}
	tok := tokenFor(u.ID, 1)
	tok.Digest = strings.Repeat("f", maxDigest)
	mustCreateToken(t, s, tok)
}

// wantRejected requires err to be a plain error: not nil, and not a
// sentinel that would send the caller down a "taken" or "missing" path.
func wantRejected(t *testing.T, op string, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s succeeded, want an error", op)
	} else if isSentinel(err) {
		t.Errorf("%s: err = %v, want a non-sentinel error", op, err)
	}
}

func testLimitsOverLimit(t *testing.T, s core.Store) {
	for field, mutate := range map[string]func(u *core.User){
		"Username":  func(u *core.User) { u.Username = strings.Repeat("é", maxUsername+1) },
		"Email":     func(u *core.User) { u.Email = emailOfLength(maxEmail + 1) },
		"FirstName": func(u *core.User) { u.FirstName = strings.Repeat("名", maxName+1) },
		"LastName":  func(u *core.User) { u.LastName = strings.Repeat("x", maxName+1) },
	} {
		u := newUser("long" + strings.ToLower(field))
		mutate(u)
		wantRejected(t, "CreateUser(over-long "+field+")", s.CreateUser(t.Context(), u))
		wantNoEmail(t, s, u.Email)
		wantNoUsername(t, s, u.Username)
	}

	u := mustCreate(t, s, newUser("alice"))
	for field, mutate := range map[string]func(u *core.User){
		"Username":  func(u *core.User) { u.Username = strings.Repeat("a", maxUsername+1) },
		"FirstName": func(u *core.User) { u.FirstName = strings.Repeat("名", maxName+1) },
		"LastName":  func(u *core.User) { u.LastName = strings.Repeat("x", maxName+1) },
	} {
		upd := *u
		mutate(&upd)
		wantRejected(t, "UpdateProfile(over-long "+field+")", s.UpdateProfile(t.Context(), &upd))
	}
	checkUser(t, mustGet(t, s, u.ID), u)

	tok := tokenFor(u.ID, 1)
	tok.Digest = strings.Repeat("f", maxDigest+1)
	wantRejected(t, "CreateToken(over-long digest)", s.CreateToken(t.Context(), tok))
	_, _, err := s.UserByToken(t.Context(), tok.Digest[:maxDigest])
	wantErrIs(t, "UserByToken(truncated digest)", err, core.ErrNotFound)
}

// testLimitsInvalidText: invalid UTF-8 and NUL bytes are rejected by every
// store alike (PostgreSQL refuses both; the others must not store them).
func testLimitsInvalidText(t *testing.T, s core.Store) {
	for field, mutate := range map[string]func(u *core.User){
		"Username":     func(u *core.User) { u.Username = "bad\xffname" },
		"UsernameNUL":  func(u *core.User) { u.Username = "bad\x00name" },
		"Email":        func(u *core.User) { u.Email = "bad\xff@example.com" },
		"EmailNUL":     func(u *core.User) { u.Email = "bad\x00@example.com" },
		"FirstName":    func(u *core.User) { u.FirstName = "\xc3" },
		"LastNameNUL":  func(u *core.User) { u.LastName = "a\x00" },
		"PasswordHash": func(u *core.User) { u.PasswordHash = "argon2\x00" },
	} {
		u := newUser("invalid" + strings.ToLower(field))
		mutate(u)
		wantRejected(t, "CreateUser(invalid "+field+")", s.CreateUser(t.Context(), u))
	}
	u := mustCreate(t, s, newUser("alice"))
	upd := *u
	upd.FirstName = "bad\xff"
	wantRejected(t, "UpdateProfile(invalid FirstName)", s.UpdateProfile(t.Context(), &upd))
	wantRejected(t, "SetPassword(NUL)", s.SetPassword(t.Context(), u.ID, "hash\x00"))
	checkUser(t, mustGet(t, s, u.ID), u)

	tok := tokenFor(u.ID, 1)
	tok.Digest = "\xff" + tok.Digest[1:]
	wantRejected(t, "CreateToken(invalid digest)", s.CreateToken(t.Context(), tok))
}

// testLimitsLookups: a value no store can hold is simply not found, on
// every store alike (no driver error for invalid UTF-8 or NUL).
func testLimitsLookups(t *testing.T, s core.Store) {
	mustCreate(t, s, newUser("alice"))
	for _, q := range []string{"alice\xff", "alice\x00", "\x00", strings.Repeat("a", 10*maxUsername)} {
		wantNoUsername(t, s, q)
		wantNoEmail(t, s, q)
		_, _, err := s.UserByToken(t.Context(), q)
		wantErrIs(t, "UserByToken", err, core.ErrNotFound)
		if err := s.DeleteToken(t.Context(), q); err != nil {
			t.Errorf("DeleteToken(%q): %v", q, err)
		}
	}
}
