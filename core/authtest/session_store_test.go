package authtest_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/memstore"
)

// countingStore counts the sessions saved through a store.
type countingStore struct {
	sessions.Store
	saves *atomic.Int64
}

func (c countingStore) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	c.saves.Add(1)
	return c.Store.Save(r, w, s)
}

// TestRunWithSessionStore runs the session groups on gorilla's
// FilesystemStore (server-side files, a signed ID in the cookie): the
// store given replaces the suite's in-memory one, and restauth's session
// guarantees hold on it.
func TestRunWithSessionStore(t *testing.T) {
	var saves atomic.Int64
	newSessions := func(t *testing.T) sessions.Store {
		fs := sessions.NewFilesystemStore(t.TempDir(), []byte("authtest-filesystem-store-key-0123456789"))
		return countingStore{Store: fs, saves: &saves}
	}
	authtest.RunWithSessionStore(t, authtest.NetHTTP, func(*testing.T) core.Store { return memstore.New() }, newSessions,
		"Sessions", "LoginCSRF", "Combined")
	if saves.Load() == 0 {
		t.Error("no session was saved in the stores of newSessions")
	}
}
