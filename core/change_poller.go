package core

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"time"
)

// The change feed reader's constants (docs/design.md, "Revocation bound
// and change feed").
const (
	// changePage is how many changes one query reads at most; a full page
	// is followed by another query in the same poll.
	changePage = 500
	// changeMaxPages bounds the queries of one poll: a reader that far
	// behind drops its cache and starts over from the latest change,
	// which is cheaper than reading everything it missed.
	changeMaxPages = 20
	// changeGapWait is how long a Seq missing below the highest Seq read
	// is waited for (a transaction that wrote its change and has not
	// committed yet) before it is taken for a rolled-back transaction and
	// given up. The stores write the change last, just before COMMIT, so
	// only a commit stalled this long is missed, and even then for at
	// most loginCacheMaxAge.
	changeGapWait = 10 * time.Second
	// changeResetOverlap is how far below the latest change a (re)started
	// reader begins: changes below the latest may still commit, and are
	// read (and their gaps waited for) like any other.
	changeResetOverlap = 1000
	// changeRetention is how long the stores keep changes: far longer
	// than any reader needs (a change older than loginCacheMaxAge
	// concerns no servable entry), so a reader that was paused for
	// minutes still finds what it missed.
	changeRetention = time.Hour
	// changeHousekeeping is how often each instance checks that the feed
	// did not go back (a database restored from a backup) and prunes
	// changes older than changeRetention.
	changeHousekeeping = time.Minute
)

// errFeedBehind ends a poll that found more changes than changeMaxPages
// pages: the reader started over (its cache dropped) instead.
var errFeedBehind = errors.New("restauth: change feed: too far behind, reading again from the latest change")

// errFeedOrder ends a poll whose feed returned changes out of order.
var errFeedOrder = errors.New("restauth: change feed: changes out of order")

// changePoller reads the store's change feed every RevocationStaleness/4
// (and when the store notifies a change), drops the cache entries each
// change concerns, and records the start of every successful read in the
// cache (loginCache.markPolled), which then serves entries beyond the
// bound (the feed rule). A failing read records nothing: after the bound
// the TTL rule alone applies.
//
// Sequence gaps: a transaction may write its change (taking Seq n) and
// commit after another one's change n+1 was read. The reader therefore
// keeps next, the lowest Seq it has neither applied nor given up, and
// every read asks for Seq >= next, skipping what it already applied; a
// gap below the highest Seq read is given up once it has been open for
// changeGapWait (a rolled-back transaction, or reserved numbers never
// used). Reading again from the lowest open gap costs the rows above it,
// only while a gap is open: usually one poll, or changeGapWait after a
// rollback.
type changePoller struct {
	feed      ChangeFeed
	notifiers []ChangeNotifier // the store's, Config.ChangeNotifier; none: polling only
	publisher *changePublisher // nil: this instance publishes no wake-ups
	cache     *loginCache
	interval  time.Duration
	timeout   time.Duration
	logger    *slog.Logger
	mono      func() time.Time // real time: gap waits and housekeeping

	cancel context.CancelFunc
	done   chan struct{}

	// The reader's state, owned by the run goroutine.
	started bool
	next    int64          // lowest Seq neither applied nor given up
	maxSeen int64          // highest Seq applied (or the latest, at a restart)
	seen    map[int64]bool // applied Seqs >= next
	marks   []gapMark      // maxSeen after each read while a gap is open
	failing bool
	swept   time.Time // last housekeeping
}

// gapMark records that after a read at `at` the highest Seq was seq:
// any Seq below it still missing was missing then.
type gapMark struct {
	seq int64
	at  time.Time
}

