package storetest

import (
	"net/http/httptest"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
)

func sessionLifecycleCases() []sessionCase {
	return []sessionCase{
		{"New/WithoutCookie", testSessionNewWithoutCookie},
		{"Save/AssignsID", testSessionSaveAssignsID},
		{"Save/NilValues", testSessionSaveNilValues},
		{"Save/Twice", testSessionSaveTwice},
		{"Save/Unchanged", testSessionSaveUnchanged},
		{"Load/RoundTrip", testSessionRoundTrip},
		{"Load/Copies", testSessionCopies},
		{"Load/Update", testSessionUpdate},
		{"Get/CachedPerRequest", testSessionGetCached},
		{"Get/RegistrySave", testSessionRegistrySave},
		{"Shared/TwoStores", testSessionTwoStores},
		{"Shared/Concurrent", testSessionConcurrent},
	}
}

// testSessionNewWithoutCookie: a request without a cookie gets a new
// session whose Options are a private copy of the store's.
func testSessionNewWithoutCookie(t *testing.T, e *sessionEnv) {
	r := newRequest(t)
	s := mustNew(t, e.store, r)
	wantNewSession(t, s, "")
	if s.Name() != sessionName {
		t.Errorf("Name() = %q, want %q", s.Name(), sessionName)
	}
	if s.Store() != e.store {
		t.Errorf("Store() = %v, want the store", s.Store())
	}
	wantDefaultOptions(t, s.Options)
	s.Options.MaxAge, s.Options.Path = 5, "/elsewhere"
	wantDefaultOptions(t, mustNew(t, e.store, newRequest(t)).Options)
}

// testSessionSaveAssignsID: Save gives a new session a Django-shaped ID
// and writes it in a cookie with the store's attributes.
func testSessionSaveAssignsID(t *testing.T, e *sessionEnv) {
	r := newRequest(t)
	s := mustNew(t, e.store, r)
	s.Values["_auth_user_id"] = int64(42)
	c := mustSave(t, e.store, r, s)
	if !generatedID.MatchString(s.ID) {
		t.Fatalf("ID = %q, want 32 characters from [a-z0-9]", s.ID)
	}
	wantSessionCookie(t, c, s.ID, defaultMaxAge)
	wantLoaded(t, e.store, s.ID, values("_auth_user_id", int64(42)))
}

// testSessionSaveNilValues: nil Values save as an empty session.
func testSessionSaveNilValues(t *testing.T, e *sessionEnv) {
	r := newRequest(t)
	s := mustNew(t, e.store, r)
	s.Values = nil
	mustSave(t, e.store, r, s)
	got := wantLoaded(t, e.store, s.ID, nil)
	if got.Values == nil || len(got.Values) != 0 {
		t.Errorf("Values = %#v, want an empty, non-nil map", got.Values)
	}
}

// testSessionSaveTwice: saving one new session twice keeps the ID the
// first Save assigned.
func testSessionSaveTwice(t *testing.T, e *sessionEnv) {
	r := newRequest(t)
	s := mustNew(t, e.store, r)
	s.Values["n"] = int64(1)
	mustSave(t, e.store, r, s)
	id := s.ID
	s.Values["n"] = int64(2)
	wantSessionCookie(t, mustSave(t, e.store, r, s), id, defaultMaxAge)
	if s.ID != id {
		t.Errorf("second Save changed the ID from %s… to %s…", prefix(id), prefix(s.ID))
	}
	wantLoaded(t, e.store, id, values("n", int64(2)))
}

// testSessionSaveUnchanged: saving a loaded session without changing its
// values at the same instant (an update that changes no column) succeeds.
func testSessionSaveUnchanged(t *testing.T, e *sessionEnv) {
	id := create(t, e.store, values("a", "1"))
	for range 2 {
		s := wantLoaded(t, e.store, id, nil)
		wantSessionCookie(t, mustSave(t, e.store, requestWithID(t, id), s), id, defaultMaxAge)
	}
	wantLoaded(t, e.store, id, values("a", "1"))
}

// testSessionRoundTrip: values come back with their types (with
// JSONValues, only string keys and int64, string and bool values); Options
// are the store's, not those the session was saved with.
func testSessionRoundTrip(t *testing.T, e *sessionEnv) {
	r := newRequest(t)
	s := mustNew(t, e.store, r)
	want := values(
		"_auth_user_id", int64(42),
		"_auth_user_hash", "3a1d6bd1c8e5c0f1b1cf1e06c3f7d9b5",
		"verified", true,
		"count", 7,
		"ratio", 0.25,
		"raw", []byte{0, 1, 2, 0xff},
		"empty", "",
		1, "an int key",
	)
	if e.backend.JSONValues { // only what a JSON session dict holds
		want = values("_auth_user_id", int64(42), "_auth_user_hash", "3a1d6bd1c8e5c0f1b1cf1e06c3f7d9b5",
			"verified", true, "count", int64(7), "empty", "")
	}
	for k, v := range want {
		s.Values[k] = v
	}
	if !e.backend.JSONValues {
		s.AddFlash("welcome back")
		want["_flash"] = []interface{}{"welcome back"}
	}
	s.Options.MaxAge = 3600
	mustSave(t, e.store, r, s)

	got := wantLoaded(t, e.store, s.ID, want)
	wantDefaultOptions(t, got.Options)
	if got.Name() != sessionName || got.Store() != e.store {
		t.Errorf("loaded session: Name() = %q, Store() = %v", got.Name(), got.Store())
	}
}

