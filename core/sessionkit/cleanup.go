package sessionkit

import (
	"context"
	"sync"
	"time"
)

// Cleanup deletes every session expired by the Engine's clock (expires <=
// now) through Backend.DeleteExpired and reports how many it deleted;
// errors, including a done ctx, are the Backend's. Expired sessions are
// never loaded even before Cleanup runs; it only reclaims their storage.
func (e *Engine) Cleanup(ctx context.Context) (int, error) {
	return e.Backend.DeleteExpired(ctx, e.now().UnixMicro())
}

// StartCleanup runs Cleanup every interval in a goroutine, the first time
// one interval after the call; its errors go to OnCleanupError, if any,
// unless caused by stopping. stop ends the goroutine and returns once it
// has exited, cancelling a Cleanup in progress; it may be called any
// number of times, from any goroutine. StartCleanup panics if interval is
// not positive, like time.NewTicker.
func (e *Engine) StartCleanup(interval time.Duration) (stop func()) {
	if interval <= 0 {
		panic(e.Name + ": StartCleanup: non-positive interval")
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
				if _, err := e.Cleanup(ctx); err != nil && ctx.Err() == nil && e.OnCleanupError != nil {
					e.OnCleanupError(err)
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
