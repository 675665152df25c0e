package redisstore

import (
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core/sessionkit"
)

// SessionStore is a server-side gorilla/sessions Store in Redis, for
// core.SessionConfig.Store: every instance on the same Redis (and key
// prefix) sees the same sessions and the same logouts. It is safe for
// concurrent use. Build it with Store.SessionStore.
//
// The cookie carries only the session ID, Django-style: 32 characters
// from [a-z0-9] drawn with crypto/rand (about 165 bits), not signed. A
// cookie value without exactly that shape is never looked up.
//
//   - New returns the session named by the request's cookie if it is
//     stored and has not expired by the store's clock (IsNew false, its ID
//     and Values). Otherwise it returns a new session: ID "", IsNew true,
//     empty Values; an ID the store does not know, expired or malformed,
//     is never adopted (session fixation). Options are a copy of the
//     store's Options. Stored data that no longer decodes reads as no
//     session, as Django does. If Redis fails, New returns a new session
//     and an error wrapping core.ErrUnavailable: restauth answers 503 and
//     never treats the request as anonymous.
//   - Get is New cached per request by sessions.GetRegistry.
//   - Save with Options.MaxAge < 0 deletes the session (if it has an ID),
//     sets the ID to "" and writes a deletion cookie (Max-Age=0). Deleting
//     a missing session is not an error.
//   - Save otherwise stores the Values, to expire MaxAge seconds later by
//     the store's clock (MaxAge 0: the store's Options.MaxAge, or two
//     weeks if that is not positive), and writes the cookie
//     sessions.NewCookie(name, ID, Options). A session with ID "" is
//     stored under a fresh ID (SET only if absent, in one script). A
//     session with an ID is rewritten only while it is stored and live,
//     checked and written in one script: if it was deleted (a logout,
//     possibly on another instance) or expired since it was loaded, Save
//     returns an error wrapping core.ErrNotFound, writes nothing and does
//     not bring it back.
//
// A session is the Redis hash "<prefix>session:<id>" holding the values
// (sessionkit.EncodeValues: restauth's own values compactly, anything
// else with encoding/gob, so custom types must be gob.Register-ed in
// every process) and the expiry in Unix microseconds. Loads compare that
// expiry with the store's clock, so a session is gone at its expiry
// whatever Redis's clock says; the key's TTL, set to the same lifetime
// (at most a hundred years), lets Redis delete it, so the store has no
// Cleanup. Values larger than the size limit (64 KiB unless
// WithSessionMaxSize) or that gob cannot encode make Save fail with an
// error wrapping core.ErrInvalidValue before Redis is called.
//
// Its gorilla/sessions logic is sessionkit.Engine's, over a
// sessionkit.Backend on Redis.
type SessionStore struct {
	// Options are the cookie attributes every new or loaded session starts
	// with (a copy each time), and their MaxAge the default lifetime in
	// seconds. Defaults: Path "/", MaxAge 1209600 (two weeks), Secure,
	// HttpOnly, SameSite Lax. Set them before the store is used; a nil
	// Options means the defaults.
	Options *sessions.Options

	engine sessionkit.Engine
}

var _ sessions.Store = (*SessionStore)(nil)

// SessionOption configures Store.SessionStore.
type SessionOption func(*SessionStore)

// WithSessionClock makes the session store read the time from now instead
// of time.Now: it decides expiry, when saving and when loading. A nil now
// restores time.Now. Instances sharing Redis should agree on the time.
func WithSessionClock(now func() time.Time) SessionOption {
	return func(s *SessionStore) { s.engine.Now = now }
}

// WithSessionCookieOptions replaces the default Options (a copy of o is
// kept). o.MaxAge is the default lifetime in seconds; 0 writes
// browser-session cookies that the store keeps for two weeks; a negative
// MaxAge makes every Save delete its session, as in gorilla/sessions.
func WithSessionCookieOptions(o sessions.Options) SessionOption {
	return func(s *SessionStore) { s.Options = &o }
}

// WithSessionMaxSize sets the limit, in bytes, of the encoded values of
// one session (default 64 KiB). A value <= 0 keeps the default.
func WithSessionMaxSize(n int) SessionOption {
	return func(s *SessionStore) {
		if n > 0 {
			s.engine.MaxSize = n
		}
	}
}

// SessionStore returns a session store on s, configured by opts. It sends
// nothing to Redis.
func (s *Store) SessionStore(opts ...SessionOption) *SessionStore {
	ss := &SessionStore{Options: sessionkit.DefaultOptions()}
	ss.engine = sessionkit.Engine{Backend: redisSessions{store: s, owner: ss}, Name: "redisstore"}
	for _, opt := range opts {
		if opt != nil {
			opt(ss)
		}
	}
	return ss
}

// Get implements sessions.Store: New, cached for the request by
// sessions.GetRegistry.
func (s *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New implements sessions.Store; see SessionStore. It never returns a nil
// session, even with an error.
func (s *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	return s.engine.New(s, s.Options, r, name)
}

// Save implements sessions.Store; see SessionStore. A session without
// Options gets a copy of the store's.
func (s *SessionStore) Save(r *http.Request, w http.ResponseWriter, session *sessions.Session) error {
	return s.engine.Save(s.Options, r, w, session)
}

// now reads the store's clock, as its Engine does.
func (s *SessionStore) now() time.Time {
	if s.engine.Now == nil {
		return time.Now()
	}
	return s.engine.Now()
}
