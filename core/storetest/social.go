package storetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// socialCase is one check of core.SocialAccountStore.
type socialCase struct {
	name string
	run  func(t *testing.T, s core.Store, ss core.SocialAccountStore)
}

// socialCases checks core.SocialAccountStore (core/store_social.go).
func socialCases() []socialCase {
	return []socialCase{
		{"RoundTrip", testSocialRoundTrip},
		{"UniquePerProvider", testSocialUnique},
		{"ExactUID", testSocialExactUID},
		{"UnknownUser", testSocialUnknownUser},
		{"NotFound", testSocialNotFound},
		{"InvalidValues", testSocialInvalid},
		{"LimitsRoundTrip", testSocialLimits},
		{"RecordLogin", testSocialRecordLogin},
		{"Delete", testSocialDelete},
		{"DeleteKeepOne", testSocialDeleteKeepOne},
		{"ConcurrentCreate", testSocialConcurrentCreate},
		{"ConcurrentDeleteKeepOne", testSocialConcurrentDelete},
		{"DeleteUserCascades", testSocialDeleteUser},
		{"Copies", testSocialCopies},
		{"CancelledContext", testSocialCancelled},
	}
}

// runSocial runs the core.SocialAccountStore cases, one fresh store each,
// and skips the group with a message when the store lacks the capability.
func runSocial(t *testing.T, newStore func(t *testing.T) core.Store) {
	for _, tc := range socialCases() {
		unsupported := ""
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			if s == nil {
				t.Fatal("newStore returned nil")
			}
			ss, ok := s.(core.SocialAccountStore)
			if !ok {
				unsupported = fmt.Sprintf("%T", s)
				t.Skipf("skipped: %s does not implement core.SocialAccountStore", unsupported)
			}
			tc.run(t, s, ss)
		})
		if unsupported != "" {
			t.Skipf("skipped: %s does not implement core.SocialAccountStore", unsupported)
		}
	}
}

// newSocial returns an account of user for (provider, uid) with extra
// data and times in a non-UTC zone.
func newSocial(userID int64, provider, uid string) *core.SocialAccount {
	return &core.SocialAccount{
		UserID:     userID,
		Provider:   provider,
		UID:        uid,
		ExtraData:  json.RawMessage(`{"login":"octocat","id":1,"emails":["a@example.com"],"nested":{"x":[true,null]}}`),
		LastLogin:  loggedInAt(),
		DateJoined: joinedAt(),
	}
}

func mustCreateSocial(t *testing.T, ss core.SocialAccountStore, a *core.SocialAccount) *core.SocialAccount {
	t.Helper()
	if err := ss.CreateSocialAccount(t.Context(), a); err != nil {
		t.Fatalf("CreateSocialAccount(%q, %q): %v", a.Provider, a.UID, err)
	}
	if a.ID <= 0 {
		t.Fatalf("CreateSocialAccount(%q, %q) set ID %d, want > 0", a.Provider, a.UID, a.ID)
	}
	return a
}

// checkSocial requires got to equal want field by field (times as
// instants in UTC, extra data byte for byte; empty extra as {}).
func checkSocial(t *testing.T, got, want *core.SocialAccount) {
	t.Helper()
	if got.ID != want.ID || got.UserID != want.UserID || got.Provider != want.Provider || got.UID != want.UID {
		t.Errorf("social account = {ID %d, UserID %d, %q, %q}, want {ID %d, UserID %d, %q, %q}",
			got.ID, got.UserID, got.Provider, got.UID, want.ID, want.UserID, want.Provider, want.UID)
	}
	wantExtra := string(want.ExtraData)
	if wantExtra == "" {
		wantExtra = "{}"
	}
	if string(got.ExtraData) != wantExtra {
		t.Errorf("ExtraData = %s, want %s", got.ExtraData, wantExtra)
	}
	checkTime(t, "LastLogin", got.LastLogin, want.LastLogin)
	checkTime(t, "DateJoined", got.DateJoined, want.DateJoined)
}

// socialIDs lists the IDs of user id's accounts, in the store's order.
func socialIDs(t *testing.T, ss core.SocialAccountStore, userID int64) []int64 {
	t.Helper()
	list, err := ss.SocialAccountsByUser(t.Context(), userID)
	if err != nil {
		t.Fatalf("SocialAccountsByUser(%d): %v", userID, err)
	}
	ids := []int64{}
	for _, a := range list {
		ids = append(ids, a.ID)
	}
	return ids
}

