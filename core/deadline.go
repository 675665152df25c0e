package core

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// lazyDeadline is a context that ends at a deadline, as one made by
// context.WithDeadline does, but starts no timer until something waits
// for it. The middleware bounds every request's authentication with
// Config.RequestTimeout (a hung store must not hold the request forever),
// yet most authentications never wait: a JWT checked against an
// in-process store, a stateless JWT, or a session in memory only read
// the context. context.WithTimeout would cost those requests a timer,
// its registration with the parent and four allocations each time (about
// a microsecond, a tenth of the whole middleware), for nothing.
//
// Done, and anything that derives a context from this one (WithCancel,
// AfterFunc, database/sql, a Redis client), arms the timer first: from
// then on the context is exactly a context.WithDeadline of the parent,
// whose children it registers as its own, so no goroutine is started to
// propagate cancellation. Until then Err compares the clock with the
// deadline itself, so a store that only polls Err still sees the
// deadline pass (context.Cause, which looks for a standard cancelable
// context, reports the deadline only once the timer is armed).
type lazyDeadline struct {
	parent   context.Context
	deadline time.Time // the earlier of the parent's and our own

	mu    sync.Mutex // serialises arming and release
	armed atomic.Pointer[armedDeadline]
	// released is set by release before anything armed the timer.
	released atomic.Bool
}

// armedDeadline is the real deadline context, once something waits.
type armedDeadline struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// withLazyDeadline returns a context that ends timeout from now, or when
// parent ends. Call its release method when the work bounded by the
// context is over, as with context.WithTimeout's cancel.
func withLazyDeadline(parent context.Context, timeout time.Duration) *lazyDeadline {
	c := &lazyDeadline{parent: parent, deadline: time.Now().Add(timeout)}
	if d, ok := parent.Deadline(); ok && d.Before(c.deadline) {
		c.deadline = d
	}
	return c
}

// arm returns the real deadline context, starting its timer on first use.
// After release it returns a context that has ended the same way.
func (c *lazyDeadline) arm() context.Context {
	if a := c.armed.Load(); a != nil {
		return a.ctx
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if a := c.armed.Load(); a != nil {
		return a.ctx
	}
	a := &armedDeadline{}
	if !c.released.Load() {
		a.ctx, a.cancel = context.WithDeadline(c.parent, c.deadline)
	} else {
		a.ctx, a.cancel = context.WithCancel(c.parent)
		a.cancel()
	}
	c.armed.Store(a)
	return a.ctx
}

// release ends the context and stops its timer if one was started. Err
// reports context.Canceled from then on, or what it reported before if
// the context had ended while armed or with its parent. One difference
// from a context.WithTimeout's cancel, to keep the clock off the hot
// path: a deadline that passed while nothing waited and nothing asked is
// reported as context.Canceled after release, not DeadlineExceeded.
func (c *lazyDeadline) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if a := c.armed.Load(); a != nil {
		a.cancel()
		return
	}
	c.released.Store(true)
}

// Deadline implements context.Context.
func (c *lazyDeadline) Deadline() (time.Time, bool) { return c.deadline, true }

// Done implements context.Context. It starts the timer.
func (c *lazyDeadline) Done() <-chan struct{} { return c.arm().Done() }

// Err implements context.Context without starting the timer.
func (c *lazyDeadline) Err() error {
	if a := c.armed.Load(); a != nil {
		return a.ctx.Err()
	}
	if err := c.parent.Err(); err != nil {
		return err
	}
	if c.released.Load() {
		return context.Canceled
	}
	if !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// Value implements context.Context. Once armed, lookups go through the
// real deadline context, so that context.Cause and the cancellation
// machinery of derived contexts see it.
func (c *lazyDeadline) Value(key any) any {
	if a := c.armed.Load(); a != nil {
		return a.ctx.Value(key)
	}
	return c.parent.Value(key)
}

// String names the context in debugging output, as the standard ones do.
func (c *lazyDeadline) String() string {
	return "restauth.lazyDeadline(" + c.deadline.String() + ")"
}
