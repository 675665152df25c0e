package memstore

import (
	"context"
	"sync"
	"time"
)

// Cleanup deletes every session expired by the store's clock (expiry <=
// now) and reports how many it deleted. Expired sessions are never loaded
// even before Cleanup runs; it only frees their memory. A done ctx returns
// its error and deletes nothing.
func (s *SessionStore) Cleanup(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	now := s.now().UnixMicro()
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for id, e := range s.sessions {
		if e.expires <= now {
			delete(s.sessions, id)
			n++
		}
	}
	return n, nil
}

// StartCleanup runs Cleanup every interval in a goroutine, the first time
// one interval after the call. stop ends the goroutine and returns once it
// has exited, interrupting a Cleanup in progress; it may be called any
// number of times, from any goroutine. StartCleanup panics if interval is
// not positive, like time.NewTicker.
func (s *SessionStore) StartCleanup(interval time.Duration) (stop func()) {
	return startCleanup(interval, s.Cleanup)
}

// startCleanup runs cleanup every interval until stop is called.
func startCleanup(interval time.Duration, cleanup func(context.Context) (int, error)) (stop func()) {
	if interval <= 0 {
		panic("memstore: StartCleanup: non-positive interval")
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
				_, _ = cleanup(ctx) // fails only when stopped
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(cancel)
		<-done
	}
}
