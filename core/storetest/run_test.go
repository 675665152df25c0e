package storetest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/storetest"
)

// TestRunOnMemstore runs the suite on the reference in-memory store, so a
// change to the suite is checked where it is made.
func TestRunOnMemstore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return memstore.New() })
}

// plainStore hides every method but core.Store's, as a store without
// refresh support would.
type plainStore struct{ core.Store }

// TestRunWithoutRefreshStore runs the suite on a store that does not
// implement core.RefreshStore: the Refresh group is skipped, not failed.
func TestRunWithoutRefreshStore(t *testing.T) {
	if _, ok := core.Store(plainStore{}).(core.RefreshStore); ok {
		t.Fatal("plainStore implements core.RefreshStore")
	}
	built := 0
	storetest.Run(t, func(t *testing.T) core.Store {
		if strings.Contains(t.Name(), "/Refresh/") {
			built++
		}
		return plainStore{memstore.New()}
	})
	if built != 1 {
		t.Errorf("%d stores built for the Refresh group, want 1 (then skipped)", built)
	}
}

// TestRunSessionStoreOnMemstore runs the session suite on the in-memory
// session store, whose one instance is every "store" of a backend.
func TestRunSessionStoreOnMemstore(t *testing.T) {
	storetest.RunSessionStore(t, func(t *testing.T, now func() time.Time) storetest.SessionBackend {
		s := memstore.NewSessionStore(memstore.WithSessionClock(now))
		return storetest.SessionBackend{Open: func(*testing.T) sessions.Store { return s }}
	})
}
