package core

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestLazyDeadlineErrWithoutWaiting(t *testing.T) {
	ctx := withLazyDeadline(context.Background(), 20*time.Millisecond)
	defer ctx.release()
	if err := ctx.Err(); err != nil {
		t.Fatalf("Err before the deadline = %v", err)
	}
	time.Sleep(30 * time.Millisecond)
	if err := ctx.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err after the deadline, never armed = %v, want DeadlineExceeded", err)
	}
	if ctx.armed.Load() != nil {
		t.Fatal("Err armed the timer")
	}
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
		t.Fatal("Done armed after the deadline did not close")
	}
	if err := context.Cause(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Cause = %v, want DeadlineExceeded", err)
	}
}

func TestLazyDeadlineDoneFiresAtDeadline(t *testing.T) {
	ctx := withLazyDeadline(context.Background(), 20*time.Millisecond)
	defer ctx.release()
	start := time.Now()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("Done never closed")
	}
	if waited := time.Since(start); waited < 15*time.Millisecond {
		t.Fatalf("Done closed after %v, before the deadline", waited)
	}
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) || !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		t.Fatalf("Err = %v, Cause = %v", ctx.Err(), context.Cause(ctx))
	}
}

func TestLazyDeadlineDerivedContextsEndWithIt(t *testing.T) {
	ctx := withLazyDeadline(context.Background(), 20*time.Millisecond)
	defer ctx.release()
	child, cancel := context.WithCancel(ctx) // what database/sql does
	defer cancel()
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() { close(fired) })
	defer stop()
	for _, done := range []<-chan struct{}{child.Done(), fired} {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("a derived context did not end at the deadline")
		}
	}
	if !errors.Is(child.Err(), context.DeadlineExceeded) {
		t.Fatalf("child Err = %v", child.Err())
	}
}

func TestLazyDeadlineFollowsParent(t *testing.T) {
	parent, cancelParent := context.WithCancel(context.WithValue(context.Background(), principalKey{}, "v"))
	ctx := withLazyDeadline(parent, time.Hour)
	defer ctx.release()
	if ctx.Value(principalKey{}) != "v" {
		t.Fatal("Value does not reach the parent")
	}
	cancelParent()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("Err after the parent ended = %v", ctx.Err())
	}
	select {
	case <-ctx.Done():
	case <-time.After(time.Second):
		t.Fatal("Done did not close with the parent")
	}
}

func TestLazyDeadlineKeepsTheEarlierParentDeadline(t *testing.T) {
	soon := time.Now().Add(time.Minute)
	parent, cancel := context.WithDeadline(context.Background(), soon)
	defer cancel()
	ctx := withLazyDeadline(parent, time.Hour)
	defer ctx.release()
	if d, ok := ctx.Deadline(); !ok || !d.Equal(soon) {
		t.Fatalf("Deadline = %v, %v; want the parent's %v", d, ok, soon)
	}
	ctx2 := withLazyDeadline(context.Background(), time.Second)
	defer ctx2.release()
	if d, ok := ctx2.Deadline(); !ok || time.Until(d) > time.Second {
		t.Fatalf("Deadline = %v, %v", d, ok)
	}
}

// wantEnded checks that ctx's Done is closed and Err is want.
func wantEnded(t *testing.T, ctx context.Context, want error) {
	t.Helper()
	select {
	case <-ctx.Done():
	default:
		t.Fatal("Done is open")
	}
	if !errors.Is(ctx.Err(), want) {
		t.Fatalf("Err = %v, want %v", ctx.Err(), want)
	}
}

func TestLazyDeadlineRelease(t *testing.T) {
	t.Run("unarmed", func(t *testing.T) {
		ctx := withLazyDeadline(context.Background(), time.Hour)
		ctx.release()
		if !errors.Is(ctx.Err(), context.Canceled) {
			t.Fatalf("Err after release, before Done = %v", ctx.Err())
		}
		wantEnded(t, ctx, context.Canceled)
	})
	t.Run("armed", func(t *testing.T) {
		ctx := withLazyDeadline(context.Background(), time.Hour)
		_ = ctx.Done()
		ctx.release()
		wantEnded(t, ctx, context.Canceled)
	})
	t.Run("after the deadline, armed", func(t *testing.T) {
		ctx := withLazyDeadline(context.Background(), time.Millisecond)
		<-ctx.Done()
		ctx.release()
		if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Fatalf("Err = %v, want the DeadlineExceeded it had before release", ctx.Err())
		}
	})
	t.Run("after the parent ended", func(t *testing.T) {
		parent, cancel := context.WithCancelCause(context.Background())
		ctx := withLazyDeadline(parent, time.Hour)
		cancel(errors.New("client went away"))
		ctx.release()
		<-ctx.Done()
		if !errors.Is(ctx.Err(), context.Canceled) {
			t.Fatalf("Err = %v", ctx.Err())
		}
	})
}

// TestLazyDeadlineConcurrentUse is for -race: stores may wait on the
// context from several goroutines while the middleware releases it.
func TestLazyDeadlineConcurrentUse(t *testing.T) {
	for range 50 {
		ctx := withLazyDeadline(context.Background(), time.Hour)
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if i%2 == 0 {
					<-ctx.Done()
				} else {
					for ctx.Err() == nil {
						time.Sleep(time.Microsecond)
					}
				}
			}()
		}
		ctx.release()
		wg.Wait()
		if !errors.Is(ctx.Err(), context.Canceled) {
			t.Fatalf("Err = %v", ctx.Err())
		}
	}
}

// TestLazyDeadlineAllocations pins the point of the type: a request whose
// stores never wait costs one small allocation, not a timer.
func TestLazyDeadlineAllocations(t *testing.T) {
	parent := context.Background()
	n := testing.AllocsPerRun(100, func() {
		ctx := withLazyDeadline(parent, time.Second)
		_ = ctx.Err()
		_ = ctx.Value(principalKey{})
		ctx.release()
	})
	if n > 1 {
		t.Fatalf("%v allocations per unwaited deadline, want at most 1", n)
	}
}

// TestLazyDeadlineDerivingStartsNoGoroutine: a context derived from an
// unarmed lazyDeadline registers with the armed deadline context, as with
// a standard parent; the context package's fallback for unknown parents
// would start one goroutine per child.
func TestLazyDeadlineDerivingStartsNoGoroutine(t *testing.T) {
	const children = 100
	before := runtime.NumGoroutine()
	var cancels []context.CancelFunc
	for range children {
		_, cancel := context.WithCancel(withLazyDeadline(context.Background(), time.Hour))
		cancels = append(cancels, cancel)
	}
	after := runtime.NumGoroutine()
	for _, cancel := range cancels {
		cancel()
	}
	if after-before >= children/2 {
		t.Fatalf("%d goroutines for %d derived contexts", after-before, children)
	}
}
