package memstore_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/storetest"
)

func TestSessionStore(t *testing.T) {
	storetest.RunSessionStore(t, func(t *testing.T, now func() time.Time) storetest.SessionBackend {
		s := memstore.NewSessionStore(memstore.WithSessionClock(now))
		return storetest.SessionBackend{Open: func(*testing.T) sessions.Store { return s }}
	})
}

// TestSessionStoreOptions checks the functional options and a nil Options
// field.
func TestSessionStoreOptions(t *testing.T) {
	s := memstore.NewSessionStore(
		memstore.WithSessionCookieOptions(sessions.Options{Path: "/api", MaxAge: 60, HttpOnly: true}),
		memstore.WithSessionMaxSize(100),
	)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	sess, err := s.New(r, "sessionid")
	if err != nil {
		t.Fatal(err)
	}
	if sess.Options.Path != "/api" || sess.Options.MaxAge != 60 || sess.Options.Secure {
		t.Errorf("Options = %+v, want the configured ones", *sess.Options)
	}
	sess.Values["big"] = string(make([]byte, 200))
	if err := s.Save(r, httptest.NewRecorder(), sess); err == nil {
		t.Error("Save over WithSessionMaxSize(100) succeeded")
	}

	s.Options = nil // the defaults
	sess, _ = s.New(r, "sessionid")
	if sess.Options.MaxAge != memstore.DefaultSessionMaxAge || !sess.Options.Secure {
		t.Errorf("Options with a nil store Options = %+v, want the defaults", *sess.Options)
	}
	sess.Options = nil
	rec := httptest.NewRecorder()
	if err := s.Save(r, rec, sess); err != nil {
		t.Fatal(err)
	}
	if c := rec.Result().Cookies(); len(c) != 1 || c[0].MaxAge != memstore.DefaultSessionMaxAge {
		t.Errorf("cookies = %v, want one with the default Max-Age", c)
	}
}

// TestSessionStoreInvalidName refuses a cookie name net/http would drop.
func TestSessionStoreInvalidName(t *testing.T) {
	s := memstore.NewSessionStore()
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	sess, _ := s.New(r, "bad name")
	if err := s.Save(r, httptest.NewRecorder(), sess); err == nil {
		t.Error("Save with the cookie name \"bad name\" succeeded")
	}
}

// TestStartCleanupPanics on a non-positive interval, like time.NewTicker.
func TestStartCleanupPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("StartCleanup(0) did not panic")
		}
	}()
	memstore.NewSessionStore().StartCleanup(0)
}

// A session round trip: log in (a new session gets its ID on Save), then
// send the cookie back.
func ExampleNewSessionStore() {
	store := memstore.NewSessionStore()
	stop := store.StartCleanup(time.Hour)
	defer stop()

	// Login: a new session; Save generates the ID and sets the cookie.
	r := httptest.NewRequest(http.MethodPost, "/login", nil)
	sess, err := store.Get(r, "sessionid")
	if err != nil {
		panic(err)
	}
	sess.Values["_auth_user_id"] = int64(42)
	w := httptest.NewRecorder()
	if err := sess.Save(r, w); err != nil {
		panic(err)
	}
	cookie := w.Result().Cookies()[0]
	fmt.Println(sess.IsNew, len(cookie.Value), cookie.MaxAge, cookie.HttpOnly, cookie.Secure)

	// Next request: the cookie brings the session back.
	r = httptest.NewRequest(http.MethodGet, "/me", nil)
	r.AddCookie(&http.Cookie{Name: "sessionid", Value: cookie.Value})
	sess, err = store.Get(r, "sessionid")
	if err != nil {
		panic(err)
	}
	fmt.Println(sess.IsNew, sess.Values["_auth_user_id"])

	// Logout: MaxAge -1 deletes it server-side and expires the cookie.
	sess.Options.MaxAge = -1
	w = httptest.NewRecorder()
	if err := sess.Save(r, w); err != nil {
		panic(err)
	}
	fmt.Println(w.Header().Get("Set-Cookie"))

	// Replaying the old cookie gives a new, empty session.
	r = httptest.NewRequest(http.MethodGet, "/me", nil)
	r.AddCookie(&http.Cookie{Name: "sessionid", Value: cookie.Value})
	sess, _ = store.Get(r, "sessionid")
	fmt.Println(sess.IsNew, sess.ID == "", len(sess.Values))
	// Output:
	// true 32 1209600 true true
	// false 42
	// sessionid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; HttpOnly; Secure; SameSite=Lax
	// true true 0
}