// startChangePoller starts reading the change feed when the store has one
// and the login-state cache is on, listening to the store's notifications
// and to Config.ChangeNotifier, and publishing this instance's changes
// when Config.ChangeNotifier is a ChangePublisher. It must run after the
// last error return of New, so that no goroutine outlives a failed New.
// Auth.Close stops it; so does the garbage collector once the Auth is
// unreachable, for applications that never call Close.
func (a *Auth) startChangePoller() {
	feed, ok := a.cfg.Store.(ChangeFeed)
	if !ok || a.logins == nil {
		return
	}
	var notifiers []ChangeNotifier
	if n, ok := a.cfg.Store.(ChangeNotifier); ok {
		notifiers = append(notifiers, n)
	}
	var publisher *changePublisher
	if n := a.cfg.ChangeNotifier; n != nil {
		notifiers = append(notifiers, n)
		if pub, ok := n.(ChangePublisher); ok {
			publisher = newChangePublisher(pub, feed, a.cfg.RequestTimeout, a.cfg.Logger)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &changePoller{
		feed: feed, notifiers: notifiers, publisher: publisher, cache: a.logins,
		interval: max(a.cfg.RevocationStaleness/4, time.Millisecond),
		timeout:  a.cfg.RequestTimeout,
		logger:   a.cfg.Logger,
		mono:     time.Now,
		cancel:   cancel,
		done:     make(chan struct{}),
	}
	a.logins.poller = p
	a.logins.publisher = publisher
	go p.run(ctx)
	// p does not reach a: the cleanup can run.
	runtime.AddCleanup(a, func(p *changePoller) { p.cancel() }, p)
}

// stopChangePoller publishes the wake-ups still due (a CLI command's
// write), then stops the feed reader, if any, and waits until it has
// stopped or ctx ends. The cache then stops being fresh within the bound.
func (a *Auth) stopChangePoller(ctx context.Context) error {
	if a.logins == nil || a.logins.poller == nil {
		return nil
	}
	p := a.logins.poller
	if err := p.publisher.flush(ctx); err != nil {
		p.cancel()
		return err
	}
	p.cancel()
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run polls until ctx ends: at once, then every interval, and early when
// a notifier reports a change. It also runs the publisher, if any.
func (p *changePoller) run(ctx context.Context) {
	defer close(p.done)
	var wg sync.WaitGroup
	defer wg.Wait()
	if p.publisher != nil {
		wg.Go(func() { p.publisher.run(ctx) })
	}
	wake := make(chan struct{}, 1)
	// One channel per notifier: the highest Seq read, after each
	// successful poll.
	reads := make([]chan pollRead, len(p.notifiers))
	for i, n := range p.notifiers {
		reads[i] = make(chan pollRead, 1)
		wg.Go(func() { p.listen(ctx, n, reads[i], wake) })
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-wake:
		}
		start := p.mono()
		if p.poll(ctx) {
			for _, read := range reads {
				select {
				case <-read: // replaced by the newer value
				default:
				}
				read <- pollRead{seq: p.maxSeen, start: start}
			}
		}
		timer.Reset(p.interval)
	}
}

// pollRead is what a successful poll tells the listeners: the highest Seq
// read, and when the poll began (p.mono).
type pollRead struct {
	seq   int64
	start time.Time
}

// listen turns n's notifications into wake-ups of run: after each
// successful poll it waits for a change above the highest Seq that poll
// read (so a change committed in between is not missed). After a wake-up
// it waits for a poll begun after it: one begun before cannot have read
// the change that woke it, and would wake the next poll for nothing. A
// notifier that cannot notify ends it; a failing one is asked again
// after the next poll an interval later, its first failure and its
// recovery logged once each.
//
// A notifier that keeps reporting changes the feed does not show (a
// message bus shared with another database, a database restored from a
// backup) would make every poll wake the next one at once: after two
// wake-ups in a row whose polls brought nothing new (the Seq read did not
// move), the next one waits until an interval has passed since the last.
func (p *changePoller) listen(ctx context.Context, n ChangeNotifier, read <-chan pollRead, wake chan<- struct{}) {
	prev := int64(-1) // the Seq of the WaitChange behind the last wake-up
	fruitless := 0    // wake-ups in a row after which the Seq read did not move
	var woke time.Time
	failing := false
	for {
		var seq int64
		select {
		case <-ctx.Done():
			return
		case r := <-read:
			if r.start.Before(woke) {
				continue // begun before the last wake-up
			}
			seq = r.seq
		}
		err := n.WaitChange(ctx, seq)
		switch {
		case ctx.Err() != nil, errors.Is(err, errors.ErrUnsupported):
			return
		case err != nil:
			if !failing {
				failing = true
				p.logger.Warn("restauth: change notifications failing; changes made elsewhere are seen at the next read of the feed",
					slog.String("error", err.Error()))
			}
			if !sleepCtx(ctx, p.interval) {
				return
			}
			continue // the timer polls meanwhile
		case failing:
			failing = false
			p.logger.Info("restauth: change notifications received again")
		}
		if seq == prev {
			fruitless++
		} else {
			fruitless = 0
		}
		if fruitless >= 2 && !sleepCtx(ctx, p.interval-p.mono().Sub(woke)) {
			return
		}
		prev, woke = seq, p.mono()
		select {
		case wake <- struct{}{}:
		default: // a poll is already due
		}
	}
}

// sleepCtx waits d (nothing when d <= 0) and reports false when ctx ends
// first.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// poll reads the feed once and, when that succeeds, records its start
// and reports true.
func (p *changePoller) poll(parent context.Context) bool {
	ctx, cancel := context.WithTimeout(parent, p.timeout)
	defer cancel()
	start := p.cache.elapsed()
	err := p.housekeep(ctx)
	if err == nil {
		err = p.read(ctx)
	}
	if err != nil {
		if parent.Err() == nil { // not stopping
			p.failed(err)
		}
		return false
	}
	p.cache.markPolled(start)
	if p.failing {
		p.failing = false
		p.logger.Info("restauth: change feed readable again; cached logins are served beyond RevocationStaleness")
	}
	return true
}

// failed logs the first failure of a series.
func (p *changePoller) failed(err error) {
	if p.failing {
		return
	}
	p.failing = true
	p.logger.Warn("restauth: change feed unreadable; logins are read from the store again after RevocationStaleness",
		slog.String("error", err.Error()))
}

// housekeep, about once per changeHousekeeping, checks that the feed did
// not go back and prunes old changes. A prune failure is logged, not
// fatal: it does not make the feed less fresh.
func (p *changePoller) housekeep(ctx context.Context) error {
	now := p.mono()
	if !p.started || now.Sub(p.swept) < changeHousekeeping {
		return nil
	}
	p.swept = now
	latest, err := p.feed.LatestChange(ctx)
	if err != nil {
		return err
	}
	if latest < p.maxSeen {
		p.logger.Warn("restauth: change feed went back (database restored?); cached logins dropped",
			slog.Int64("latest", latest), slog.Int64("read", p.maxSeen))
		p.started = false // read restarts
	}
	if _, err := p.feed.PruneChanges(ctx, time.Now().Add(-changeRetention)); err != nil && ctx.Err() == nil {
		p.logger.Warn("restauth: change feed: pruning old changes failed", slog.String("error", err.Error()))
	}
	return nil
}

// restart drops the cache and starts reading changeResetOverlap changes
// below the latest one: a change the reader missed concerns nothing
// cached any more, and one below the latest that commits later is still
// read. The cache is cleared after the latest Seq is known, so every
// entry cached from here on was read after every change up to it
// committed, or is read by this reader.
func (p *changePoller) restart(ctx context.Context) error {
	latest, err := p.feed.LatestChange(ctx)
	if err != nil {
		return err
	}
	p.cache.clear()
	p.started = true
	p.next = max(latest-changeResetOverlap, 0) + 1
	p.maxSeen = latest
	p.seen = map[int64]bool{}
	p.marks = []gapMark{{seq: latest + 1, at: p.mono()}} // Seqs up to latest: already committed or in flight
	p.swept = p.mono()
	return nil
}

// read applies every change from next on, page by page.
func (p *changePoller) read(ctx context.Context) error {
	if !p.started {
		if err := p.restart(ctx); err != nil {
			return err
		}
	}
	after := p.next - 1
	for range changeMaxPages {
		cs, err := p.feed.Changes(ctx, after, changePage)
		if err != nil {
			return err
		}
		if len(cs) > 0 && cs[0].Seq <= after {
			return errFeedOrder
		}
		p.apply(cs)
		if len(cs) < changePage {
			p.resolve()
			return nil
		}
		after = cs[len(cs)-1].Seq
	}
	p.started = false // the next poll restarts
	return errFeedBehind
}

// apply drops what the changes not applied before concern.
func (p *changePoller) apply(cs []Change) {
	var todo []Change
	prev := int64(-1)
	for _, c := range cs {
		if c.Seq <= prev || c.Seq < p.next || p.seen[c.Seq] {
			continue
		}
		prev = c.Seq
		p.seen[c.Seq] = true
		p.maxSeen = max(p.maxSeen, c.Seq)
		todo = append(todo, c)
	}
	p.cache.forgetChanges(todo)
}

// resolve moves next past the Seqs applied and past the gaps open for
// changeGapWait.
func (p *changePoller) resolve() {
	now := p.mono()
	p.marks = append(p.marks, gapMark{seq: p.maxSeen + 1, at: now})
	// dead: every missing Seq below it has been missing for changeGapWait.
	var dead int64
	old := 0
	for old < len(p.marks) && now.Sub(p.marks[old].at) >= changeGapWait {
		dead = p.marks[old].seq
		old++
	}
	if old > 1 {
		p.marks = p.marks[old-1:]
	}
	for p.next <= p.maxSeen {
		if p.seen[p.next] {
			delete(p.seen, p.next)
			p.next++
			continue
		}
		if p.next >= dead {
			break // an open gap: read from here again next time
		}
		// Give the gap up: jump to the next applied Seq, or to dead.
		to := dead
		for s := range p.seen {
			if s > p.next && s < to {
				to = s
			}
		}
		p.next = to
	}
	if p.next > p.maxSeen {
		p.marks = p.marks[:0] // nothing open
	}
}
