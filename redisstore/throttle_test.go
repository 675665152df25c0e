package redisstore_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storetest"
	"github.com/restauth/restauth/redisstore"
)

// TestThrottleConformance runs core's ThrottleStore suite, each case on a
// prefix of its own.
func TestThrottleConformance(t *testing.T) {
	redisURL(t)
	storetest.RunThrottleStore(t, func(t *testing.T) core.ThrottleStore {
		return openStore(t, testPrefix(t)).ThrottleStore()
	})
}

// TestThrottleConcurrentHitsFromTwoInstances: 200 goroutines on two
// Stores (two clients, as two instances) hit one key at once. Every hit
// is counted and each sees a count of its own: the counts returned are
// exactly 1…200.
func TestThrottleConcurrentHitsFromTwoInstances(t *testing.T) {
	prefix := testPrefix(t)
	stores := []*redisstore.ThrottleStore{openStore(t, prefix).ThrottleStore(), openStore(t, prefix).ThrottleStore()}
	const n = 200
	now := time.Now()
	counts := make(chan int, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			c, _, err := stores[i%2].Hit(t.Context(), "login-ip:hot", time.Hour, now)
			if err != nil {
				t.Error(err)
				return
			}
			counts <- c
		})
	}
	close(start)
	wg.Wait()
	close(counts)
	var got []int
	for c := range counts {
		got = append(got, c)
	}
	slices.Sort(got)
	for i, c := range got {
		if c != i+1 {
			t.Fatalf("sorted counts returned by %d concurrent hits: %v, want 1…%d", n, got, n)
		}
	}
	if len(got) != n {
		t.Fatalf("%d hits succeeded, want %d", len(got), n)
	}
	for i, s := range stores {
		if c, _, err := s.Count(t.Context(), "login-ip:hot", time.Hour, now); err != nil || c != n {
			t.Errorf("Count on instance %d = %d, %v; want %d", i, c, err, n)
		}
	}
}

// TestThrottleKeyLayout: a counter is the hash "<prefix>throttle:<key>"
// with the window start in Unix milliseconds and the count.
func TestThrottleKeyLayout(t *testing.T) {
	prefix := testPrefix(t)
	s := openStore(t, prefix)
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	for range 2 {
		if _, _, err := s.ThrottleStore().Hit(t.Context(), "login-ip:abc", time.Minute, now); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Client().HGetAll(t.Context(), prefix+"throttle:login-ip:abc").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"s": "1893553440000", "c": "2"} // 2030-01-02T03:04:00Z
	if len(got) != 2 || got["s"] != want["s"] || got["c"] != want["c"] {
		t.Errorf("stored counter %v, want %v", got, want)
	}
	if keys := scanKeys(t.Context(), t, s.Client(), prefix); len(keys) != 1 {
		t.Errorf("keys under the prefix: %v, want the counter only", keys)
	}
}

// TestThrottleCountWritesNothing: Count of an unknown key creates no key.
func TestThrottleCountWritesNothing(t *testing.T) {
	prefix := testPrefix(t)
	s := openStore(t, prefix)
	if n, _, err := s.ThrottleStore().Count(t.Context(), "never", time.Minute, time.Now()); err != nil || n != 0 {
		t.Fatalf("Count = %d, %v", n, err)
	}
	if keys := scanKeys(t.Context(), t, s.Client(), prefix); len(keys) != 0 {
		t.Errorf("Count wrote %v", keys)
	}
}

// TestThrottleWindowsFromUnixEpoch: windows start at multiples of their
// length since the Unix epoch, also for lengths that do not divide a day
// (time.Truncate counts from year 1 and would differ for 7 minutes).
func TestThrottleWindowsFromUnixEpoch(t *testing.T) {
	s := openStore(t, testPrefix(t)).ThrottleStore()
	const w = 7 * time.Minute
	now := time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)
	_, reset, err := s.Hit(t.Context(), "k", w, now)
	if err != nil {
		t.Fatal(err)
	}
	if reset.UnixNano()%int64(w) != 0 || !reset.After(now) || reset.Sub(now) > w {
		t.Errorf("reset %v is not the end of the %v window from the Unix epoch containing %v", reset, w, now)
	}
	if truncated := now.Truncate(w).Add(w); truncated.Equal(reset) {
		t.Fatalf("test is vacuous: Truncate gives the same end %v", truncated)
	}
	// Before 1970 too.
	old := time.Date(1969, 12, 31, 23, 59, 59, 500_000_000, time.UTC)
	if n, reset, err := s.Hit(t.Context(), "old", time.Second, old); err != nil || n != 1 || !reset.Equal(time.Unix(0, 0)) {
		t.Errorf("hit before the epoch = %d, %v, %v; want 1, the epoch", n, reset, err)
	}
	if n, _, err := s.Count(t.Context(), "old", time.Second, old.Add(-400*time.Millisecond)); err != nil || n != 1 {
		t.Errorf("count in the same window before the epoch = %d, %v; want 1", n, err)
	}
}

