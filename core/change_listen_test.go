package core

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// eagerNotifier is a ChangeNotifier that returns at once: nil (it always
// believes in a change the feed does not show, as a bus shared with
// another database would) or, while failing, an error.
type eagerNotifier struct {
	mu    sync.Mutex
	err   error
	calls atomic.Int64
}

func (n *eagerNotifier) WaitChange(ctx context.Context, _ int64) error {
	n.calls.Add(1)
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.err
}

func (n *eagerNotifier) setErr(err error) {
	n.mu.Lock()
	n.err = err
	n.mu.Unlock()
}

// pollerAuth starts the reader of an Auth on feed with notifier n as
// Config.ChangeNotifier and bound 400ms (a read every 100ms), logging to
// buf; it is closed when t ends.
func pollerAuth(t *testing.T, feed *scriptFeed, n ChangeNotifier, buf *syncLog) *Auth {
	t.Helper()
	// A feed without notifications of its own; the Store's methods are
	// never called.
	store := struct {
		Store
		ChangeFeed
	}{nil, feed}
	a := &Auth{cfg: Config{Store: store, ChangeNotifier: n, RevocationStaleness: 400 * time.Millisecond,
		RequestTimeout: time.Second, Logger: slog.New(slog.NewTextHandler(buf, nil)), Now: time.Now}}
	a.logins = newLoginCache(a.cfg.RevocationStaleness, time.Now)
	a.startChangePoller()
	t.Cleanup(func() {
		if err := a.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return a
}

func (f *scriptFeed) reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.afters)
}

// syncLog is a log sink safe for the reader's goroutines.
type syncLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestChangeListenerFruitlessWakeups: a notifier that reports a change at
// every call, which the feed never shows, costs about one extra read per
// interval, not a read loop.
func TestChangeListenerFruitlessWakeups(t *testing.T) {
	feed := &scriptFeed{}
	feed.show(Change{Seq: 1, UserID: 1})
	n := &eagerNotifier{}
	var log syncLog
	pollerAuth(t, feed, n, &log)
	time.Sleep(time.Second)
	// Every 100ms: a timer read and at most one wake-up.
	if got := feed.reads(); got > 30 || got < 5 {
		t.Errorf("%d reads of the feed in 1s with a read every 100ms and a notifier always reporting a change; want about 20", got)
	}
	if n.calls.Load() == 0 {
		t.Error("the notifier was never asked")
	}
}

// TestChangeListenerFailingNotifier: a failing notifier is logged once,
// costs no extra reads (the feed is still read every interval), and its
// recovery is logged once.
func TestChangeListenerFailingNotifier(t *testing.T) {
	feed := &scriptFeed{}
	feed.show(Change{Seq: 1, UserID: 1})
	n := &eagerNotifier{}
	n.setErr(errors.New("bus: connection refused"))
	var log syncLog
	a := pollerAuth(t, feed, n, &log)
	time.Sleep(time.Second)
	if got := feed.reads(); got > 14 || got < 5 {
		t.Errorf("%d reads of the feed in 1s with a read every 100ms and a failing notifier; want about 10", got)
	}
	if c := strings.Count(log.String(), "change notifications failing"); c != 1 {
		t.Errorf("the failing notifier was logged %d times, want once:\n%s", c, log.String())
	}
	if !a.logins.feedFresh(a.logins.polled.Load()) {
		t.Error("the feed is not fresh while only the notifier fails")
	}
	n.setErr(nil)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(log.String(), "change notifications received again") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if c := strings.Count(log.String(), "change notifications received again"); c != 1 {
		t.Errorf("the recovery was logged %d times, want once:\n%s", c, log.String())
	}
}
