package core

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// throttleFallback keeps rate limits in force while the configured
// ThrottleStore fails (a shared database that went away): counters move
// to an in-process MemoryThrottle, so limits hold per instance instead of
// being dropped, and the outage is logged once when it starts and once
// when the store answers again. Its zero value is ready to use; it must
// not be copied.
type throttleFallback struct {
	once sync.Once
	mem  *MemoryThrottle
	down atomic.Bool
}

// memory returns the in-process counters, made on first use.
func (f *throttleFallback) memory() *MemoryThrottle {
	f.once.Do(func() { f.mem = NewMemoryThrottle() })
	return f.mem
}

// throttleHit is ThrottleStore.Hit on the configured store, or on the
// in-process fallback while that fails.
func (a *Auth) throttleHit(ctx context.Context, scope, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	n, reset, err := a.cfg.Throttle.Store.Hit(ctx, key, window, now)
	if err == nil {
		a.throttleUp(ctx)
		return n, reset, nil
	}
	a.throttleDown(ctx, scope, err)
	return a.throttleFallback.memory().Hit(ctx, key, window, now)
}

// throttleCount is ThrottleStore.Count with the same fallback.
func (a *Auth) throttleCount(ctx context.Context, scope, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	n, reset, err := a.cfg.Throttle.Store.Count(ctx, key, window, now)
	if err == nil {
		a.throttleUp(ctx)
		return n, reset, nil
	}
	a.throttleDown(ctx, scope, err)
	return a.throttleFallback.memory().Count(ctx, key, window, now)
}

// throttleDown logs the start of an outage of the throttle store.
func (a *Auth) throttleDown(ctx context.Context, scope string, err error) {
	if a.throttleFallback.down.CompareAndSwap(false, true) {
		a.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "restauth: throttle store failed; limits kept in process until it recovers",
			slog.String("scope", scope), slog.String("error", err.Error()))
	}
}

// throttleUp logs the end of an outage of the throttle store.
func (a *Auth) throttleUp(ctx context.Context) {
	if a.throttleFallback.down.Load() && a.throttleFallback.down.CompareAndSwap(true, false) {
		a.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "restauth: throttle store recovered")
	}
}
