package core

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// changePublishLogEvery is how often, at most, a failing publication of
// change wake-ups is logged.
const changePublishLogEvery = time.Minute

// changePublisher publishes a wake-up (ChangePublisher.PublishChange with
// the feed's LatestChange) after the writes through this instance that
// revoke or alter a login, so that the other instances read the feed at
// once rather than at their next poll. The writes only kick it (kick never
// blocks); one goroutine (run, under the changePoller's context)
// publishes, so the kicks that arrive while a publication is under way
// cost one more publication in all. A failure is logged at most once per
// changePublishLogEvery and not retried: the others' polling covers it.
type changePublisher struct {
	pub     ChangePublisher
	feed    ChangeFeed
	timeout time.Duration
	logger  *slog.Logger

	kicks chan struct{} // capacity 1: a publication is due
	asked atomic.Uint64 // kicks so far

	mu     sync.Mutex
	done   uint64        // kicks covered by finished rounds
	round  chan struct{} // closed (and replaced) when a round finishes
	closed bool          // run returned

	// Owned by run.
	failing bool
	logged  time.Time // last failure logged (monotonic)
}

// newChangePublisher returns a publisher through pub of feed's latest
// change, each round bounded by timeout.
func newChangePublisher(pub ChangePublisher, feed ChangeFeed, timeout time.Duration, logger *slog.Logger) *changePublisher {
	return &changePublisher{pub: pub, feed: feed, timeout: timeout, logger: logger,
		kicks: make(chan struct{}, 1), round: make(chan struct{})}
}

// kick asks for a publication after a write that has returned. It never
// blocks. Safe on a nil publisher.
func (p *changePublisher) kick() {
	if p == nil {
		return
	}
	p.asked.Add(1)
	select {
	case p.kicks <- struct{}{}:
	default: // one is due already, and will read asked after this
	}
}

// run publishes until ctx ends.
func (p *changePublisher) run(ctx context.Context) {
	defer func() {
		p.mu.Lock()
		p.closed = true
		close(p.round)
		p.mu.Unlock()
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.kicks:
		}
		target := p.asked.Load() // after the receive: covers its kick
		p.publish(ctx)
		p.mu.Lock()
		p.done = max(p.done, target)
		close(p.round)
		p.round = make(chan struct{})
		p.mu.Unlock()
	}
}

// publish reads the latest change (committed, so at least the Seq of every
// write that kicked before) and publishes it.
func (p *changePublisher) publish(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, p.timeout)
	defer cancel()
	seq, err := p.feed.LatestChange(ctx)
	if err == nil {
		err = p.pub.PublishChange(ctx, seq)
	}
	if parent.Err() != nil {
		return // stopping
	}
	if err != nil {
		now := time.Now()
		if !p.failing || now.Sub(p.logged) >= changePublishLogEvery {
			p.logged = now
			p.logger.Warn("restauth: change wake-up not published; other instances see the change at their next read of the feed",
				slog.String("error", err.Error()))
		}
		p.failing = true
		return
	}
	if p.failing {
		p.failing = false
		p.logger.Info("restauth: change wake-ups published again")
	}
}

// flush waits until the kicks made before it have been published (or
// their publication failed), or ctx ends, or run has returned.
func (p *changePublisher) flush(ctx context.Context) error {
	if p == nil {
		return nil
	}
	target := p.asked.Load()
	for {
		p.mu.Lock()
		if p.done >= target || p.closed {
			p.mu.Unlock()
			return nil
		}
		round := p.round
		p.mu.Unlock()
		select {
		case <-round:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