// testSessionCopies: changing loaded or saved values changes nothing
// stored until the next Save.
func testSessionCopies(t *testing.T, e *sessionEnv) {
	r := newRequest(t)
	s := mustNew(t, e.store, r)
	s.Values["a"] = "1"
	mustSave(t, e.store, r, s)
	s.Values["a"] = "changed after Save"

	loaded := wantLoaded(t, e.store, s.ID, values("a", "1"))
	loaded.Values["a"] = "changed after load"
	loaded.Values["b"] = true
	wantLoaded(t, e.store, s.ID, values("a", "1"))
}

// testSessionUpdate: saving a loaded session keeps its ID, replaces its
// values and renews its cookie.
func testSessionUpdate(t *testing.T, e *sessionEnv) {
	id := create(t, e.store, values("a", int64(1), "gone", "x"))
	r := requestWithID(t, id)
	s := wantLoaded(t, e.store, id, nil)
	s.Values["a"] = int64(2)
	delete(s.Values, "gone")
	wantSessionCookie(t, mustSave(t, e.store, r, s), id, defaultMaxAge)
	if s.ID != id {
		t.Errorf("Save changed the ID of a loaded session")
	}
	wantLoaded(t, e.store, id, values("a", int64(2)))
}

// testSessionGetCached: Get returns one session per request and name; New
// always builds another.
func testSessionGetCached(t *testing.T, e *sessionEnv) {
	id := create(t, e.store, values("a", "1"))
	r := requestWithID(t, id)
	s1, err1 := e.store.Get(r, sessionName)
	s2, err2 := e.store.Get(r, sessionName)
	if err1 != nil || err2 != nil {
		t.Fatalf("Get: %v, %v", err1, err2)
	}
	if s1 != s2 {
		t.Error("two Gets on one request returned different sessions")
	}
	if s1.IsNew || s1.ID != id {
		t.Errorf("Get: IsNew = %v, ID = %q; want session %s…", s1.IsNew, s1.ID, prefix(id))
	}
	if n := mustNew(t, e.store, r); n == s1 || n.ID != id {
		t.Errorf("New after Get: same pointer %v, ID %q", n == s1, n.ID)
	}
	other, err := e.store.Get(r, "othersession")
	if err != nil || other == s1 || !other.IsNew {
		t.Errorf("Get with another name: %v, same pointer %v, IsNew %v", err, other == s1, other.IsNew)
	}
	s3, err := e.store.Get(requestWithID(t, id), sessionName)
	if err != nil || s3 == s1 {
		t.Errorf("Get on another request: %v, same pointer %v", err, s3 == s1)
	}

	anon := newRequest(t)
	a1, _ := e.store.Get(anon, sessionName)
	a2, _ := e.store.Get(anon, sessionName)
	if a1 == nil || a1 != a2 {
		t.Error("two Gets on one request without a cookie returned different sessions")
	}
}

// testSessionRegistrySave: sessions.Save, as gin-contrib/sessions and
// gorilla apps call it, saves through the store.
func testSessionRegistrySave(t *testing.T, e *sessionEnv) {
	r := newRequest(t)
	s, err := e.store.Get(r, sessionName)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	s.Values["via"] = "registry"
	rec := httptest.NewRecorder()
	if err := sessions.Save(r, rec); err != nil {
		t.Fatalf("sessions.Save: %v", err)
	}
	wantSessionCookie(t, onlySessionCookie(t, rec), s.ID, defaultMaxAge)
	wantLoaded(t, e.store, s.ID, values("via", "registry"))
}

// testSessionTwoStores: two stores on one backend (two processes on one
// database) see each other's sessions, updates and deletions.
func testSessionTwoStores(t *testing.T, e *sessionEnv) {
	a, b := e.store, e.open(t)
	id := create(t, a, values("k", "from a"))
	wantLoaded(t, b, id, values("k", "from a"))

	rb := requestWithID(t, id)
	sb := wantLoaded(t, b, id, nil)
	sb.Values["k"] = "from b"
	mustSave(t, b, rb, sb)
	wantLoaded(t, a, id, values("k", "from b"))

	stale := wantLoaded(t, a, id, nil) // loaded by a before b's logout
	deleteSession(t, b, rb, wantLoaded(t, b, id, nil))
	wantAbsent(t, a, id)

	stale.Values["k"] = "resurrected?"
	rec, err := save(a, requestWithID(t, id), stale)
	wantErrIs(t, "Save of a session deleted by another store", err, core.ErrNotFound)
	wantNoCookie(t, rec)
	wantAbsent(t, b, id)

	other := create(t, b, values("k", "new in b"))
	wantLoaded(t, a, other, values("k", "new in b"))
}

// testSessionConcurrent saves, loads and updates sessions from several
// goroutines at once (run with -race).
func testSessionConcurrent(t *testing.T, e *sessionEnv) {
	const workers, each = 8, 12
	stores := []sessions.Store{e.store, e.open(t)}
	errs := make(chan string, workers*each)
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			st := stores[w%len(stores)]
			for i := range each {
				r := newRequest(t)
				s, err := st.New(r, sessionName)
				if err != nil {
					errs <- "New: " + err.Error()
					return
				}
				s.Values["n"] = int64(w*each + i)
				if _, err := save(st, r, s); err != nil {
					errs <- "Save: " + err.Error()
					return
				}
				r2 := requestWithID(t, s.ID)
				got, err := st.New(r2, sessionName)
				if err != nil || got.IsNew || got.Values["n"] != int64(w*each+i) {
					errs <- "reload of " + prefix(s.ID) + " failed"
					return
				}
				got.Values["n"] = int64(-1)
				if _, err := save(st, r2, got); err != nil {
					errs <- "update: " + err.Error()
					return
				}
			}
		}()
	}
	for range workers {
		<-done
	}
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}
