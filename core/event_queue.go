package core

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
)

// eventBuffer is how many events may wait for a slow Config.OnEvent
// before further ones are dropped (and logged). Delivery is one goroutine
// in order; a listener that needs more throughput fans out itself.
const eventBuffer = 1024

// eventQueue delivers events to Config.OnEvent on a goroutine of its own,
// so that a slow or failing listener never delays or fails a request.
type eventQueue struct {
	listener EventFunc
	logger   *slog.Logger

	mu     sync.Mutex // guards closed and sends on ch
	closed bool
	ch     chan queuedEvent
	done   chan struct{} // closed when the delivery goroutine returns
}

type queuedEvent struct {
	ctx context.Context
	e   Event
}

// newEventQueue starts the delivery goroutine; Close stops it.
func newEventQueue(listener EventFunc, logger *slog.Logger) *eventQueue {
	q := &eventQueue{listener: listener, logger: logger,
		ch: make(chan queuedEvent, eventBuffer), done: make(chan struct{})}
	go q.run()
	return q
}

// publish enqueues e without waiting. ctx keeps the request's values (a
// trace id, say) but not its cancellation, which comes with the answer.
func (q *eventQueue) publish(ctx context.Context, e Event) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		q.logger.LogAttrs(ctx, slog.LevelWarn, "restauth: event after Close; not delivered", slog.String("event", string(e.Type)))
		return
	}
	select {
	case q.ch <- queuedEvent{ctx: context.WithoutCancel(ctx), e: e}:
	default:
		q.logger.LogAttrs(ctx, slog.LevelWarn, "restauth: OnEvent is behind; event dropped", slog.String("event", string(e.Type)))
	}
}

func (q *eventQueue) run() {
	defer close(q.done)
	for qe := range q.ch {
		q.deliver(qe)
	}
}

// deliver calls the listener once, logging its error or panic.
func (q *eventQueue) deliver(qe queuedEvent) {
	defer func() {
		if p := recover(); p != nil {
			q.logger.LogAttrs(qe.ctx, slog.LevelError, "restauth: OnEvent panicked",
				slog.String("event", string(qe.e.Type)), slog.String("panic", fmt.Sprint(p)))
		}
	}()
	if err := q.listener(qe.ctx, qe.e); err != nil {
		q.logger.LogAttrs(qe.ctx, slog.LevelError, "restauth: OnEvent failed",
			slog.String("event", string(qe.e.Type)), slog.String("error", err.Error()))
	}
}

// close stops accepting events and waits until those already queued are
// delivered, or ctx ends.
func (q *eventQueue) close(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.ch)
	}
	q.mu.Unlock()
	select {
	case <-q.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("restauth: events not delivered before Close returned: %w", ctx.Err())
	}
}