func wantSocialIDs(t *testing.T, ss core.SocialAccountStore, userID int64, want ...int64) {
	t.Helper()
	got := socialIDs(t, ss, userID)
	if fmt.Sprint(got) != fmt.Sprint(append([]int64{}, want...)) {
		t.Errorf("accounts of user %d = %v, want %v", userID, got, want)
	}
}

// testSocialRoundTrip: every field comes back through both reads, the
// lookup returns the owner, and the list is ordered by ID.
func testSocialRoundTrip(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	gh := mustCreateSocial(t, ss, newSocial(u.ID, "github", "583231"))
	g := newSocial(u.ID, "google", "110169484474386276334")
	g.ExtraData, g.LastLogin = nil, time.Time{}
	mustCreateSocial(t, ss, g)
	if g.ID == gh.ID {
		t.Fatalf("two accounts got ID %d", g.ID)
	}
	got, owner, err := ss.SocialAccountByUID(t.Context(), "github", "583231")
	if err != nil {
		t.Fatalf("SocialAccountByUID: %v", err)
	}
	checkSocial(t, got, gh)
	checkUser(t, owner, u)
	list, err := ss.SocialAccountsByUser(t.Context(), u.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("SocialAccountsByUser = %v, %v; want two", list, err)
	}
	if list[0].ID > list[1].ID {
		t.Errorf("SocialAccountsByUser not ordered by ID: %d, %d", list[0].ID, list[1].ID)
	}
	for i := range list {
		want := gh
		if list[i].ID == g.ID {
			want = g
		}
		checkSocial(t, &list[i], want)
	}
	if none, err := ss.SocialAccountsByUser(t.Context(), u.ID+1000); err != nil || none == nil || len(none) != 0 {
		t.Errorf("SocialAccountsByUser(unknown) = %#v, %v; want an empty slice", none, err)
	}
}

// testSocialUnique: (provider, uid) is held once, by whoever linked it
// first; the same uid at another provider is another identity.
func testSocialUnique(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	alice := mustCreate(t, s, newUser("alice"))
	mallory := mustCreate(t, s, newUser("mallory"))
	first := mustCreateSocial(t, ss, newSocial(alice.ID, "github", "42"))
	wantErrIs(t, "CreateSocialAccount(same identity, other user)",
		ss.CreateSocialAccount(t.Context(), newSocial(mallory.ID, "github", "42")), core.ErrSocialAccountTaken)
	wantErrIs(t, "CreateSocialAccount(same identity, same user)",
		ss.CreateSocialAccount(t.Context(), newSocial(alice.ID, "github", "42")), core.ErrSocialAccountTaken)
	other := mustCreateSocial(t, ss, newSocial(mallory.ID, "gitlab", "42"))
	got, owner, err := ss.SocialAccountByUID(t.Context(), "github", "42")
	if err != nil || got.ID != first.ID || owner.ID != alice.ID {
		t.Errorf("github/42 = %+v, %+v, %v; want alice's", got, owner, err)
	}
	wantSocialIDs(t, ss, mallory.ID, other.ID)
	wantSocialIDs(t, ss, alice.ID, first.ID)
}

// testSocialExactUID: uids and providers compare byte for byte: case,
// trailing blanks and Unicode forms are other identities.
func testSocialExactUID(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	uids := []string{"abc", "ABC", "abc ", "ǆ", "ǅ", "e\u0301", "é", "x'; DROP TABLE restauth_user; --", `a"b\c%_`}
	for _, uid := range uids {
		mustCreateSocial(t, ss, newSocial(u.ID, "oidc", uid))
	}
	mustCreateSocial(t, ss, newSocial(u.ID, "OIDC", "abc"))
	for _, uid := range uids {
		got, _, err := ss.SocialAccountByUID(t.Context(), "oidc", uid)
		if err != nil || got.UID != uid || got.Provider != "oidc" {
			t.Errorf("SocialAccountByUID(oidc, %q) = %+v, %v", uid, got, err)
		}
	}
	if _, _, err := ss.SocialAccountByUID(t.Context(), "oidc", "Abc"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("SocialAccountByUID(oidc, Abc): err = %v, want ErrNotFound", err)
	}
	if n := len(socialIDs(t, ss, u.ID)); n != len(uids)+1 {
		t.Errorf("user has %d accounts, want %d", n, len(uids)+1)
	}
}

