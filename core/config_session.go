package core

import (
	"errors"
	"time"

	"github.com/gorilla/sessions"
)

// SessionConfig configures MethodSession: Django-style server sessions
// carried by the "sessionid" cookie, through the standard Go session
// interface (gorilla/sessions' sessions.Store; gin-contrib/sessions stores
// implement it too).
type SessionConfig struct {
	// Store keeps the sessions. Required for MethodSession. Use a
	// server-side store (sqlstore's SessionStore, memstore's, or
	// gin-contrib's Redis store): a cookie-only store cannot be revoked.
	Store sessions.Store
	// CookieName is SESSION_COOKIE_NAME. Default "sessionid".
	CookieName string
	// IdleTimeout ends a session not used for this long. Default 24 hours.
	IdleTimeout time.Duration
	// AbsoluteTimeout ends a session this long after login, however busy
	// (SESSION_COOKIE_AGE). Default 14 days.
	AbsoluteTimeout time.Duration
}

// SessionAuthHasher is an optional capability of a SessionConfig.Store
// shared with another framework: it binds a session to the user the way
// that framework does, so that sessions either side creates are accepted
// by the other (sqlstore's Django session store uses Django's
// get_session_auth_hash: an HMAC of the password hash alone, keyed by
// Django's SECRET_KEY). Without it core uses its own hash, over the
// password hash and User.TokenEpoch, keyed by Config.SecretKey.
type SessionAuthHasher interface {
	// SessionAuthHash returns the hash a new session of u carries.
	SessionAuthHash(u *User) string
	// ValidSessionAuthHash reports whether hash, read from a session,
	// still binds it to u (in constant time).
	ValidSessionAuthHash(u *User, hash string) bool
}

// Session defaults.
const (
	DefaultSessionIdleTimeout     = 24 * time.Hour
	DefaultSessionAbsoluteTimeout = 14 * 24 * time.Hour
)

func (s SessionConfig) withDefaults() SessionConfig {
	if s.CookieName == "" {
		s.CookieName = "sessionid"
	}
	if s.IdleTimeout == 0 {
		s.IdleTimeout = DefaultSessionIdleTimeout
	}
	if s.AbsoluteTimeout == 0 {
		s.AbsoluteTimeout = DefaultSessionAbsoluteTimeout
	}
	return s
}

func (s SessionConfig) validate(c Config) []error {
	var errs []error
	if s.Store == nil {
		errs = append(errs, errors.New("MethodSession needs Session.Store"))
	}
	if s.IdleTimeout < 0 || s.AbsoluteTimeout < time.Minute {
		errs = append(errs, errors.New("Session.IdleTimeout must not be negative and AbsoluteTimeout must be at least a minute"))
	}
	if len(c.SecretKey) < 32 {
		errs = append(errs, errors.New("MethodSession needs a SecretKey of at least 32 bytes (it binds sessions to the password)"))
	}
	return errs
}
