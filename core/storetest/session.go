package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/gorilla/sessions"
)

// SessionBackend is one fresh, empty set of backing data (a database, a
// map) on which RunSessionStore opens session stores.
type SessionBackend struct {
	// Open returns a session store on the backend, built with its default
	// options and reading the time only from the clock given to the
	// factory. Every store it returns must see the sessions of the others:
	// sqlstore opens a new Store on the same database each time, memstore
	// may return its one store again. Required.
	Open func(t *testing.T) sessions.Store

	// Break, if not nil, makes the backend fail as a database that is down
	// (sqlstore closes its pools): from then on every call of every store
	// opened on it that needs the backend must fail with an error wrapping
	// core.ErrUnavailable. The "Unavailable" case is skipped when Break is
	// nil (memstore cannot fail).
	Break func(t *testing.T)

	// JSONValues says the stores keep values as a JSON dict (sqlstore's
	// DjangoSessionStore, on Django's django_session): string keys and
	// int64, string and bool values only. The RoundTrip case then stores
	// only those, instead of also a float, []byte, an int key, an int and
	// a flash.
	JSONValues bool
}

// SessionCleaner is implemented by session stores that delete expired
// sessions. The cleanup cases run only on stores that implement it.
type SessionCleaner interface {
	// Cleanup deletes the sessions expired by the store's clock and
	// reports how many it deleted.
	Cleanup(ctx context.Context) (int, error)
	// StartCleanup runs Cleanup every interval in a goroutine; stop ends
	// it and returns once it has exited, and may be called again.
	StartCleanup(interval time.Duration) (stop func())
}

// sessionEnv is what a session case runs against: a backend, the first
// store opened on it and the clock every store reads.
type sessionEnv struct {
	clock   *fakeClock
	backend SessionBackend
	store   sessions.Store
}

// open opens another store on the same backend.
func (e *sessionEnv) open(t *testing.T) sessions.Store {
	t.Helper()
	s := e.backend.Open(t)
	if s == nil {
		t.Fatal("SessionBackend.Open returned nil")
	}
	return s
}

// sessionCase is one session conformance check on a fresh backend.
type sessionCase struct {
	name string
	run  func(t *testing.T, e *sessionEnv)
}

// RunSessionStore runs the conformance suite for server-side
// gorilla/sessions stores (the semantics documented on memstore's and
// sqlstore's SessionStore): Django-shaped IDs, no adoption of unknown or
// malformed IDs, deletion and ID rotation, expiry by the store's clock,
// no resurrection of deleted sessions, cleanup, size limits, and failures
// wrapping core.ErrUnavailable. Every case works through real
// *http.Request and httptest.ResponseRecorder round trips, with the
// cookie name "sessionid".
//
// newBackend returns a fresh, empty backend per case whose stores read the
// time from now, a fake clock the suite moves (it starts in 2031). It
// registers whatever cleanup the backend needs with t.Cleanup and fails t
// if the backend cannot be built. The suite assumes the stores' defaults:
// cookie attributes Path=/, Max-Age=1209600, HttpOnly, Secure,
// SameSite=Lax, and a size limit of encoded values between 60 and 64 KiB.
func RunSessionStore(t *testing.T, newBackend func(t *testing.T, now func() time.Time) SessionBackend) {
	t.Helper()
	if newBackend == nil {
		t.Fatal("storetest.RunSessionStore: newBackend is nil")
	}
	for _, group := range [][]sessionCase{
		sessionLifecycleCases(),
		sessionFixationCases(),
		sessionDeleteCases(),
		sessionExpiryCases(),
		sessionCleanupCases(),
		sessionLimitCases(),
	} {
		for _, tc := range group {
			t.Run(tc.name, func(t *testing.T) {
				clock := newFakeClock()
				b := newBackend(t, clock.Now)
				if b.Open == nil {
					t.Fatal("SessionBackend.Open is nil")
				}
				e := &sessionEnv{clock: clock, backend: b}
				e.store = e.open(t)
				tc.run(t, e)
			})
		}
	}
}