// testSocialUnknownUser: an account of a user that does not exist is
// refused like a foreign key, and nothing is stored.
func testSocialUnknownUser(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	err := ss.CreateSocialAccount(t.Context(), newSocial(u.ID+1000, "github", "1"))
	wantErrIs(t, "CreateSocialAccount(unknown user)", err, core.ErrNotFound)
	if _, _, err := ss.SocialAccountByUID(t.Context(), "github", "1"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("the refused account was stored: %v", err)
	}
}

// testSocialNotFound: lookups of what is not there, and of values no
// store could hold, are ErrNotFound.
func testSocialNotFound(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	mustCreateSocial(t, ss, newSocial(u.ID, "github", "1"))
	for _, k := range [][2]string{
		{"github", "2"}, {"google", "1"}, {"", "1"}, {"github", ""},
		{"github", strings.Repeat("9", core.MaxSocialUIDLength+1)},
		{strings.Repeat("p", core.MaxSocialProviderLength+1), "1"},
		{"github", "1\x00"}, {"github", "\xff"},
	} {
		if _, _, err := ss.SocialAccountByUID(t.Context(), k[0], k[1]); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("SocialAccountByUID(%q, %q): err = %v, want ErrNotFound", k[0], k[1], err)
		}
	}
	wantErrIs(t, "RecordSocialLogin(unknown)", ss.RecordSocialLogin(t.Context(), 1000, loggedInAt(), nil), core.ErrNotFound)
	wantErrIs(t, "DeleteSocialAccount(unknown)", ss.DeleteSocialAccount(t.Context(), u.ID, 1000, false), core.ErrNotFound)
}

// testSocialInvalid: values no store could hold are refused with
// ErrInvalidValue before anything is written.
func testSocialInvalid(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	bad := map[string]func(a *core.SocialAccount){
		"empty provider":      func(a *core.SocialAccount) { a.Provider = "" },
		"empty uid":           func(a *core.SocialAccount) { a.UID = "" },
		"long provider":       func(a *core.SocialAccount) { a.Provider = strings.Repeat("p", core.MaxSocialProviderLength+1) },
		"long uid":            func(a *core.SocialAccount) { a.UID = strings.Repeat("u", core.MaxSocialUIDLength+1) },
		"NUL uid":             func(a *core.SocialAccount) { a.UID = "a\x00b" },
		"invalid UTF-8 uid":   func(a *core.SocialAccount) { a.UID = "a\xffb" },
		"extra not JSON":      func(a *core.SocialAccount) { a.ExtraData = json.RawMessage(`{"a":`) },
		"extra not an object": func(a *core.SocialAccount) { a.ExtraData = json.RawMessage(`[1,2]`) },
		"extra too long": func(a *core.SocialAccount) {
			a.ExtraData = json.RawMessage(`{"a":"` + strings.Repeat("x", core.MaxSocialExtraData) + `"}`)
		},
	}
	for name, change := range bad {
		a := newSocial(u.ID, "github", "1")
		change(a)
		wantRejected(t, "CreateSocialAccount("+name+")", ss.CreateSocialAccount(t.Context(), a))
	}
	wantSocialIDs(t, ss, u.ID)
	good := mustCreateSocial(t, ss, newSocial(u.ID, "github", "1"))
	wantRejected(t, "RecordSocialLogin(extra not an object)",
		ss.RecordSocialLogin(t.Context(), good.ID, loggedInAt(), json.RawMessage(`"x"`)))
	got, _, err := ss.SocialAccountByUID(t.Context(), "github", "1")
	if err != nil {
		t.Fatal(err)
	}
	checkSocial(t, got, good)
}

// testSocialLimits: values at the limits round-trip exactly.
func testSocialLimits(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	a := newSocial(u.ID, strings.Repeat("ü", core.MaxSocialProviderLength), strings.Repeat("ß", core.MaxSocialUIDLength))
	a.ExtraData = json.RawMessage(`{"a":"` + strings.Repeat("x", core.MaxSocialExtraData-8) + `"}`)
	mustCreateSocial(t, ss, a)
	got, _, err := ss.SocialAccountByUID(t.Context(), a.Provider, a.UID)
	if err != nil {
		t.Fatalf("SocialAccountByUID at the limits: %v", err)
	}
	checkSocial(t, got, a)
}

