package password

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func mustLimiter(t *testing.T, c LimiterConfig) *Limiter {
	t.Helper()
	l, err := NewLimiter(c)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// inUse returns the limiter's current slots and memory.
func (l *Limiter) inUse() (int, int64, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.slots, l.mem, l.waiters.Len()
}

func TestLimiterConfig(t *testing.T) {
	for _, c := range []LimiterConfig{{MaxConcurrent: -1}, {MemoryBudget: -1}} {
		if _, err := NewLimiter(c); !errors.Is(err, ErrInvalidConfig) {
			t.Errorf("NewLimiter(%+v) err = %v", c, err)
		}
	}
	l := mustLimiter(t, LimiterConfig{})
	if l.MaxConcurrent() < 1 || l.MemoryBudget() != DefaultMemoryBudget {
		t.Errorf("defaults: %d, %d", l.MaxConcurrent(), l.MemoryBudget())
	}
}

// Concurrency and memory never exceed their limits under load (run with
// -race).
func TestLimiterBounds(t *testing.T) {
	const slots, budget = 3, 100
	l := mustLimiter(t, LimiterConfig{MaxConcurrent: slots, MemoryBudget: budget})
	var running, mem, maxRunning, maxMem atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < 60; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cost := int64(10 + (i%5)*20) // 10..90
			if i%13 == 0 {
				cost = 1000 // bigger than the budget: clamped, runs alone
			}
			release, err := l.Acquire(context.Background(), Cost{MemoryBytes: cost})
			if err != nil {
				t.Error(err)
				return
			}
			held := min(cost, budget)
			r, m := running.Add(1), mem.Add(held)
			for {
				old := maxRunning.Load()
				if r <= old || maxRunning.CompareAndSwap(old, r) {
					break
				}
			}
			for {
				old := maxMem.Load()
				if m <= old || maxMem.CompareAndSwap(old, m) {
					break
				}
			}
			time.Sleep(time.Millisecond)
			running.Add(-1)
			mem.Add(-held)
			release()
			release() // idempotent
		}()
	}
	wg.Wait()
	if maxRunning.Load() > slots || maxMem.Load() > budget {
		t.Errorf("max running %d (limit %d), max memory %d (budget %d)", maxRunning.Load(), slots, maxMem.Load(), budget)
	}
	if s, m, w := l.inUse(); s != 0 || m != 0 || w != 0 {
		t.Errorf("after all released: slots %d, mem %d, waiters %d", s, m, w)
	}
}

// A cancelled waiter returns ctx.Err() and leaks nothing; one cancelled
// before calling gets nothing even if the limiter is free.
func TestLimiterCancel(t *testing.T) {
	l := mustLimiter(t, LimiterConfig{MaxConcurrent: 1, MemoryBudget: 100})
	release, err := l.Acquire(context.Background(), Cost{MemoryBytes: 60})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := l.Acquire(ctx, Cost{MemoryBytes: 60})
		done <- err
	}()
	waitFor(t, func() bool { _, _, w := l.inUse(); return w == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Acquire err = %v", err)
	}
	if s, m, w := l.inUse(); s != 1 || m != 60 || w != 0 {
		t.Errorf("after cancel: slots %d, mem %d, waiters %d", s, m, w)
	}
	release()
	if s, m, _ := l.inUse(); s != 0 || m != 0 {
		t.Errorf("after release: slots %d, mem %d", s, m)
	}
	if _, err := l.Acquire(ctx, Cost{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Acquire with a done ctx err = %v", err)
	}
	if s, m, _ := l.inUse(); s != 0 || m != 0 {
		t.Errorf("done ctx took something: slots %d, mem %d", s, m)
	}
	dl, cancel2 := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel2()
	r2, _ := l.Acquire(context.Background(), Cost{})
	if _, err := l.Acquire(dl, Cost{}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timed-out Acquire err = %v", err)
	}
	r2()
}

// Cancelling the head waiter lets smaller waiters behind it run.
func TestLimiterCancelHeadWakesOthers(t *testing.T) {
	l := mustLimiter(t, LimiterConfig{MaxConcurrent: 4, MemoryBudget: 100})
	release, _ := l.Acquire(context.Background(), Cost{MemoryBytes: 50})
	ctx, cancel := context.WithCancel(context.Background())
	bigDone := make(chan error)
	go func() { _, err := l.Acquire(ctx, Cost{MemoryBytes: 100}); bigDone <- err }()
	waitFor(t, func() bool { _, _, w := l.inUse(); return w == 1 })
	smallDone := make(chan func())
	go func() { r, _ := l.Acquire(context.Background(), Cost{MemoryBytes: 10}); smallDone <- r }()
	waitFor(t, func() bool { _, _, w := l.inUse(); return w == 2 })
	select {
	case <-smallDone:
		t.Fatal("small waiter overtook the head waiter (not FIFO)")
	case <-time.After(10 * time.Millisecond):
	}
	cancel()
	<-bigDone
	(<-smallDone)()
	release()
	if s, m, w := l.inUse(); s != 0 || m != 0 || w != 0 {
		t.Errorf("slots %d, mem %d, waiters %d", s, m, w)
	}
}

// Waiters are served in arrival order.
func TestLimiterFIFO(t *testing.T) {
	l := mustLimiter(t, LimiterConfig{MaxConcurrent: 1, MemoryBudget: 100})
	release, _ := l.Acquire(context.Background(), Cost{})
	var order []int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := l.Acquire(context.Background(), Cost{MemoryBytes: int64(10 * (5 - i))})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			r()
		}()
		waitFor(t, func() bool { _, _, w := l.inUse(); return w == i+1 })
	}
	release()
	wg.Wait()
	for i, v := range order {
		if v != i {
			t.Fatalf("order %v, want 0..4", order)
		}
	}
}

// Racing cancellation against grants never loses or double-counts budget.
func TestLimiterCancelRace(t *testing.T) {
	l := mustLimiter(t, LimiterConfig{MaxConcurrent: 2, MemoryBudget: 50})
	var wg sync.WaitGroup
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Duration(i%7)*100*time.Microsecond)
			defer cancel()
			r, err := l.Acquire(ctx, Cost{MemoryBytes: int64(5 + i%30)})
			if err == nil {
				time.Sleep(50 * time.Microsecond)
				r()
			}
		}()
	}
	wg.Wait()
	if s, m, w := l.inUse(); s != 0 || m != 0 || w != 0 {
		t.Errorf("slots %d, mem %d, waiters %d", s, m, w)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(100 * time.Microsecond)
	}
}
