package memstore

import (
	"context"
	"time"
)

// Cleanup deletes every session expired by the store's clock (expiry <=
// now) and reports how many it deleted. Expired sessions are never loaded
// even before Cleanup runs; it only frees their memory. A done ctx returns
// its error and deletes nothing.
func (s *SessionStore) Cleanup(ctx context.Context) (int, error) {
	return s.engine.Cleanup(ctx)
}

// StartCleanup runs Cleanup every interval in a goroutine, the first time
// one interval after the call. stop ends the goroutine and returns once it
// has exited, interrupting a Cleanup in progress; it may be called any
// number of times, from any goroutine. StartCleanup panics if interval is
// not positive, like time.NewTicker.
func (s *SessionStore) StartCleanup(interval time.Duration) (stop func()) {
	return s.engine.StartCleanup(interval)
}
