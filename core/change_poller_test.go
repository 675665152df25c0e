package core

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"
)

// scriptFeed is a ChangeFeed whose visible changes the test sets: a change
// may be visible while a lower Seq is not (committed out of order) or
// never (rolled back).
type scriptFeed struct {
	mu      sync.Mutex
	visible []Change // in Seq order
	latest  int64    // LatestChange; defaults to the highest visible Seq
	err     error
	afters  []int64 // the after of every Changes call
}

func (f *scriptFeed) show(cs ...Change) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.visible = append(f.visible, cs...)
	slices.SortFunc(f.visible, func(a, b Change) int { return int(a.Seq - b.Seq) })
	f.latest = max(f.latest, f.visible[len(f.visible)-1].Seq)
}

func (f *scriptFeed) Changes(_ context.Context, after int64, limit int) ([]Change, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.afters = append(f.afters, after)
	if f.err != nil {
		return nil, f.err
	}
	var out []Change
	for _, c := range f.visible {
		if c.Seq > after && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *scriptFeed) LatestChange(context.Context) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.latest, f.err
}

func (f *scriptFeed) PruneChanges(context.Context, time.Time) (int, error) { return 0, nil }

func (f *scriptFeed) lastAfter() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.afters[len(f.afters)-1]
}

// pollerRig is a poller driven by hand: poll runs one read, mono is a
// fake real-time clock, the cache's clock is fixed.
type pollerRig struct {
	feed  *scriptFeed
	cache *loginCache
	p     *changePoller
	mono  time.Time
}

func newPollerRig() *pollerRig {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	r := &pollerRig{feed: &scriptFeed{}, mono: now}
	r.cache = newLoginCache(time.Second, func() time.Time { return now })
	r.p = &changePoller{feed: r.feed, cache: r.cache, interval: time.Second / 4, timeout: time.Second,
		logger: slog.New(slog.NewTextHandler(io.Discard, nil)), mono: func() time.Time { return r.mono }}
	return r
}

// cacheUser puts user id in the cache, read now.
func (r *pollerRig) cacheUser(id int64) {
	gen, read := r.cache.begin()
	r.cache.putUser(gen, read, &User{ID: id, IsActive: true})
}

func (r *pollerRig) cached(id int64) bool {
	var u User
	return r.cache.userInto(id, r.cache.now(), &u)
}

func (r *pollerRig) poll(t *testing.T) {
	t.Helper()
	if !r.p.poll(t.Context()) {
		t.Fatal("poll failed")
	}
}

// TestChangePollerOutOfOrder: a change committed after a higher Seq was
// read is still applied; the reader reads again from the gap meanwhile.
func TestChangePollerOutOfOrder(t *testing.T) {
	r := newPollerRig()
	r.feed.show(Change{Seq: 1, UserID: 9})
	r.poll(t) // starts at the latest change
	r.cacheUser(4)
	r.feed.show(Change{Seq: 3, UserID: 5}) // Seq 2 is still in flight
	r.poll(t)
	if r.p.next != 2 {
		t.Fatalf("next = %d after a gap at 2, want 2", r.p.next)
	}
	r.poll(t)
	if got := r.feed.lastAfter(); got != 1 {
		t.Errorf("read after %d with a gap at 2, want after 1", got)
	}
	if !r.cached(4) {
		t.Fatal("user 4 dropped before its change committed")
	}
	r.feed.show(Change{Seq: 2, UserID: 4}) // commits late
	r.poll(t)
	if r.cached(4) {
		t.Error("a change committed out of Seq order was not applied")
	}
	if r.p.next != 4 || len(r.p.seen) != 0 {
		t.Errorf("next = %d, seen = %v; want 4 and nothing pending", r.p.next, r.p.seen)
	}
}

// TestChangePollerGivesUpGaps: a gap open for changeGapWait (a rolled-back
// transaction) is given up, and the reader moves on.
func TestChangePollerGivesUpGaps(t *testing.T) {
	r := newPollerRig()
	r.feed.show(Change{Seq: 10, UserID: 1})
	r.poll(t) // starts below the latest: Seqs 1 to 9 are waited for too
	if r.p.next != 1 {
		t.Fatalf("next = %d after starting at 10, want 1", r.p.next)
	}
	r.mono = r.mono.Add(changeGapWait)
	r.poll(t)
	if r.p.next != 11 {
		t.Fatalf("next = %d once the Seqs below the start were waited for, want 11", r.p.next)
	}
	r.feed.show(Change{Seq: 12, UserID: 2}, Change{Seq: 15, UserID: 3}) // 11, 13, 14 never commit
	r.poll(t)
	r.mono = r.mono.Add(changeGapWait - time.Millisecond)
	r.poll(t)
	if r.p.next != 11 {
		t.Fatalf("next = %d before changeGapWait, want 11", r.p.next)
	}
	r.feed.show(Change{Seq: 17, UserID: 4}) // 16 in flight, noticed now
	r.mono = r.mono.Add(time.Millisecond)
	r.poll(t)
	if r.p.next != 16 {
		t.Errorf("next = %d after changeGapWait, want 16 (the gaps of the first read given up, 16 waited for)", r.p.next)
	}
	r.mono = r.mono.Add(changeGapWait)
	r.poll(t)
	if r.p.next != 18 || len(r.p.marks) != 0 {
		t.Errorf("next = %d, marks = %v; want 18 and none", r.p.next, r.p.marks)
	}
}

