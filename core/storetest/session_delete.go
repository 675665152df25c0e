package storetest

import (
	"errors"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
)

// Logout (T-SESS-04): a deleted session is gone server-side, whatever the
// client keeps sending, and nothing brings it back.

func sessionDeleteCases() []sessionCase {
	return []sessionCase{
		{"Delete/RemovesSession", testSessionDelete},
		{"Delete/Idempotent", testSessionDeleteIdempotent},
		{"Delete/ThenSaveGetsNewID", testSessionDeleteThenSave},
		{"Delete/StaleSaveDoesNotResurrect", testSessionStaleSave},
	}
}

// testSessionDelete: Save with MaxAge -1 deletes the stored session and
// writes a deletion cookie; the old cookie then gives a new session.
func testSessionDelete(t *testing.T, e *sessionEnv) {
	keep := create(t, e.store, values("other", "user"))
	id := create(t, e.store, values("_auth_user_id", int64(3)))
	r := requestWithID(t, id)
	deleteSession(t, e.store, r, wantLoaded(t, e.store, id, nil))
	wantAbsent(t, e.store, id)
	wantLoaded(t, e.store, keep, values("other", "user"))
}

// testSessionDeleteIdempotent: deleting a session that is already gone,
// or one never saved, is not an error and still expires the cookie.
func testSessionDeleteIdempotent(t *testing.T, e *sessionEnv) {
	id := create(t, e.store, nil)
	r := requestWithID(t, id)
	deleteSession(t, e.store, r, wantLoaded(t, e.store, id, nil))

	again := sessions.NewSession(e.store, sessionName)
	again.ID = id
	again.Options = &sessions.Options{Path: "/", MaxAge: -1, HttpOnly: true}
	wantDeletionCookie(t, mustSave(t, e.store, r, again))

	fresh := mustNew(t, e.store, newRequest(t))
	deleteSession(t, e.store, newRequest(t), fresh)
	wantAbsent(t, e.store, id)
}

// testSessionDeleteThenSave: saving a deleted session again gives it a new
// ID; the deleted one stays deleted.
func testSessionDeleteThenSave(t *testing.T, e *sessionEnv) {
	id := create(t, e.store, values("a", "1"))
	r := requestWithID(t, id)
	s := wantLoaded(t, e.store, id, nil)
	deleteSession(t, e.store, r, s)
	s.Options.MaxAge = defaultMaxAge
	mustSave(t, e.store, r, s)
	if s.ID == id || !generatedID.MatchString(s.ID) {
		t.Errorf("save after deletion: ID %q, want a fresh ID", s.ID)
	}
	wantAbsent(t, e.store, id)
	wantLoaded(t, e.store, s.ID, values("a", "1"))
}

// testSessionStaleSave: a request that loaded the session before another
// request deleted it (a logout racing a page load) cannot save it back:
// Save fails with core.ErrNotFound, writes no cookie and stores nothing.
func testSessionStaleSave(t *testing.T, e *sessionEnv) {
	id := create(t, e.store, values("_auth_user_id", int64(5)))
	slow := requestWithID(t, id)
	stale := wantLoaded(t, e.store, id, nil)
	deleteSession(t, e.store, requestWithID(t, id), wantLoaded(t, e.store, id, nil))

	stale.Values["_auth_seen"] = int64(1)
	rec, err := save(e.store, slow, stale)
	wantErrIs(t, "Save of a deleted session", err, core.ErrNotFound)
	if err != nil && errors.Is(err, core.ErrUnavailable) {
		t.Errorf("Save of a deleted session: %v also wraps core.ErrUnavailable", err)
	}
	wantNoCookie(t, rec)
	wantAbsent(t, e.store, id)
}
