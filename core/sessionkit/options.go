package sessionkit

import (
	"net/http"

	"github.com/gorilla/sessions"
)

// DefaultOptions returns the cookie attributes of Django's sessionid, plus
// Secure: Path "/", MaxAge DefaultMaxAge, Secure, HttpOnly, SameSite Lax.
func DefaultOptions() *sessions.Options {
	return &sessions.Options{
		Path:     "/",
		MaxAge:   DefaultMaxAge,
		Secure:   true,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
}

// copyOptions returns a copy of o, or DefaultOptions if o is nil.
func copyOptions(o *sessions.Options) *sessions.Options {
	if o == nil {
		return DefaultOptions()
	}
	c := *o
	return &c
}

// lifetime is how many seconds a session saved with o lives in a store
// whose Options are storeOpts: o.MaxAge if positive (a persistent cookie),
// else the store's MaxAge if positive, else DefaultMaxAge.
func lifetime(o, storeOpts *sessions.Options) int {
	switch {
	case o.MaxAge > 0:
		return o.MaxAge
	case storeOpts != nil && storeOpts.MaxAge > 0:
		return storeOpts.MaxAge
	}
	return DefaultMaxAge
}
