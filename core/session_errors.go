package core

import (
	"errors"
	"io/fs"
)

// sessionLoadFailed reports whether err, returned by a sessions.Store's
// Get or New, means the backend failed (503) rather than that the request
// carries no usable session (anonymous).
//
// restauth's stores (memstore, sqlstore) never report an unknown,
// expired or corrupted session as an error, and mark backend failures
// with ErrUnavailable. Third-party gorilla stores (gin-contrib's Redis
// store, FilesystemStore, CookieStore) return plain errors for both, so
// only what is known to mean "no session" reads as anonymous: a cookie
// that securecookie cannot decode (tampered, forged, expired signature)
// and a session file that no longer exists. Anything else fails closed:
// a Redis outage must not make a logged-in user anonymous, nor let logout
// claim success while the session lives on (T-SESS-06 in
// docs/threat-model.md).
func sessionLoadFailed(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) {
		return true
	}
	var decode interface{ IsDecode() bool }
	if errors.As(err, &decode) && decode.IsDecode() {
		return false
	}
	return !errors.Is(err, fs.ErrNotExist)
}
