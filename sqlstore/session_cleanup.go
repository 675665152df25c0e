package sqlstore

import (
	"context"
	"time"
)

// Cleanup deletes every session expired by the store's clock (expires <=
// now), in one DELETE on the expires index, and reports how many it
// deleted. Expired sessions are never loaded even before Cleanup runs; it
// only reclaims their rows. Any instance may run it: it deletes the
// expired sessions of all of them. A database failure, or a done ctx,
// returns an error wrapping core.ErrUnavailable.
func (s *SessionStore) Cleanup(ctx context.Context) (int, error) {
	return s.engine.Cleanup(ctx)
}

// StartCleanup runs Cleanup every interval in a goroutine, the first time
// one interval after the call; its errors go to the
// WithSessionCleanupErrorHandler function, if any. stop ends the goroutine and
// returns once it has exited, cancelling a Cleanup in progress; it may be
// called any number of times, from any goroutine. StartCleanup panics if
// interval is not positive, like time.NewTicker.
func (s *SessionStore) StartCleanup(interval time.Duration) (stop func()) {
	return s.engine.StartCleanup(interval)
}
