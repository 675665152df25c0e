package core

import (
	"context"
	"sync"
	"time"
)

// ThrottleStore keeps rate-limit counters in fixed windows. The in-memory
// MemoryThrottle serves one instance; several instances sharing a database
// use sqlstore's, so that limits hold across them.
type ThrottleStore interface {
	// Hit adds one to the counter of key in the window of length window
	// that contains now (windows start at multiples of window since the
	// Unix epoch), and returns the count after the increment and the end
	// of that window. Concurrent hits are all counted.
	Hit(ctx context.Context, key string, window time.Duration, now time.Time) (count int, reset time.Time, err error)
	// Count returns the counter of key in the window containing now, and
	// the end of that window, without changing it.
	Count(ctx context.Context, key string, window time.Duration, now time.Time) (count int, reset time.Time, err error)
}

// MemoryThrottle is an in-process ThrottleStore: a map of counters,
// pruned of ended windows as it goes. Safe for concurrent use.
type MemoryThrottle struct {
	mu       sync.Mutex
	counters map[string]throttleCounter
	hits     int
}

type throttleCounter struct {
	start, end time.Time
	count      int
}

// NewMemoryThrottle returns an empty in-memory ThrottleStore.
func NewMemoryThrottle() *MemoryThrottle {
	return &MemoryThrottle{counters: map[string]throttleCounter{}}
}

// windowOf returns the fixed window of length w that contains now.
func windowOf(now time.Time, w time.Duration) (start, end time.Time) {
	start = now.Truncate(w)
	return start, start.Add(w)
}

// Hit implements ThrottleStore.
func (m *MemoryThrottle) Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, err
	}
	start, end := windowOf(now, window)
	m.mu.Lock()
	defer m.mu.Unlock()
	c := m.counters[key]
	if !c.start.Equal(start) {
		c = throttleCounter{start: start, end: end}
	}
	c.count++
	m.counters[key] = c
	if m.hits++; m.hits%1024 == 0 {
		m.prune(now)
	}
	return c.count, end, nil
}

// Count implements ThrottleStore.
func (m *MemoryThrottle) Count(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	if err := ctx.Err(); err != nil {
		return 0, time.Time{}, err
	}
	start, end := windowOf(now, window)
	m.mu.Lock()
	defer m.mu.Unlock()
	if c := m.counters[key]; c.start.Equal(start) {
		return c.count, end, nil
	}
	return 0, end, nil
}

// prune drops counters whose window has ended; m.mu is held.
func (m *MemoryThrottle) prune(now time.Time) {
	for k, c := range m.counters {
		if !now.Before(c.end) {
			delete(m.counters, k)
		}
	}
}
