package storetest

import (
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
)

// Session fixation (T-SESS-01): an ID the store did not issue, or that no
// longer exists, is never adopted, and the ID can be rotated at login.

func sessionFixationCases() []sessionCase {
	return []sessionCase{
		{"Fixation/UnknownIDNotAdopted", testSessionUnknownID},
		{"Fixation/MalformedIDs", testSessionMalformedIDs},
		{"Fixation/CallerChosenID", testSessionCallerChosenID},
		{"Fixation/Regenerate", testSessionRegenerate},
		{"Fixation/RotateInOneResponse", testSessionRotateInOneResponse},
	}
}

// testSessionUnknownID: a well-formed ID the store never issued gives a
// new session, and saving it generates another ID.
func testSessionUnknownID(t *testing.T, e *sessionEnv) {
	create(t, e.store, values("someone", "else"))
	r := requestWithID(t, neverIssuedID)
	s := mustNew(t, e.store, r)
	wantNewSession(t, s, neverIssuedID)
	got, err := e.store.Get(r, sessionName)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	wantNewSession(t, got, neverIssuedID)

	s.Values["_auth_user_id"] = int64(1)
	c := mustSave(t, e.store, r, s)
	if s.ID == neverIssuedID || c.Value == neverIssuedID || !generatedID.MatchString(s.ID) {
		t.Errorf("saving the session of a planted cookie gave ID %q, cookie %q; want a fresh ID", s.ID, c.Value)
	}
	wantAbsent(t, e.store, neverIssuedID)
	wantLoaded(t, e.store, s.ID, values("_auth_user_id", int64(1)))
}

// testSessionMalformedIDs: cookie values without the exact shape of a
// generated ID (even a stored ID in another case or with extra bytes) give
// a new session and no error.
func testSessionMalformedIDs(t *testing.T, e *sessionEnv) {
	id := create(t, e.store, values("a", "1"))
	upper := strings.ToUpper(id[:1]) + id[1:]
	if upper == id {
		upper = strings.ToUpper(id)
	}
	malformed := []string{
		"",
		"../x",
		"..%2F..%2Fetc%2Fpasswd",
		id + "a",
		id[:31],
		"a" + id,
		id[:31] + "-",
		id[:31] + "_",
		upper,
		strings.ToUpper(id),
		strings.Repeat("a", 64),
		strings.Repeat("9", 33),
		"x'OR'1'='1",
		"'OR''='",
		"1;DROP TABLE restauth_session;--",
		strings.Repeat("'", 32),
		strings.Repeat("a", 30) + "--",
		strings.Repeat("a", 31) + "%",
		strings.Repeat("a", 31) + "*",
		strings.Repeat("a", 30) + "é",
		id[:31] + "\x00",
		"%00" + id[:29],
	}
	for _, v := range malformed {
		r := requestWithID(t, v)
		s, err := e.store.New(r, sessionName)
		if err != nil || s == nil {
			t.Errorf("New with cookie %q: %v, %v; want a new session, no error", v, s, err)
			continue
		}
		wantNewSession(t, s, v)
		g, err := e.store.Get(r, sessionName)
		if err != nil || g == nil {
			t.Errorf("Get with cookie %q: %v", v, err)
		} else {
			wantNewSession(t, g, v)
		}
	}
	wantLoaded(t, e.store, id, values("a", "1"))
}

// testSessionCallerChosenID: Save never stores a session under an ID the
// store did not issue, even one a caller set.
func testSessionCallerChosenID(t *testing.T, e *sessionEnv) {
	for _, id := range []string{neverIssuedID, "../x", "CHOSEN"} {
		r := newRequest(t)
		s := mustNew(t, e.store, r)
		s.ID = id
		s.Values["a"] = "1"
		rec, err := save(e.store, r, s)
		wantErrIs(t, "Save with caller-chosen ID "+id, err, core.ErrNotFound)
		wantNoCookie(t, rec)
		wantAbsent(t, e.store, id)
	}
}

// testSessionRegenerate: setting ID "" and saving gives a new ID with the
// same values; the old ID lives on until the caller deletes it.
func testSessionRegenerate(t *testing.T, e *sessionEnv) {
	old := create(t, e.store, values("_auth_user_id", int64(7)))
	r := requestWithID(t, old)
	s := wantLoaded(t, e.store, old, nil)
	s.ID = ""
	c := mustSave(t, e.store, r, s)
	if s.ID == old || !generatedID.MatchString(s.ID) {
		t.Fatalf("regenerated ID %q, want a fresh ID other than %q", s.ID, old)
	}
	wantSessionCookie(t, c, s.ID, defaultMaxAge)
	wantLoaded(t, e.store, s.ID, values("_auth_user_id", int64(7)))
	wantLoaded(t, e.store, old, values("_auth_user_id", int64(7)))

	deleteSession(t, e.store, r, wantLoaded(t, e.store, old, nil))
	wantAbsent(t, e.store, old)
	wantLoaded(t, e.store, s.ID, values("_auth_user_id", int64(7)))
}

// testSessionRotateInOneResponse: login rotation as core does it: delete
// the old session, then save it again, in one response; the browser keeps
// the last cookie.
func testSessionRotateInOneResponse(t *testing.T, e *sessionEnv) {
	old := create(t, e.store, values("anonymous", true))
	r := requestWithID(t, old)
	s := wantLoaded(t, e.store, old, nil)
	s.Options.MaxAge = -1
	rec, err := save(e.store, r, s)
	if err != nil {
		t.Fatalf("Save (delete): %v", err)
	}
	if s.ID != "" {
		t.Fatalf("ID after deletion = %q, want \"\"", s.ID)
	}
	s.Options.MaxAge = defaultMaxAge
	s.Values = values("_auth_user_id", int64(9))
	if err := e.store.Save(r, rec, s); err != nil {
		t.Fatalf("Save (login): %v", err)
	}
	cs := sessionCookies(rec)
	if len(cs) != 2 {
		t.Fatalf("Set-Cookie = %q, want a deletion then the new session", rec.Result().Header.Values("Set-Cookie"))
	}
	wantDeletionCookie(t, cs[0])
	wantSessionCookie(t, cs[1], s.ID, defaultMaxAge)
	if s.ID == old {
		t.Errorf("rotation kept the old ID")
	}
	wantAbsent(t, e.store, old)
	wantLoaded(t, e.store, s.ID, values("_auth_user_id", int64(9)))
}
