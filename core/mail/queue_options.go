package mail

import (
	"log/slog"
	"time"
)

// Queue defaults.
const (
	// DefaultQueueWorkers is how many messages a Queue delivers at once.
	// Account mail is rare (registrations, reset requests); a few
	// concurrent SMTP connections keep up with normal traffic without
	// letting a reset flood open hundreds of connections to the relay.
	DefaultQueueWorkers = 4
	// DefaultQueueCapacity is how many messages may wait for a worker.
	// It bounds memory (a message is a few KiB) under a request flood;
	// past it Send refuses with ErrQueueFull instead of growing.
	DefaultQueueCapacity = 1024
	// DefaultQueueTimeout bounds the delivery of one message, so a mail
	// server that never answers cannot hold a worker forever.
	DefaultQueueTimeout = 30 * time.Second
)

// QueueOption configures a Queue.
type QueueOption func(*Queue)

// WithWorkers sets how many messages are delivered concurrently (default
// DefaultQueueWorkers; values below 1 mean 1). More workers drain a burst
// faster but open more connections to the mail server at once. Workers
// are started on demand and exit when the queue is empty, so an idle
// Queue holds no goroutine.
func WithWorkers(n int) QueueOption {
	return func(q *Queue) { q.workers = max(n, 1) }
}

// WithCapacity sets how many messages may wait for a worker (default
// DefaultQueueCapacity; values below 1 mean 1). The bound keeps memory
// finite when requests arrive faster than the mail server accepts mail:
// a full Queue refuses new messages with ErrQueueFull rather than
// blocking the caller or growing.
func WithCapacity(n int) QueueOption {
	return func(q *Queue) { q.capacity = max(n, 1) }
}

// WithTimeout bounds the delivery of each message (default
// DefaultQueueTimeout; values <= 0 keep the default). The delivery
// context is detached from the caller's: it keeps the caller's values
// (request ids for logs) but not its cancellation, since the request has
// usually ended before the message goes out.
func WithTimeout(d time.Duration) QueueOption {
	return func(q *Queue) {
		if d > 0 {
			q.timeout = d
		}
	}
}

// WithLogger sets the logger that receives delivery failures (template
// name, recipient domain and error; never the body or the full address).
// Default: no logging. A Queue's caller never sees delivery errors, so in
// production pass a logger.
func WithLogger(l *slog.Logger) QueueOption {
	return func(q *Queue) { q.logger = l }
}
