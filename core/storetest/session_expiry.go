package storetest

import (
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// Expiry (T-SESS-03) is decided by the store's clock when a session is
// read: a session saved with MaxAge n at t expires at t+n s, and is absent
// from then on, before any cleanup.

func sessionExpiryCases() []sessionCase {
	return []sessionCase{
		{"Expiry/DefaultMaxAge", testSessionExpiryDefault},
		{"Expiry/SessionMaxAge", testSessionExpiryMaxAge},
		{"Expiry/SaveRenews", testSessionExpirySliding},
		{"Expiry/BrowserSessionCookie", testSessionExpiryBrowserSession},
		{"Expiry/SaveAfterExpiry", testSessionSaveAfterExpiry},
	}
}

// testSessionExpiryDefault: a session saved with the default MaxAge lives
// two weeks to the second.
func testSessionExpiryDefault(t *testing.T, e *sessionEnv) {
	id := create(t, e.store, values("a", "1"))
	e.clock.set(twoWeeks - time.Second)
	wantLoaded(t, e.store, id, values("a", "1"))
	e.clock.set(twoWeeks)
	wantAbsent(t, e.store, id)
	e.clock.set(twoWeeks + time.Second)
	wantAbsent(t, e.store, id)
}

// testSessionExpiryMaxAge: a session's own MaxAge sets its lifetime and
// its cookie's Max-Age; loaded again, it has the store's Options.
func testSessionExpiryMaxAge(t *testing.T, e *sessionEnv) {
	r := newRequest(t)
	s := mustNew(t, e.store, r)
	s.Options.MaxAge = 60
	wantSessionCookie(t, mustSave(t, e.store, r, s), s.ID, 60)
	e.clock.set(59 * time.Second)
	wantDefaultOptions(t, wantLoaded(t, e.store, s.ID, nil).Options)
	e.clock.set(60 * time.Second)
	wantAbsent(t, e.store, s.ID)
}

// testSessionExpirySliding: every Save pushes the expiry to now + MaxAge.
func testSessionExpirySliding(t *testing.T, e *sessionEnv) {
	id := create(t, e.store, values("a", "1"))
	tenDays := 10 * 24 * time.Hour
	e.clock.set(tenDays)
	s := wantLoaded(t, e.store, id, nil)
	wantSessionCookie(t, mustSave(t, e.store, requestWithID(t, id), s), id, defaultMaxAge)
	e.clock.set(twoWeeks + time.Hour)
	wantLoaded(t, e.store, id, values("a", "1"))
	e.clock.set(tenDays + twoWeeks - time.Second)
	wantLoaded(t, e.store, id, nil)
	e.clock.set(tenDays + twoWeeks)
	wantAbsent(t, e.store, id)
}

// testSessionExpiryBrowserSession: MaxAge 0 writes a cookie without
// Max-Age or Expires, and the store keeps the session for its default
// lifetime.
func testSessionExpiryBrowserSession(t *testing.T, e *sessionEnv) {
	id := createWithMaxAge(t, e.store, 0)
	e.clock.set(twoWeeks - time.Second)
	wantLoaded(t, e.store, id, nil)
	e.clock.set(twoWeeks)
	wantAbsent(t, e.store, id)

	r := newRequest(t)
	s := mustNew(t, e.store, r)
	s.Options.MaxAge = 0
	wantSessionCookie(t, mustSave(t, e.store, r, s), s.ID, 0)
}

// testSessionSaveAfterExpiry: a session that expired after it was loaded
// is not renewed by Save: core.ErrNotFound, no cookie, still absent.
func testSessionSaveAfterExpiry(t *testing.T, e *sessionEnv) {
	id := createWithMaxAge(t, e.store, 60)
	e.clock.set(59 * time.Second)
	s := wantLoaded(t, e.store, id, nil)
	e.clock.set(60 * time.Second)
	s.Values["a"] = "late"
	rec, err := save(e.store, requestWithID(t, id), s)
	wantErrIs(t, "Save of an expired session", err, core.ErrNotFound)
	wantNoCookie(t, rec)
	e.clock.set(61 * time.Second)
	wantAbsent(t, e.store, id)
}
