package authtest

import (
	"strings"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
)

// RunWithSessionStore is RunWithStore with the server-side sessions kept
// by stores from newSessions instead of core/memstore's: wherever a group
// configures session authentication, the in-memory session store it
// installs is replaced at once by newSessions(t), so that the group's
// later options (such as a fault-injecting wrapper) apply to the
// replacement. It shows that restauth's session guarantees hold on a
// gorilla/sessions store from elsewhere, such as a Redis store. The groups
// that exercise them are "Sessions" (login, cookie authentication, CSRF,
// logout deleting the session server-side, a new session ID at every
// login, a password change ending the other sessions, idle and absolute
// timeouts), "LoginCSRF" and "Combined".
//
// newSessions returns a store for one server and its twins (instances
// sharing it); it registers any cleanup with t.Cleanup and fails t if the
// store cannot be built. Two checks differ from the suite's own store:
//
//   - the session cookie's value must be a non-empty cookie value, not
//     necessarily Django's session key (32 characters of [a-z0-9]): other
//     stores sign or encode the ID they put in the cookie;
//   - restauth's idle and absolute timeouts follow the suite's clock, the
//     store's expiry its own: the store must keep a session for the
//     lifetime it is saved with (Options.MaxAge, at most two weeks here)
//     of its own time.
//
// Other groups may check what only the suite's own store promises, such
// as Django's ID shape in rotated cookies or expiry by the suite's clock;
// run them with RunWithStore.
func RunWithSessionStore(t *testing.T, newServer Server, newStore func(t *testing.T) core.Store, newSessions func(t *testing.T) sessions.Store, groups ...string) {
	t.Helper()
	if newSessions == nil {
		t.Fatal("authtest: newSessions must not be nil")
	}
	runSuite(t, &suite{newServer: newServer, newStore: newStore, newSessions: newSessions}, groups)
}

// replaceSessionStore puts a store from the suite's newSessions in place
// of the in-memory session store an option of newEnv just installed; it
// does nothing without newSessions.
func (s *suite) replaceSessionStore(t *testing.T, cfg *core.Config) {
	t.Helper()
	if s.newSessions == nil {
		return
	}
	if _, ok := cfg.Session.Store.(*memstore.SessionStore); !ok {
		return
	}
	store := s.newSessions(t)
	if store == nil {
		t.Fatal("authtest: newSessions returned nil")
	}
	cfg.Session.Store = store
}

// sessionCookieValid reports whether v is an acceptable value of the
// session cookie: Django's session key on the suite's own store, any
// non-empty cookie value on a store from RunWithSessionStore.
func (s *suite) sessionCookieValid(v string) bool {
	if s.newSessions == nil {
		return sessionIDRe.MatchString(v)
	}
	return v != "" && !strings.ContainsAny(v, " \";,\\\t\r\n")
}
