package storetest

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
)

func sessionLimitCases() []sessionCase {
	return []sessionCase{
		{"Limits/Oversized", testSessionOversized},
		{"Limits/Unencodable", testSessionUnencodable},
		{"IDs/Unique", testSessionIDsUnique},
		{"Unavailable", testSessionUnavailable},
	}
}

// unregisteredValue is a type nobody gob.Register-s.
type unregisteredValue struct{ N int }

// testSessionOversized: values up to 60 KiB encoded fit; 70 KiB is refused
// with core.ErrInvalidValue before anything is stored or sent.
func testSessionOversized(t *testing.T, e *sessionEnv) {
	big := strings.Repeat("x", 70<<10)
	r := newRequest(t)
	s := mustNew(t, e.store, r)
	s.Values["blob"] = big
	rec, err := save(e.store, r, s)
	wantErrIs(t, "Save of 70 KiB of values", err, core.ErrInvalidValue)
	wantNoCookie(t, rec)
	if s.ID != "" {
		t.Errorf("refused Save assigned ID %q", s.ID)
	}

	id := create(t, e.store, values("a", "small"))
	loaded := wantLoaded(t, e.store, id, nil)
	loaded.Values["blob"] = big
	rec, err = save(e.store, requestWithID(t, id), loaded)
	wantErrIs(t, "Save of 70 KiB of values over a stored session", err, core.ErrInvalidValue)
	wantNoCookie(t, rec)
	wantLoaded(t, e.store, id, values("a", "small"))

	fits := strings.Repeat("y", 60<<10)
	ok := create(t, e.store, values("blob", fits))
	wantLoaded(t, e.store, ok, values("blob", fits))
}

// testSessionUnencodable: a value of a type gob does not know is refused
// with core.ErrInvalidValue; nothing is stored or sent.
func testSessionUnencodable(t *testing.T, e *sessionEnv) {
	r := newRequest(t)
	s := mustNew(t, e.store, r)
	s.Values["v"] = unregisteredValue{N: 1}
	rec, err := save(e.store, r, s)
	wantErrIs(t, "Save of an unregistered type", err, core.ErrInvalidValue)
	wantNoCookie(t, rec)
	if s.ID != "" {
		t.Errorf("refused Save assigned ID %q", s.ID)
	}
}

// testSessionIDsUnique (T-SESS-02): 10 000 sessions saved by four
// goroutines get 10 000 distinct Django-shaped IDs using the whole
// alphabet.
func testSessionIDsUnique(t *testing.T, e *sessionEnv) {
	const n, workers = 10000, 4
	ids := make(chan string, n)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range n / workers {
				r := newRequest(t)
				s, err := e.store.New(r, sessionName)
				if err == nil {
					_, err = save(e.store, r, s)
				}
				if err != nil {
					errs <- err
					return
				}
				ids <- s.ID
			}
		})
	}
	wg.Wait()
	close(ids)
	close(errs)
	for err := range errs {
		t.Fatalf("New or Save: %v", err)
	}
	seen := make(map[string]bool, n)
	var used [256]bool
	for id := range ids {
		if !generatedID.MatchString(id) {
			t.Fatalf("generated ID %q, want 32 characters from [a-z0-9]", id)
		}
		if seen[id] {
			t.Fatalf("ID %q generated twice", id)
		}
		seen[id] = true
		for j := 0; j < len(id); j++ {
			used[id[j]] = true
		}
	}
	if len(seen) != n {
		t.Fatalf("%d IDs, want %d", len(seen), n)
	}
	for _, c := range "abcdefghijklmnopqrstuvwxyz0123456789" {
		if !used[c] {
			t.Errorf("character %q never used in %d IDs", c, n)
		}
	}
}

// testSessionUnavailable (T-SESS-06): once the backend fails, every call
// that needs it fails with core.ErrUnavailable, so that restauth answers
// 503 instead of treating the request as anonymous; New still returns a
// (new, never adopted) session, as the gorilla registry requires. Calls
// that need no backend (no cookie, malformed cookie) still succeed.
func testSessionUnavailable(t *testing.T, e *sessionEnv) {
	if e.backend.Break == nil {
		t.Skip("skipped: the backend cannot be made to fail (SessionBackend.Break is nil)")
	}
	id := create(t, e.store, values("_auth_user_id", int64(1)))
	e.backend.Break(t)

	for _, cookie := range []string{id, neverIssuedID} {
		r := requestWithID(t, cookie)
		s, err := e.store.New(r, sessionName)
		wantUnavailable(t, "New with a well-formed cookie", err)
		if s == nil {
			t.Fatal("New returned a nil session with its error")
		}
		wantNewSession(t, s, cookie)
		g, err := e.store.Get(r, sessionName)
		wantUnavailable(t, "Get with a well-formed cookie", err)
		if g == nil {
			t.Fatal("Get returned a nil session with its error")
		}
	}
	for _, r := range []*http.Request{newRequest(t), requestWithID(t, "../x"), requestWithID(t, strings.ToUpper(id))} {
		if _, err := e.store.New(r, sessionName); err != nil {
			t.Errorf("New without a well-formed cookie needs no backend, got %v", err)
		}
	}

	r := newRequest(t)
	s := mustNew(t, e.store, r)
	s.Values["a"] = "1"
	rec, err := save(e.store, r, s)
	wantUnavailable(t, "Save of a new session", err)
	wantNoCookie(t, rec)
	if s.ID != "" {
		t.Errorf("failed Save assigned ID %q", s.ID)
	}

	old := sessions.NewSession(e.store, sessionName)
	old.ID, old.Options = id, &sessions.Options{Path: "/", MaxAge: 60}
	rec, err = save(e.store, requestWithID(t, id), old)
	wantUnavailable(t, "Save of a loaded session", err)
	wantNoCookie(t, rec)

	old.Options.MaxAge = -1
	rec, err = save(e.store, requestWithID(t, id), old)
	wantUnavailable(t, "Save with MaxAge -1 (logout)", err)
	wantNoCookie(t, rec)

	if c, ok := e.store.(SessionCleaner); ok {
		_, err := c.Cleanup(t.Context())
		wantUnavailable(t, "Cleanup", err)
	}
}

// wantUnavailable requires err to wrap core.ErrUnavailable and none of
// the sentinels that would send the caller down another path.
func wantUnavailable(t *testing.T, op string, err error) {
	t.Helper()
	if !errors.Is(err, core.ErrUnavailable) {
		t.Errorf("%s on a failing backend: err = %v, want core.ErrUnavailable", op, err)
	}
	if isSentinel(err) || errors.Is(err, core.ErrInvalidValue) {
		t.Errorf("%s on a failing backend: err = %v also wraps a sentinel", op, err)
	}
}
