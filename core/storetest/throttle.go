package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// RunThrottleStore is the conformance suite of core.ThrottleStore:
// fixed windows, independent keys, Count without side effects, and exact
// counts under concurrency. newStore returns a fresh, empty store.
func RunThrottleStore(t *testing.T, newStore func(t *testing.T) core.ThrottleStore) {
	t0 := time.Date(2026, 11, 26, 20, 7, 30, 0, time.UTC)
	const w = 15 * time.Minute
	windowEnd := time.Date(2026, 11, 26, 20, 15, 0, 0, time.UTC)

	t.Run("counts within a window and restarts after it", func(t *testing.T) {
		s := newStore(t)
		for i := 1; i <= 3; i++ {
			n, reset, err := s.Hit(t.Context(), "login-ip:a", w, t0.Add(time.Duration(i)*time.Second))
			if err != nil || n != i || !reset.Equal(windowEnd) {
				t.Fatalf("hit %d = %d, %v, %v", i, n, reset, err)
			}
		}
		if n, reset, err := s.Count(t.Context(), "login-ip:a", w, t0); err != nil || n != 3 || !reset.Equal(windowEnd) {
			t.Errorf("Count = %d, %v, %v", n, reset, err)
		}
		if n, _, _ := s.Count(t.Context(), "login-ip:a", w, t0); n != 3 {
			t.Errorf("Count changed the counter: %d", n)
		}
		next := windowEnd.Add(time.Second)
		if n, reset, err := s.Hit(t.Context(), "login-ip:a", w, next); err != nil || n != 1 || !reset.Equal(windowEnd.Add(w)) {
			t.Errorf("first hit of the next window = %d, %v, %v", n, reset, err)
		}
		if n, _, _ := s.Count(t.Context(), "login-ip:a", w, t0); n != 0 {
			t.Errorf("Count of an old window = %d, want 0", n)
		}
	})

	t.Run("keys are independent; unknown keys count zero", func(t *testing.T) {
		s := newStore(t)
		_, _, _ = s.Hit(t.Context(), "a", w, t0)
		if n, _, err := s.Hit(t.Context(), "b", w, t0); err != nil || n != 1 {
			t.Errorf("other key = %d, %v", n, err)
		}
		if n, _, err := s.Count(t.Context(), "never-seen", w, t0); err != nil || n != 0 {
			t.Errorf("unknown key = %d, %v", n, err)
		}
	})

	t.Run("concurrent hits are all counted", func(t *testing.T) {
		s := newStore(t)
		const n = 40
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, _, err := s.Hit(t.Context(), "hot", w, t0); err != nil {
					t.Error(err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if got, _, err := s.Count(t.Context(), "hot", w, t0); err != nil || got != n {
			t.Errorf("count after %d concurrent hits = %d, %v", n, got, err)
		}
	})
}
