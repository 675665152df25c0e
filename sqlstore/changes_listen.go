package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/restauth/restauth/core"
)

var _ core.ChangeNotifier = (*Store)(nil)

// A Notifier is an optional Driver capability: notifications of committed
// changes (core.ChangeNotifier), so that instances read the change feed as
// soon as it changes rather than at their next poll. The PostgreSQL driver
// implements it with LISTEN/NOTIFY; a Store whose driver does not answers
// WaitChange with errors.ErrUnsupported and core only polls.
type Notifier interface {
	// Listen listens on channel with conn, a connection of the store's
	// pool taken for this alone: it calls listening once the database
	// listens, then notify with the payload of every notification, until
	// ctx ends or the connection fails, and returns the error that ended
	// it. The connection must not return to the pool listening: Listen
	// discards it. An error wrapping errors.ErrUnsupported (a pool of
	// another database/sql driver) makes the Store stop trying.
	Listen(ctx context.Context, conn *sql.Conn, channel string, listening func(), notify func(payload string)) error
}

// Reconnection delays of the listener: doubled after each failure, from
// listenRetryMin to listenRetryMax; polling covers the time in between.
const (
	listenRetryMin = time.Second
	listenRetryMax = 30 * time.Second
)

// changeListener holds the store's one listening connection, shared by
// every waiter (every core.Auth on the store), from the first WaitChange
// until Close.
type changeListener struct {
	mu          sync.Mutex
	notified    int64         // the highest Seq notified
	wake        chan struct{} // closed (and replaced) at each notification
	unsupported error         // set when the driver cannot listen on this pool

	cancel context.CancelFunc
	done   chan struct{}
}

// WaitChange implements core.ChangeNotifier: on PostgreSQL it returns when
// a notification of a change with a Seq above seq arrives (at once if one
// already did), and spuriously when the store starts or resumes listening
// (what was committed meanwhile was not notified). The listening
// connection is opened at the first call and held until Close: it is one
// of the pool's connections. Other databases return errors.ErrUnsupported.
func (s *Store) WaitChange(ctx context.Context, seq int64) error {
	l, err := s.changeListener()
	if err != nil {
		return err
	}
	l.mu.Lock()
	if l.unsupported != nil {
		l.mu.Unlock()
		return l.unsupported
	}
	if l.notified > seq {
		l.mu.Unlock()
		return nil
	}
	wake := l.wake
	l.mu.Unlock()
	select {
	case <-wake:
		l.mu.Lock()
		err := l.unsupported
		l.mu.Unlock()
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// changeListener returns the store's listener, started on first use.
func (s *Store) changeListener() (*changeListener, error) {
	n, ok := s.driver.(Notifier)
	if !ok {
		return nil, fmt.Errorf("sqlstore: %s: no change notifications: %w", s.dialect, errors.ErrUnsupported)
	}
	s.listenMu.Lock()
	defer s.listenMu.Unlock()
	if s.listenClosed {
		return nil, fmt.Errorf("sqlstore: change notifications: %w", errStoreClosed)
	}
	if s.listener == nil {
		ctx, cancel := context.WithCancel(context.Background())
		s.listener = &changeListener{wake: make(chan struct{}), cancel: cancel, done: make(chan struct{})}
		go s.listen(ctx, n, s.listener)
	}
	return s.listener, nil
}

// stopListener stops the listener, if any, and waits until its
// connection is released; WaitChange fails from then on.
func (s *Store) stopListener() {
	s.listenMu.Lock()
	l := s.listener
	s.listenClosed = true
	s.listenMu.Unlock()
	if l != nil {
		l.cancel()
		<-l.done
	}
}

// broadcast wakes every waiter, recording seq (0: unknown).
func (l *changeListener) broadcast(seq int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.notified = max(l.notified, seq)
	close(l.wake)
	l.wake = make(chan struct{})
}

// listen keeps a listening connection until ctx ends, reconnecting after
// failures.
func (s *Store) listen(ctx context.Context, n Notifier, l *changeListener) {
	defer close(l.done)
	delay := listenRetryMin
	for {
		listened, err := s.listenOnce(ctx, n, l)
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, errors.ErrUnsupported) {
			l.mu.Lock()
			l.unsupported = fmt.Errorf("sqlstore: change notifications: %w", err)
			l.mu.Unlock()
			l.broadcast(0)
			return
		}
		if listened {
			delay = listenRetryMin
		}
		l.broadcast(0) // notifications may be lost until listening again
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, listenRetryMax)
	}
}

// listenOnce takes a connection, finds the schema whose notifications
// concern the store, and listens until the connection fails or ctx ends.
// It reports whether it got to listen.
func (s *Store) listenOnce(ctx context.Context, n Notifier, l *changeListener) (bool, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var schema string
	if err := conn.QueryRowContext(ctx, pgChangesSchema).Scan(&schema); err != nil {
		return false, err
	}
	listened := false
	err = n.Listen(ctx, conn, changeChannel, func() {
		listened = true
		l.broadcast(0) // what committed before listening was not notified
	}, func(payload string) {
		// "<schema> <seq>" (migrations/postgres/0007_changes.sql); another
		// schema's changes are not ours.
		i := strings.LastIndexByte(payload, ' ')
		seq, err := strconv.ParseInt(payload[i+1:], 10, 64)
		switch {
		case i < 0 || err != nil:
			l.broadcast(0) // not ours to parse: wake anyway
		case schema == "" || payload[:i] == schema:
			l.broadcast(seq)
		}
	})
	return listened, err
}