// testSocialRecordLogin: LastLogin and ExtraData change, nothing else,
// of that account only.
func testSocialRecordLogin(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	a := mustCreateSocial(t, ss, newSocial(u.ID, "github", "1"))
	b := mustCreateSocial(t, ss, newSocial(u.ID, "google", "1"))
	at := time.Date(2026, 1, 2, 3, 4, 5, 678901000, zoneIST())
	extra := json.RawMessage(`{"login":"renamed"}`)
	if err := ss.RecordSocialLogin(t.Context(), a.ID, at, extra); err != nil {
		t.Fatalf("RecordSocialLogin: %v", err)
	}
	want := *a
	want.LastLogin, want.ExtraData = at, extra
	got, _, err := ss.SocialAccountByUID(t.Context(), "github", "1")
	if err != nil {
		t.Fatal(err)
	}
	checkSocial(t, got, &want)
	got, _, _ = ss.SocialAccountByUID(t.Context(), "google", "1")
	checkSocial(t, got, b)
	if err := ss.RecordSocialLogin(t.Context(), a.ID, at, nil); err != nil {
		t.Fatalf("RecordSocialLogin(nil extra): %v", err)
	}
	got, _, _ = ss.SocialAccountByUID(t.Context(), "github", "1")
	if string(got.ExtraData) != "{}" {
		t.Errorf("ExtraData after an empty one = %s, want {}", got.ExtraData)
	}
	checkUser(t, mustGet(t, s, u.ID), u)
}

// testSocialDelete: only the owner's delete removes an account; another
// user's is not found and stays.
func testSocialDelete(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	alice := mustCreate(t, s, newUser("alice"))
	mallory := mustCreate(t, s, newUser("mallory"))
	a := mustCreateSocial(t, ss, newSocial(alice.ID, "github", "1"))
	wantErrIs(t, "DeleteSocialAccount(another user's)", ss.DeleteSocialAccount(t.Context(), mallory.ID, a.ID, false), core.ErrNotFound)
	wantSocialIDs(t, ss, alice.ID, a.ID)
	if err := ss.DeleteSocialAccount(t.Context(), alice.ID, a.ID, false); err != nil {
		t.Fatalf("DeleteSocialAccount: %v", err)
	}
	wantSocialIDs(t, ss, alice.ID)
	wantErrIs(t, "DeleteSocialAccount(again)", ss.DeleteSocialAccount(t.Context(), alice.ID, a.ID, false), core.ErrNotFound)
	// The identity is free again.
	mustCreateSocial(t, ss, newSocial(mallory.ID, "github", "1"))
}

// testSocialDeleteKeepOne: with keepOne, the last account stays.
func testSocialDeleteKeepOne(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	other := mustCreate(t, s, newUser("bob"))
	mustCreateSocial(t, ss, newSocial(other.ID, "github", "2")) // another user's does not count
	a := mustCreateSocial(t, ss, newSocial(u.ID, "github", "1"))
	b := mustCreateSocial(t, ss, newSocial(u.ID, "google", "1"))
	if err := ss.DeleteSocialAccount(t.Context(), u.ID, a.ID, true); err != nil {
		t.Fatalf("DeleteSocialAccount(keepOne, one of two): %v", err)
	}
	wantErrIs(t, "DeleteSocialAccount(keepOne, the last)", ss.DeleteSocialAccount(t.Context(), u.ID, b.ID, true), core.ErrLastLoginMethod)
	wantSocialIDs(t, ss, u.ID, b.ID)
	if err := ss.DeleteSocialAccount(t.Context(), u.ID, b.ID, false); err != nil {
		t.Fatalf("DeleteSocialAccount(the last, not kept): %v", err)
	}
	wantSocialIDs(t, ss, u.ID)
}

// testSocialConcurrentCreate: racers linking one identity to different
// users: exactly one wins.
func testSocialConcurrentCreate(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	users := make([]*core.User, racers)
	for i := range users {
		users[i] = mustCreate(t, s, newUser(fmt.Sprintf("user%d", i)))
	}
	errs := race(func(i int) error { return ss.CreateSocialAccount(t.Context(), newSocial(users[i].ID, "github", "1")) })
	w := checkOneWinner(t, errs, core.ErrSocialAccountTaken)
	if _, owner, err := ss.SocialAccountByUID(t.Context(), "github", "1"); err != nil || owner.ID != users[w].ID {
		t.Errorf("owner = %+v, %v; want racer %d's user", owner, err, w)
	}
}