// TestChangePollerRestart: a reader starts below the latest change (whose
// lower Seqs may still commit) with its cache dropped, and starts over
// when the feed goes back or when it is too far behind.
func TestChangePollerRestart(t *testing.T) {
	r := newPollerRig()
	r.cacheUser(1)
	r.feed.show(Change{Seq: 5000, UserID: 2})
	r.poll(t)
	if r.cached(1) {
		t.Error("the cache was not dropped when reading started")
	}
	if r.p.next != 4001 {
		t.Errorf("next = %d after starting at 5000, want 4001", r.p.next)
	}
	if got := r.feed.afters[0]; got != 5000-changeResetOverlap {
		t.Errorf("first read after %d, want %d", got, 5000-changeResetOverlap)
	}

	// The feed goes back (a restored database): noticed at housekeeping.
	r.cacheUser(1)
	r.feed.mu.Lock()
	r.feed.visible, r.feed.latest = []Change{{Seq: 3, UserID: 7}}, 3
	r.feed.mu.Unlock()
	r.mono = r.mono.Add(changeHousekeeping)
	r.poll(t)
	if r.cached(1) || r.p.maxSeen != 3 {
		t.Errorf("after the feed went back: cached %v, maxSeen %d; want dropped, 3", r.cached(1), r.p.maxSeen)
	}

	// Too far behind: more than changeMaxPages pages.
	var many []Change
	for i := range int64(changePage*changeMaxPages + 1) {
		many = append(many, Change{Seq: 4 + i, UserID: 100 + i})
	}
	r.feed.show(many...)
	r.cacheUser(1)
	if r.p.poll(t.Context()) {
		t.Fatal("a poll that found more than changeMaxPages pages succeeded")
	}
	r.poll(t) // starts over from the latest
	if r.cached(1) || r.p.next > r.feed.latest+1 || r.p.next < r.feed.latest-changeResetOverlap {
		t.Errorf("after starting over: cached %v, next %d (latest %d)", r.cached(1), r.p.next, r.feed.latest)
	}
}

// TestChangePollerFreshness: only a successful read makes the feed fresh,
// from the moment it began; a failing one leaves the last success.
func TestChangePollerFreshness(t *testing.T) {
	r := newPollerRig()
	if r.cache.feedFresh(r.cache.polled.Load()) {
		t.Fatal("fresh before any read")
	}
	r.feed.show(Change{Seq: 1, UserID: 1})
	r.poll(t)
	if !r.cache.feedFresh(r.cache.polled.Load()) {
		t.Fatal("not fresh after a successful read")
	}
	before := r.cache.polled.Load()
	r.feed.err = errors.New("down")
	if r.p.poll(t.Context()) {
		t.Fatal("a failing read succeeded")
	}
	if r.cache.polled.Load() != before {
		t.Error("a failing read moved the freshness")
	}
}

// TestChangePollerStops: Close stops the reader goroutine, and a store
// without a feed starts none.
func TestChangePollerStops(t *testing.T) {
	feed := &notifyingFeed{scriptFeed: &scriptFeed{}, waits: make(chan struct{}, 100)}
	feed.show(Change{Seq: 1, UserID: 1})
	a := &Auth{cfg: Config{Store: nil, RevocationStaleness: time.Second, RequestTimeout: time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}}
	a.logins = newLoginCache(time.Second, time.Now)
	a.cfg.Store = feed
	a.startChangePoller()
	if a.logins.poller == nil {
		t.Fatal("no poller on a store with a feed")
	}
	select {
	case <-feed.waits: // the listener waits for notifications
	case <-time.After(10 * time.Second):
		t.Fatal("the poller never waited for a notification")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := a.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-a.logins.poller.done:
	default:
		t.Error("the poller still runs after Close")
	}
	if err := a.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestChangePollerCollected: the reader of an Auth that becomes
// unreachable without Close stops once it is collected.
func TestChangePollerCollected(t *testing.T) {
	done := func() chan struct{} { // the Auth is unreachable once this returns
		feed := &notifyingFeed{scriptFeed: &scriptFeed{}, waits: make(chan struct{}, 100)}
		a := &Auth{cfg: Config{Store: feed, RevocationStaleness: time.Second, RequestTimeout: time.Second,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: time.Now}}
		a.logins = newLoginCache(time.Second, time.Now)
		a.startChangePoller()
		return a.logins.poller.done
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		select {
		case <-done:
			return
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("the reader of an unreachable Auth still runs")
		}
	}
}

// notifyingFeed is a scriptFeed with a Store's methods left nil (never
// called here) and a WaitChange that reports its calls.
type notifyingFeed struct {
	Store
	*scriptFeed
	waits chan struct{}
}

func (f *notifyingFeed) WaitChange(ctx context.Context, _ int64) error {
	f.waits <- struct{}{}
	<-ctx.Done()
	return ctx.Err()
}
