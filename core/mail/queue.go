package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/mail"
	"sync"
	"time"
)

// Queue is a Mailer that delivers in the background: Send validates the
// message, enqueues it and returns at once, and up to a few workers hand
// the messages to the next Mailer. Callers that answer a client (a
// password-reset request) thereby take the same time whether a mail is
// sent or not, so the timing does not reveal whether an address has an
// account (restauth T-RESET-02). Order of delivery is not guaranteed.
//
// The Queue is bounded: when capacity messages are waiting, Send drops
// the message and returns ErrQueueFull immediately. It never blocks the
// caller and never grows without bound, so a flood of reset requests
// cannot stall request handlers or exhaust memory; the price is that mail
// beyond the bound is lost (the caller logs the error; the user can ask
// again). Delivery errors, timeouts and panics of the next Mailer are
// logged to the WithLogger logger, with the template name and the
// recipient's domain only — never the body, which carries secret links.
//
// Each delivery runs under its own context: the caller's values without
// its cancellation (the request has usually ended by then), limited by
// WithTimeout. Workers start on demand and exit when the queue is empty,
// so an idle Queue holds no goroutine. Close drains the queue before
// shutdown. A Queue is safe for concurrent use; create it with NewQueue.
type Queue struct {
	next     Mailer
	logger   *slog.Logger
	workers  int
	capacity int
	timeout  time.Duration

	// stop ends when Close gives up: deliveries in flight are cancelled.
	stop  context.Context
	abort context.CancelFunc

	mu      sync.Mutex
	pending []queued // oldest first, at most capacity
	running int      // workers alive
	closed  bool
	idle    chan struct{} // closed when the last worker exits, once Close waits
}

// queued is one message waiting for delivery.
type queued struct {
	ctx context.Context // the caller's values, without its cancellation
	msg Message
	to  *mail.Address
}

// NewQueue returns a Queue delivering through next.
func NewQueue(next Mailer, opts ...QueueOption) *Queue {
	q := &Queue{next: next, workers: DefaultQueueWorkers, capacity: DefaultQueueCapacity, timeout: DefaultQueueTimeout}
	for _, o := range opts {
		o(q)
	}
	q.stop, q.abort = context.WithCancel(context.Background())
	return q
}

// Send validates m like every Mailer (an invalid message is refused at
// once with ErrInvalidAddress, ErrInvalidHeader or ErrEmptyBody) and
// enqueues it. It returns nil without waiting for delivery, ErrQueueFull
// when the queue is at capacity and ErrQueueClosed after Close. Unlike
// other Mailers, the end of ctx does not stop the delivery: the message
// still goes out after the request that asked for it has ended.
func (q *Queue) Send(ctx context.Context, m Message) error {
	to, err := m.validate()
	if err != nil {
		return err
	}
	item := queued{ctx: context.WithoutCancel(ctx), msg: m, to: to}
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.closed:
		return ErrQueueClosed
	case len(q.pending) >= q.capacity:
		return fmt.Errorf("%w (%d messages waiting)", ErrQueueFull, len(q.pending))
	}
	q.pending = append(q.pending, item)
	if q.running < q.workers {
		q.running++
		go q.work()
	}
	return nil
}

// Close stops accepting messages and waits until the queued ones are
// delivered or ctx ends. When ctx ends first, the waiting messages are
// dropped, deliveries in flight are cancelled (their workers exit as soon
// as the next Mailer honours the cancellation) and Close returns an error
// wrapping ctx.Err() with the number of undelivered messages. Close may
// be called more than once.
func (q *Queue) Close(ctx context.Context) error {
	q.mu.Lock()
	q.closed = true
	if q.running == 0 {
		q.mu.Unlock()
		q.abort()
		return nil
	}
	if q.idle == nil {
		q.idle = make(chan struct{})
	}
	idle := q.idle
	q.mu.Unlock()

	select {
	case <-idle:
		q.abort()
		return nil
	case <-ctx.Done():
	}
	q.mu.Lock()
	dropped := len(q.pending)
	q.pending = nil
	q.mu.Unlock()
	q.abort()
	return fmt.Errorf("mail: queue closed with %d messages undelivered and deliveries in flight cancelled: %w", dropped, ctx.Err())
}

// work delivers queued messages until the queue is empty.
func (q *Queue) work() {
	for {
		q.mu.Lock()
		if len(q.pending) == 0 {
			q.pending = nil // release the backing array after a burst
			q.running--
			if q.running == 0 && q.idle != nil {
				close(q.idle)
				q.idle = nil
			}
			q.mu.Unlock()
			return
		}
		item := q.pending[0]
		q.pending[0] = queued{}
		q.pending = q.pending[1:]
		q.mu.Unlock()
		q.deliver(item)
	}
}

// deliver hands one message to the next Mailer under its own deadline,
// cancelled early when Close gives up, and logs a failure.
func (q *Queue) deliver(item queued) {
	ctx, cancel := context.WithTimeout(item.ctx, q.timeout)
	defer cancel()
	defer context.AfterFunc(q.stop, cancel)()
	if err := q.send(ctx, item.msg); err != nil {
		logDelivery(ctx, q.logger, "queue", item.msg, item.to, err)
	}
}

// send calls the next Mailer, turning a panic into an error: a worker
// must not take the process down. The panic value is not kept, as it
// could quote the message.
func (q *Queue) send(ctx context.Context, m Message) (err error) {
	defer func() {
		if recover() != nil {
			err = fmt.Errorf("%w: the mailer panicked", ErrDelivery)
		}
	}()
	return q.next.Send(ctx, m)
}
