package redisstore

import (
	"context"
	"errors"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/restauth/restauth/core"
)

// Timings of the change notifier's subscription.
const (
	// changeRetryMin and changeRetryMax bound the delay before
	// subscribing again after a failure (doubled after each failure);
	// polling covers the time in between.
	changeRetryMin = 100 * time.Millisecond
	changeRetryMax = 5 * time.Second
	// changeHealthEvery is how long the subscription may stay silent
	// before it is pinged; a ping unanswered for as long again ends the
	// connection, which is then replaced.
	changeHealthEvery = 15 * time.Second
)

// errNotifierClosed is WaitChange's error once the Store is closed.
var errNotifierClosed = errors.New("redisstore: change notifications: store closed")

var (
	_ core.ChangeNotifier  = (*ChangeNotifier)(nil)
	_ core.ChangePublisher = (*ChangeNotifier)(nil)
)

// WithChangeChannel sets the Redis pub/sub channel of the change
// notifications (default: the key prefix followed by "changes", so
// "restauth:changes"). Every instance of one application, on one
// database, must use the same channel, and instances on different
// databases different ones: a Seq of another database would wake the
// readers for nothing, or not when it should. New refuses an empty name.
func WithChangeChannel(name string) Option {
	return func(s *Store) { s.channel = &name }
}

// ChangeNotifier returns the Store's change notifier, the same at every
// call: set it as core.Config.ChangeNotifier (Configure does) to carry
// the change feed's wake-ups over Redis pub/sub.
func (s *Store) ChangeNotifier() *ChangeNotifier { return s.notifier }

// ChangeNotifier carries the wake-ups of restauth's change feed between
// instances over Redis pub/sub: a core.ChangeNotifier and a
// core.ChangePublisher. Each instance publishes, after its own writes
// that revoke or alter a login, the feed's latest Seq on the channel
// (WithChangeChannel); every instance subscribes, and its feed reader
// reads the feed at once when a Seq above what it has read arrives,
// instead of at its next poll (every RevocationStaleness/4). The feed
// rows stay in the database, written in the same transaction as each
// write: a message lost, late or never sent (Redis down, a script writing
// the tables) costs latency, never the bound.
//
// The subscription takes one connection of its own, opened at the first
// WaitChange and held until the Store is closed; after a failure it is
// opened again (after 100ms, doubling up to 5s), and a connection silent
// for 15s is pinged. While it is not subscribed WaitChange fails (core
// logs it once, and polls). It is safe for concurrent use and serves any
// number of core.Auth values.
type ChangeNotifier struct {
	client  redis.UniversalClient
	channel string

	mu      sync.Mutex
	latest  int64         // the highest Seq received
	wakes   uint64        // subscriptions made and messages without a Seq
	err     error         // why it is not subscribed; nil while it is, or before the first try
	signal  chan struct{} // closed (and replaced) at each of the above
	started bool
	closed  bool
	pubsub  *redis.PubSub // the current subscription, closed by close
	cancel  context.CancelFunc
	done    chan struct{}
}

// newChangeNotifier returns the notifier of a Store; it sends nothing to
// Redis until used.
func newChangeNotifier(client redis.UniversalClient, channel string) *ChangeNotifier {
	return &ChangeNotifier{client: client, channel: channel, signal: make(chan struct{})}
}

// Channel returns the pub/sub channel of the notifications.
func (n *ChangeNotifier) Channel() string { return n.channel }

// PublishChange implements core.ChangePublisher: it publishes seq on the
// channel (one PUBLISH). Its error wraps core.ErrUnavailable and carries
// neither the URL's password nor the message.
func (n *ChangeNotifier) PublishChange(ctx context.Context, seq int64) error {
	if err := n.client.Publish(ctx, n.channel, strconv.FormatInt(seq, 10)).Err(); err != nil {
		return wrap("publish change", err)
	}
	return nil
}

