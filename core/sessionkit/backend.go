package sessionkit

import (
	"context"
	"errors"
)

// Backend is the storage under an Engine: a map of session IDs to encoded
// values and expiries. Times are Unix microseconds; a session is live
// while expires > now and expired from expires <= now on, whether or not
// DeleteExpired has run. IDs passed in always have the shape ValidID
// accepts. Every method runs under the request's context (Cleanup's for
// DeleteExpired). A backend that can fail (a database) returns errors
// wrapping core.ErrUnavailable for its failures; the Engine passes them on
// unchanged.
type Backend interface {
	// Load returns the data of session id if it is live at now. An
	// unknown or expired session is found false with a nil error, never an
	// error.
	Load(ctx context.Context, id string, now int64) (data []byte, found bool, err error)

	// Insert stores a new session id. If id is already stored, live or
	// expired, it changes nothing and returns an error wrapping
	// ErrIDTaken; the Engine then tries another fresh ID.
	Insert(ctx context.Context, id string, data []byte, expires int64) error

	// Update rewrites session id only while it is live at now. If it is
	// unknown, deleted or expired, it changes nothing and returns an error
	// wrapping ErrGone: a request that loaded a session before a logout
	// must not bring it back.
	Update(ctx context.Context, id string, data []byte, expires, now int64) error

	// Delete removes session id; a missing session is not an error.
	Delete(ctx context.Context, id string) error

	// DeleteExpired removes every session with expires <= now and reports
	// how many it removed. A done ctx returns an error and removes
	// nothing.
	DeleteExpired(ctx context.Context, now int64) (int, error)
}

// ErrIDTaken is returned (wrapped) by Backend.Insert for an ID that is
// already stored. With 165 random bits it does not happen in practice.
var ErrIDTaken = errors.New("sessionkit: session ID already stored")

// ErrGone is returned (wrapped) by Backend.Update for a session that is
// not live: never stored, deleted or expired.
var ErrGone = errors.New("sessionkit: session not live")
