package sqlstore

import (
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core/sessionkit"
)

// Session defaults, as Django's (SESSION_COOKIE_AGE and the size of
// sessionid values).
const (
	// DefaultSessionMaxAge is the default lifetime of a session, in
	// seconds: two weeks. It is the Max-Age of the cookie and how long the
	// store keeps a session after its last Save.
	DefaultSessionMaxAge = sessionkit.DefaultMaxAge
	// DefaultSessionMaxSize is the default limit, in bytes, of the encoded
	// values of one session.
	DefaultSessionMaxSize = sessionkit.DefaultMaxSize
	// SessionIDLength is the length of a session ID: 32 characters from
	// [a-z0-9], about 165 bits from crypto/rand.
	SessionIDLength = sessionkit.IDLength
)

// ErrSessionTooLarge is returned (wrapped) by SessionStore.Save when the
// encoded values exceed the store's size limit. It wraps
// core.ErrInvalidValue; nothing is stored and no cookie is written.
var ErrSessionTooLarge = sessionkit.ErrTooLarge

// SessionOption configures Store.SessionStore.
type SessionOption func(*SessionStore)

// WithSessionClock makes the session store read the time from now instead of
// time.Now: it decides expiry (when saving and when loading) and what
// Cleanup deletes. A nil now restores time.Now. Stores sharing a database
// should agree on the time. Cookie Expires attributes are written by
// sessions.NewCookie from the real clock.
func WithSessionClock(now func() time.Time) SessionOption {
	return func(s *SessionStore) {
		s.engine.Now = now // nil: time.Now
	}
}

// WithSessionCookieOptions replaces the default Options (a copy of o is
// kept). o.MaxAge is the default lifetime in seconds; 0 writes browser-session
// cookies that the store keeps for DefaultSessionMaxAge; a negative
// MaxAge makes every Save delete its session, as in gorilla/sessions.
func WithSessionCookieOptions(o sessions.Options) SessionOption {
	return func(s *SessionStore) { s.Options = &o }
}

// WithSessionMaxSize sets the limit, in bytes, of the encoded values of one
// session (default DefaultSessionMaxSize). A value <= 0 keeps the default.
func WithSessionMaxSize(n int) SessionOption {
	return func(s *SessionStore) {
		if n > 0 {
			s.engine.MaxSize = n
		}
	}
}

// WithSessionCleanupErrorHandler makes StartCleanup's goroutine pass every
// error of a periodic Cleanup to report (for logging), from that goroutine; by
// default they are dropped and the next interval tries again. Errors
// caused by stop are never reported.
func WithSessionCleanupErrorHandler(report func(error)) SessionOption {
	return func(s *SessionStore) { s.engine.OnCleanupError = report }
}
