package authtest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
)

// sessFailingStore wraps a sessions.Store and, while failing, fails every
// call as a session backend that went away does: with an error wrapping
// core.ErrUnavailable, as sqlstore's and memstore's session stores mark
// backend failures, or, when plain, with a bare error as third-party
// gorilla stores (gin-contrib's Redis store) return.
type sessFailingStore struct {
	sessions.Store
	mu      sync.Mutex
	failing bool
	plain   bool
}

// install wraps the config's session store; use it as a newEnv option
// after sessionMode.
func (f *sessFailingStore) install(c *core.Config) {
	f.Store = c.Session.Store
	c.Session.Store = f
}

// failWith makes every call fail (on) or work, with plain errors or
// ones wrapping core.ErrUnavailable.
func (f *sessFailingStore) failWith(on, plain bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing, f.plain = on, plain
}

// err returns the fault while failing.
func (f *sessFailingStore) err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.failing && f.plain:
		return fmt.Errorf("redis: %s", faultText)
	case f.failing:
		return fmt.Errorf("session store: %s: %w", faultText, core.ErrUnavailable)
	}
	return nil
}

// Get implements sessions.Store.
func (f *sessFailingStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	if err := f.err(); err != nil {
		return sessions.NewSession(f, name), err
	}
	return f.Store.Get(r, name)
}

// New implements sessions.Store.
func (f *sessFailingStore) New(r *http.Request, name string) (*sessions.Session, error) {
	if err := f.err(); err != nil {
		return sessions.NewSession(f, name), err
	}
	return f.Store.New(r, name)
}

// Save implements sessions.Store.
func (f *sessFailingStore) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	if err := f.err(); err != nil {
		return err
	}
	return f.Store.Save(r, w, s)
}

// sessStored reports whether the session store of e holds a live session
// with id, read directly from the store (not through a response).
func (e *env) sessStored(t *testing.T, id string) bool {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: "sessionid", Value: id})
	s, err := e.auth.Config().Session.Store.New(req, "sessionid")
	if err != nil {
		t.Fatalf("session store: %v", err)
	}
	return !s.IsNew
}

// sessAnonymous creates a session that holds no login (e.g. an app's
// cart for a visitor) directly in e's session store and returns its ID.
func (e *env) sessAnonymous(t *testing.T) string {
	t.Helper()
	store := e.auth.Config().Session.Store
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	s, err := store.New(req, "sessionid")
	if err != nil {
		t.Fatalf("session store: %v", err)
	}
	s.Values["cart"] = "3 items"
	if err := store.Save(req, httptest.NewRecorder(), s); err != nil || s.ID == "" {
		t.Fatalf("saving an anonymous session: %v (id %q)", err, s.ID)
	}
	return s.ID
}

// sessFlip returns s with the byte at i replaced by another letter.
func sessFlip(s string, i int) string {
	c := byte('a')
	if s[i] == 'a' {
		c = 'b'
	}
	return s[:i] + string(c) + s[i+1:]
}

// sessionLoginSigned logs alice in on a store whose cookie value is not a
// plain ID (a signed CookieStore) and returns the raw cookie value.
func (e *env) sessionLoginSigned(t *testing.T) (value string, csrf string) {
	t.Helper()
	res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", defaultPassword))
	res.wantStatus(t, http.StatusNoContent)
	c := res.cookies()
	if c["sessionid"] == nil || c["sessionid"].Value == "" || c["csrftoken"] == nil {
		t.Fatalf("cookies %v", c)
	}
	e.secrets.add(c["sessionid"].Value)
	return c["sessionid"].Value, c["csrftoken"].Value
}

// sessForge returns a "sessionid" cookie value holding values, encoded
// and signed by store.
func sessForge(t *testing.T, store sessions.Store, values map[any]any) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	s, _ := store.New(req, "sessionid")
	s.Values = values
	rec := httptest.NewRecorder()
	if err := store.Save(req, rec, s); err != nil {
		t.Fatalf("forging a session cookie: %v", err)
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == "sessionid" {
			return c.Value
		}
	}
	t.Fatal("forging a session cookie: none written")
	return ""
}
