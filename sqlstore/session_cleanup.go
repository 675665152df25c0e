package sqlstore

import (
	"context"
	"sync"
	"time"
)

// Cleanup deletes every session expired by the store's clock (expires <=
// now), in one DELETE on the expires index, and reports how many it
// deleted. Expired sessions are never loaded even before Cleanup runs; it
// only reclaims their rows. Any instance may run it: it deletes the
// expired sessions of all of them. A database failure, or a done ctx,
// returns an error wrapping core.ErrUnavailable.
func (s *SessionStore) Cleanup(ctx context.Context) (int, error) {
	const op = "clean up sessions"
	if err := ctx.Err(); err != nil {
		return 0, wrap(op, err)
	}
	res, err := s.store.db.ExecContext(ctx, s.store.q.deleteExpiredSessions, s.now().UnixMicro())
	if err != nil {
		return 0, wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap(op, err)
	}
	return int(n), nil
}

// StartCleanup runs Cleanup every interval in a goroutine, the first time
// one interval after the call; its errors go to the
// WithSessionCleanupErrorHandler function, if any. stop ends the goroutine and
// returns once it has exited, cancelling a Cleanup in progress; it may be
// called any number of times, from any goroutine. StartCleanup panics if
// interval is not positive, like time.NewTicker.
func (s *SessionStore) StartCleanup(interval time.Duration) (stop func()) {
	if interval <= 0 {
		panic("sqlstore: StartCleanup: non-positive interval")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
				if _, err := s.Cleanup(ctx); err != nil && ctx.Err() == nil && s.reportCleanup != nil {
					s.reportCleanup(err)
				}
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(cancel)
		<-done
	}
}
