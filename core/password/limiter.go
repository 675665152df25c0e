package password

import (
	"container/list"
	"context"
	"fmt"
	"runtime"
	"sync"
)

// DefaultMemoryBudget is the default [LimiterConfig.MemoryBudget]: 256 MiB,
// thirteen concurrent default argon2 operations or two with Django's
// m=100 MiB.
const DefaultMemoryBudget = 256 << 20

// LimiterConfig configures a [Limiter]. Zero fields take their defaults.
type LimiterConfig struct {
	// MaxConcurrent is the number of hash operations that may run at once.
	// Default: runtime.GOMAXPROCS(0)-1 (at least 1) when the limiter is
	// made. Hashing is CPU-bound, so running more operations than CPUs only
	// adds latency (and memory) to all of them, and leaving one CPU free
	// keeps authenticated requests fast during a login flood (bench/NOTES.md,
	// finding F8); extra callers queue instead.
	MaxConcurrent int
	// MemoryBudget is the total memory, in bytes, that running operations
	// may hold, summed from their [Cost]. Default: [DefaultMemoryBudget].
	// It is what keeps memory-hard hashers (argon2) from exhausting memory
	// under a login flood.
	MemoryBudget int64
}

// Limiter bounds concurrent hashing by count and by memory. It is a FIFO
// weighted semaphore: each operation takes one slot plus its memory cost,
// and waiters are served strictly in arrival order, so a large operation is
// not starved by a stream of small ones. A Limiter is safe for concurrent
// use.
type Limiter struct {
	maxSlots int
	budget   int64

	mu      sync.Mutex
	slots   int   // slots in use
	mem     int64 // memory in use
	waiters list.List
}

// limiterWaiter is one queued Acquire.
type limiterWaiter struct {
	mem   int64
	ready chan struct{} // closed when granted
}

// NewLimiter returns a Limiter for c, or an error wrapping
// [ErrInvalidConfig] if a field is negative.
func NewLimiter(c LimiterConfig) (*Limiter, error) {
	if c.MaxConcurrent < 0 || c.MemoryBudget < 0 {
		return nil, fmt.Errorf("%w: limiter settings must not be negative", ErrInvalidConfig)
	}
	if c.MaxConcurrent == 0 {
		c.MaxConcurrent = max(1, runtime.GOMAXPROCS(0)-1)
	}
	if c.MemoryBudget == 0 {
		c.MemoryBudget = DefaultMemoryBudget
	}
	return &Limiter{maxSlots: c.MaxConcurrent, budget: c.MemoryBudget}, nil
}

// MaxConcurrent returns the concurrency limit.
func (l *Limiter) MaxConcurrent() int { return l.maxSlots }

// MemoryBudget returns the memory budget in bytes.
func (l *Limiter) MemoryBudget() int64 { return l.budget }

// Acquire waits for one slot and cost.MemoryBytes of budget and returns a
// function that gives them back; calling it more than once is harmless. A
// cost larger than the whole budget is clamped to the budget, so that
// operation can still run, alone. If ctx is done first, Acquire returns
// ctx.Err() and holds nothing.
func (l *Limiter) Acquire(ctx context.Context, cost Cost) (release func(), err error) {
	mem := min(max(cost.MemoryBytes, 0), l.budget)
	l.mu.Lock()
	if err := ctx.Err(); err != nil {
		l.mu.Unlock()
		return nil, err
	}
	if l.waiters.Len() == 0 && l.fits(mem) {
		l.slots++
		l.mem += mem
		l.mu.Unlock()
		return l.releaser(mem), nil
	}
	w := &limiterWaiter{mem: mem, ready: make(chan struct{})}
	elem := l.waiters.PushBack(w)
	l.mu.Unlock()

	select {
	case <-w.ready:
		return l.releaser(mem), nil
	case <-ctx.Done():
		l.mu.Lock()
		select {
		case <-w.ready:
			// Granted while we were giving up: hand it straight back.
			l.releaseLocked(mem)
		default:
			front := l.waiters.Front() == elem
			l.waiters.Remove(elem)
			if front {
				// We may have been blocking smaller waiters behind us.
				l.grantLocked()
			}
		}
		l.mu.Unlock()
		return nil, ctx.Err()
	}
}

// fits reports whether one more operation of mem bytes can run now.
func (l *Limiter) fits(mem int64) bool {
	return l.slots < l.maxSlots && l.mem+mem <= l.budget
}

// releaser returns an idempotent release function for one grant.
func (l *Limiter) releaser(mem int64) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			l.releaseLocked(mem)
			l.mu.Unlock()
		})
	}
}

func (l *Limiter) releaseLocked(mem int64) {
	l.slots--
	l.mem -= mem
	if l.slots < 0 || l.mem < 0 {
		panic("password: limiter released more than it granted")
	}
	l.grantLocked()
}

// grantLocked wakes waiters in FIFO order while the head one fits.
func (l *Limiter) grantLocked() {
	for {
		e := l.waiters.Front()
		if e == nil {
			return
		}
		w := e.Value.(*limiterWaiter)
		if !l.fits(w.mem) {
			return
		}
		l.slots++
		l.mem += w.mem
		l.waiters.Remove(e)
		close(w.ready)
	}
}