// TestThrottleExpiry: a counter's key expires the grace after its window
// ends; with no grace, right at the end.
func TestThrottleExpiry(t *testing.T) {
	prefix := testPrefix(t)
	withGrace := openStore(t, prefix, redisstore.WithThrottleGrace(3*time.Second))
	noGrace := openStore(t, prefix, redisstore.WithThrottleGrace(0))

	now := time.Now()
	end := now.Truncate(time.Minute).Add(time.Minute) // a minute divides a day
	if _, _, err := withGrace.ThrottleStore().Hit(t.Context(), "graced", time.Minute, now); err != nil {
		t.Fatal(err)
	}
	ttl, err := withGrace.Client().PTTL(t.Context(), prefix+"throttle:graced").Result()
	if err != nil {
		t.Fatal(err)
	}
	if left := end.Sub(now); ttl <= left || ttl > left+3*time.Second+time.Millisecond {
		t.Errorf("TTL %v with %v left in the window and a 3s grace", ttl, left)
	}

	// A one-second window with no grace is gone from Redis soon after.
	now = time.Now()
	if _, _, err := noGrace.ThrottleStore().Hit(t.Context(), "short", time.Second, now); err != nil {
		t.Fatal(err)
	}
	ttl, err = noGrace.Client().PTTL(t.Context(), prefix+"throttle:short").Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 0 || ttl > time.Second+time.Millisecond {
		t.Errorf("TTL %v for a one-second window without grace", ttl)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := noGrace.Client().Exists(t.Context(), prefix+"throttle:short").Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the counter of an ended one-second window is still in Redis after 5s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n, _, err := noGrace.ThrottleStore().Hit(t.Context(), "short", time.Second, time.Now()); err != nil || n != 1 {
		t.Errorf("hit after the counter expired = %d, %v; want 1", n, err)
	}
}

// TestThrottleLateHitKeepsNewerWindow: a hit stamped in an older window
// than the stored one (an instance whose clock lags) is counted in the
// stored window instead of restarting it.
func TestThrottleLateHitKeepsNewerWindow(t *testing.T) {
	s := openStore(t, testPrefix(t)).ThrottleStore()
	newer := time.Date(2030, 1, 1, 0, 1, 0, 0, time.UTC)
	for i := 1; i <= 2; i++ {
		if n, _, err := s.Hit(t.Context(), "k", time.Minute, newer); err != nil || n != i {
			t.Fatalf("hit %d = %d, %v", i, n, err)
		}
	}
	lagging := newer.Add(-500 * time.Millisecond)
	n, reset, err := s.Hit(t.Context(), "k", time.Minute, lagging)
	if err != nil || n != 3 || !reset.Equal(newer) {
		t.Errorf("late hit = %d, %v, %v; want 3 and the end of its own window %v", n, reset, err, newer)
	}
	if n, _, err := s.Count(t.Context(), "k", time.Minute, newer); err != nil || n != 3 {
		t.Errorf("Count of the newer window = %d, %v; want 3", n, err)
	}
	if n, _, err := s.Count(t.Context(), "k", time.Minute, lagging); err != nil || n != 0 {
		t.Errorf("Count of the older window = %d, %v; want 0", n, err)
	}
}

// TestThrottleRefusesInvalidInput: empty or over-long keys and windows
// under a millisecond are refused with core.ErrInvalidValue (not
// ErrUnavailable) before Redis is called.
func TestThrottleRefusesInvalidInput(t *testing.T) {
	prefix := testPrefix(t)
	s := openStore(t, prefix)
	now := time.Now()
	cases := []struct {
		name   string
		key    string
		window time.Duration
	}{
		{"empty key", "", time.Minute},
		{"long key", strings.Repeat("k", 1025), time.Minute},
		{"zero window", "k", 0},
		{"negative window", "k", -time.Minute},
		{"sub-millisecond window", "k", time.Microsecond},
	}
	for _, tc := range cases {
		_, _, hitErr := s.ThrottleStore().Hit(t.Context(), tc.key, tc.window, now)
		_, _, countErr := s.ThrottleStore().Count(t.Context(), tc.key, tc.window, now)
		for op, err := range map[string]error{"Hit": hitErr, "Count": countErr} {
			if !errors.Is(err, core.ErrInvalidValue) || errors.Is(err, core.ErrUnavailable) {
				t.Errorf("%s with %s: %v, want core.ErrInvalidValue only", op, tc.name, err)
			}
		}
	}
	if _, _, err := s.ThrottleStore().Hit(t.Context(), strings.Repeat("k", 1024), time.Minute, now); err != nil {
		t.Errorf("Hit with a 1024-byte key: %v", err)
	}
	if keys := scanKeys(t.Context(), t, s.Client(), prefix); len(keys) != 1 {
		t.Errorf("keys written: %d, want the one valid counter", len(keys))
	}
}

// TestThrottleFailures: with the client closed, or the context done, Hit
// and Count return errors wrapping core.ErrUnavailable (and the cause),
// never panic, and never show the key.
func TestThrottleFailures(t *testing.T) {
	prefix := testPrefix(t)
	const key = "login-account:secret-looking-key"
	closed := closedStore(t, prefix).ThrottleStore()
	now := time.Now()
	_, _, hitErr := closed.Hit(t.Context(), key, time.Minute, now)
	_, _, countErr := closed.Count(t.Context(), key, time.Minute, now)
	for op, err := range map[string]error{"Hit": hitErr, "Count": countErr} {
		if !errors.Is(err, core.ErrUnavailable) {
			t.Errorf("%s on a closed client: %v, want core.ErrUnavailable", op, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret-looking") {
			t.Errorf("%s error shows the key: %q", op, err)
		}
	}

	open := openStore(t, prefix).ThrottleStore()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, _, hitErr = open.Hit(ctx, key, time.Minute, now)
	_, _, countErr = open.Count(ctx, key, time.Minute, now)
	for op, err := range map[string]error{"Hit": hitErr, "Count": countErr} {
		if !errors.Is(err, core.ErrUnavailable) || !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want core.ErrUnavailable and context.Canceled", op, err)
		}
	}
}