// testSocialConcurrentDelete: a user with two accounts deleting both at
// once with keepOne keeps exactly one, however the deletes interleave.
func testSocialConcurrentDelete(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	for round := range 5 {
		u := mustCreate(t, s, newUser(fmt.Sprintf("user%d", round)))
		ids := []int64{
			mustCreateSocial(t, ss, newSocial(u.ID, "github", fmt.Sprint(round))).ID,
			mustCreateSocial(t, ss, newSocial(u.ID, "google", fmt.Sprint(round))).ID,
		}
		errs := make([]error, 2)
		done := make(chan struct{})
		start := make(chan struct{})
		for i := range 2 {
			go func() {
				<-start
				errs[i] = ss.DeleteSocialAccount(t.Context(), u.ID, ids[i], true)
				done <- struct{}{}
			}()
		}
		close(start)
		<-done
		<-done
		checkOneWinner(t, errs, core.ErrLastLoginMethod)
		if n := len(socialIDs(t, ss, u.ID)); n != 1 {
			t.Errorf("round %d: %d accounts left, want 1", round, n)
		}
	}
}

// testSocialDeleteUser: deleting a user deletes its accounts and frees
// their identities.
func testSocialDeleteUser(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	keep := mustCreate(t, s, newUser("bob"))
	mustCreateSocial(t, ss, newSocial(u.ID, "github", "1"))
	kept := mustCreateSocial(t, ss, newSocial(keep.ID, "github", "2"))
	if err := s.DeleteUser(t.Context(), u.ID); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}
	if _, _, err := ss.SocialAccountByUID(t.Context(), "github", "1"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("account of a deleted user: err = %v, want ErrNotFound", err)
	}
	wantSocialIDs(t, ss, keep.ID, kept.ID)
	again := mustCreate(t, s, newUser("alice2"))
	mustCreateSocial(t, ss, newSocial(again.ID, "github", "1"))
}

// testSocialCopies: values handed in and out are not shared with the
// store.
func testSocialCopies(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	a := newSocial(u.ID, "github", "1")
	mustCreateSocial(t, ss, a)
	want := *a
	want.ExtraData = append(json.RawMessage(nil), a.ExtraData...)
	a.ExtraData[2] = 'X'
	a.UID = "2"
	got, owner, err := ss.SocialAccountByUID(t.Context(), "github", "1")
	if err != nil {
		t.Fatal(err)
	}
	checkSocial(t, got, &want)
	got.ExtraData[2] = 'Y'
	owner.Username = "changed"
	list, _ := ss.SocialAccountsByUser(t.Context(), u.ID)
	list[0].ExtraData[2] = 'Z'
	got, owner, _ = ss.SocialAccountByUID(t.Context(), "github", "1")
	checkSocial(t, got, &want)
	checkUser(t, owner, u)
}

// testSocialCancelled: a done context fails every call with a
// non-sentinel error and writes nothing.
func testSocialCancelled(t *testing.T, s core.Store, ss core.SocialAccountStore) {
	u := mustCreate(t, s, newUser("alice"))
	a := mustCreateSocial(t, ss, newSocial(u.ID, "github", "1"))
	ctx := cancelled(t)
	calls := map[string]error{
		"CreateSocialAccount": ss.CreateSocialAccount(ctx, newSocial(u.ID, "github", "2")),
		"SocialAccountByUID": func() error {
			_, _, err := ss.SocialAccountByUID(ctx, "github", "1")
			return err
		}(),
		"SocialAccountsByUser": func() error {
			_, err := ss.SocialAccountsByUser(ctx, u.ID)
			return err
		}(),
		"RecordSocialLogin":   ss.RecordSocialLogin(ctx, a.ID, time.Now(), nil),
		"DeleteSocialAccount": ss.DeleteSocialAccount(ctx, u.ID, a.ID, false),
	}
	for name, err := range calls {
		if err == nil || isSentinel(err) || errors.Is(err, core.ErrSocialAccountTaken) || errors.Is(err, core.ErrLastLoginMethod) {
			t.Errorf("%s with a cancelled context: err = %v, want a non-sentinel error", name, err)
		}
	}
	wantSocialIDs(t, ss, u.ID, a.ID)
	got, _, _ := ss.SocialAccountByUID(t.Context(), "github", "1")
	checkSocial(t, got, a)
}
