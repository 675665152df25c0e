package sessionkit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
)

// fakeBackend is a Backend whose answers a test sets; it counts calls.
type fakeBackend struct {
	loadErr   error
	insertErr []error // one per Insert call, then nil
	updateErr error
	deleteErr error
	expired   error
	inserts   int
	updates   int
	deletes   int
}

func (b *fakeBackend) Load(context.Context, string, int64) ([]byte, bool, error) {
	return nil, false, b.loadErr
}

func (b *fakeBackend) Insert(context.Context, string, []byte, int64) error {
	b.inserts++
	if len(b.insertErr) >= b.inserts {
		return b.insertErr[b.inserts-1]
	}
	return nil
}

func (b *fakeBackend) Update(context.Context, string, []byte, int64, int64) error {
	b.updates++
	return b.updateErr
}

func (b *fakeBackend) Delete(context.Context, string) error {
	b.deletes++
	return b.deleteErr
}

func (b *fakeBackend) DeleteExpired(context.Context, int64) (int, error) { return 0, b.expired }

// engineStore adapts an Engine to sessions.Store for the tests.
type engineStore struct{ e *Engine }

func (s engineStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return s.New(r, name)
}

func (s engineStore) New(r *http.Request, name string) (*sessions.Session, error) {
	return s.e.New(s, nil, r, name)
}

func (s engineStore) Save(r *http.Request, w http.ResponseWriter, sess *sessions.Session) error {
	return s.e.Save(nil, r, w, sess)
}

// saveNew saves a session with id and maxAge on e and returns it, whether
// a cookie was written, and Save's error.
func saveNew(t *testing.T, e *Engine, id string, maxAge int) (*sessions.Session, bool, error) {
	t.Helper()
	s := engineStore{e}
	sess := sessions.NewSession(s, "sessionid")
	sess.ID = id
	sess.Options = DefaultOptions()
	sess.Options.MaxAge = maxAge
	w := httptest.NewRecorder()
	err := s.Save(httptest.NewRequest(http.MethodGet, "/", nil), w, sess)
	return sess, w.Header().Get("Set-Cookie") != "", err
}

// TestEngineInsertRetriesTakenIDs: a taken ID is retried with a fresh one,
// up to insertAttempts, and another Insert error is returned unchanged.
func TestEngineInsertRetriesTakenIDs(t *testing.T) {
	b := &fakeBackend{insertErr: []error{ErrIDTaken, ErrIDTaken}}
	sess, cookie, err := saveNew(t, &Engine{Backend: b, Name: "x"}, "", 0)
	if err != nil || b.inserts != 3 || !ValidID(sess.ID) || !cookie {
		t.Errorf("after two taken IDs: %v, %d inserts, ID %q, cookie %v; want the third stored", err, b.inserts, sess.ID, cookie)
	}

	b = &fakeBackend{insertErr: []error{ErrIDTaken, ErrIDTaken, ErrIDTaken}}
	sess, cookie, err = saveNew(t, &Engine{Backend: b, Name: "x"}, "", 0)
	if err == nil || b.inserts != insertAttempts || sess.ID != "" || cookie {
		t.Errorf("all IDs taken: %v, %d inserts, ID %q, cookie %v; want an error and no cookie", err, b.inserts, sess.ID, cookie)
	}

	down := errors.New("down")
	b = &fakeBackend{insertErr: []error{down}}
	if _, cookie, err = saveNew(t, &Engine{Backend: b, Name: "x"}, "", 0); !errors.Is(err, down) || b.inserts != 1 || cookie {
		t.Errorf("Insert failing: %v after %d inserts, cookie %v; want the error once and no cookie", err, b.inserts, cookie)
	}
}

// TestEngineUpdateGone: ErrGone becomes an error wrapping core.ErrNotFound
// under the Engine's name, an ID never issued does not reach the Backend,
// and no cookie is written.
func TestEngineUpdateGone(t *testing.T) {
	b := &fakeBackend{updateErr: ErrGone}
	_, cookie, err := saveNew(t, &Engine{Backend: b, Name: "memstore"}, NewID(), 60)
	if !errors.Is(err, core.ErrNotFound) || !strings.HasPrefix(err.Error(), "memstore: ") || cookie {
		t.Errorf("Update gone: %v, cookie %v; want memstore: ... core.ErrNotFound, no cookie", err, cookie)
	}

	b = &fakeBackend{}
	_, _, err = saveNew(t, &Engine{Backend: b, Name: "x"}, "not-an-issued-id", 60)
	if !errors.Is(err, core.ErrNotFound) || b.updates != 0 {
		t.Errorf("Update of a malformed ID: %v after %d updates; want core.ErrNotFound, no Backend call", err, b.updates)
	}
}

// TestEngineBackendErrors: Load, Delete and DeleteExpired errors are
// returned unchanged, New still returns a new session, and a failed
// delete writes no cookie.
func TestEngineBackendErrors(t *testing.T) {
	down := errors.New("down")
	b := &fakeBackend{loadErr: down, deleteErr: down, expired: down}
	e := &Engine{Backend: b, Name: "x"}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: "sessionid", Value: NewID()})
	sess, err := engineStore{e}.New(r, "sessionid")
	if !errors.Is(err, down) || sess == nil || !sess.IsNew || sess.ID != "" {
		t.Errorf("New with Load failing = %v, %+v; want the error and a new session", err, sess)
	}
	if _, cookie, err := saveNew(t, e, NewID(), -1); !errors.Is(err, down) || cookie {
		t.Errorf("delete failing: %v, cookie %v; want the error, no cookie", err, cookie)
	}
	if _, err := e.Cleanup(t.Context()); !errors.Is(err, down) {
		t.Errorf("Cleanup = %v, want the DeleteExpired error", err)
	}
}

// TestEngineStartCleanup reports periodic errors to OnCleanupError and
// panics on a non-positive interval with the Engine's name.
func TestEngineStartCleanup(t *testing.T) {
	down := errors.New("down")
	errs := make(chan error, 100)
	e := &Engine{Backend: &fakeBackend{expired: down}, Name: "x", OnCleanupError: func(err error) { errs <- err }}
	stop := e.StartCleanup(time.Millisecond)
	select {
	case err := <-errs:
		if !errors.Is(err, down) {
			t.Errorf("reported %v, want the DeleteExpired error", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("no cleanup error reported within 10s")
	}
	stop()
	stop()

	defer func() {
		if p := recover(); p == nil || !strings.HasPrefix(p.(string), "x: StartCleanup") {
			t.Errorf("StartCleanup(0) panicked with %v, want x: StartCleanup: ...", p)
		}
	}()
	e.StartCleanup(0)
}