// WaitChange implements core.ChangeNotifier: it returns nil when a Seq
// above seq has been published (at once if one was), and spuriously when
// the subscription starts or starts again (what was published meanwhile
// was lost) or a message that is not a positive integer arrives (a
// script's "wake up"). It returns an error wrapping core.ErrUnavailable
// while the subscription fails, the context's error when ctx ends, and an
// error once the Store is closed.
func (n *ChangeNotifier) WaitChange(ctx context.Context, seq int64) error {
	n.start()
	n.mu.Lock()
	defer n.mu.Unlock()
	wakes := n.wakes
	for {
		switch {
		case n.closed:
			return errNotifierClosed
		case n.latest > seq, n.wakes != wakes:
			return nil
		case n.err != nil:
			return n.err
		}
		signal := n.signal
		n.mu.Unlock()
		select {
		case <-signal:
			n.mu.Lock()
		case <-ctx.Done():
			n.mu.Lock()
			return ctx.Err()
		}
	}
}

// start starts the subscription, once.
func (n *ChangeNotifier) start() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.started || n.closed {
		return
	}
	n.started = true
	ctx, cancel := context.WithCancel(context.Background())
	n.cancel, n.done = cancel, make(chan struct{})
	go n.run(ctx)
}

// close stops the subscription and waits until it has stopped; WaitChange
// fails from then on.
func (n *ChangeNotifier) close() {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.closed = true
	started, ps := n.started, n.pubsub
	if started {
		n.cancel()
	}
	n.broadcastLocked()
	n.mu.Unlock()
	if ps != nil {
		ps.Close() // unblocks a read in progress
	}
	if started {
		<-n.done
	}
}

// broadcastLocked wakes every waiter; n.mu is held.
func (n *ChangeNotifier) broadcastLocked() {
	close(n.signal)
	n.signal = make(chan struct{})
}

// update changes the state under the lock and wakes every waiter.
func (n *ChangeNotifier) update(f func()) {
	n.mu.Lock()
	defer n.mu.Unlock()
	f()
	n.broadcastLocked()
}

// run subscribes until ctx ends, subscribing again after failures.
func (n *ChangeNotifier) run(ctx context.Context) {
	defer close(n.done)
	delay := changeRetryMin
	for {
		subscribed, err := n.subscribeOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		n.update(func() { n.err = wrap("change notifications", err) })
		if subscribed {
			delay = changeRetryMin
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		delay = min(2*delay, changeRetryMax)
	}
}

// subscribeOnce subscribes on a connection of its own and receives until
// the connection fails or ctx ends. It reports whether it got to
// subscribe, and the error that ended it.
func (n *ChangeNotifier) subscribeOnce(ctx context.Context) (bool, error) {
	ps := n.client.Subscribe(ctx) // no channel yet: no round trip
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		ps.Close()
		return false, errNotifierClosed
	}
	n.pubsub = ps
	n.mu.Unlock()
	defer func() {
		n.mu.Lock()
		n.pubsub = nil
		n.mu.Unlock()
		ps.Close()
	}()
	if err := ps.Subscribe(ctx, n.channel); err != nil {
		return false, err
	}
	subscribed, pinged := false, false
	for {
		msg, err := ps.ReceiveTimeout(ctx, changeHealthEvery)
		if err != nil {
			if !pinged && isTimeout(err) && ctx.Err() == nil {
				if err := ps.Ping(ctx); err != nil {
					return subscribed, err
				}
				pinged = true
				continue
			}
			return subscribed, err
		}
		pinged = false
		switch m := msg.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" && m.Channel == n.channel {
				subscribed = true
				// What was published before (or while not subscribed)
				// was not received: every waiter reads the feed.
				n.update(func() { n.err = nil; n.wakes++ })
			}
		case *redis.Message:
			seq, err := strconv.ParseInt(m.Payload, 10, 64)
			n.update(func() {
				if err == nil && seq > 0 {
					n.latest = max(n.latest, seq)
				} else {
					n.wakes++
				}
			})
		}
	}
}

// isTimeout reports a read that timed out (the connection is still
// usable).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
