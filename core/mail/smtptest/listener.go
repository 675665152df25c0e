package smtptest

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// listener is the loopback listener under the SMTP engine. It counts and
// tracks accepted connections so that close can cut them, and wraps each
// in a slowConn for WithDelay.
type listener struct {
	net.Listener
	delay time.Duration
	done  <-chan struct{}

	mu     sync.Mutex
	closed bool
	conns  map[net.Conn]struct{}
	count  int
}

// listen opens 127.0.0.1 at a free port.
func listen(delay time.Duration, done <-chan struct{}) (*listener, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &listener{Listener: ln, delay: delay, done: done, conns: map[net.Conn]struct{}{}}, nil
}

// Accept tracks the next connection; after shut it refuses.
func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		c.Close()
		return nil, net.ErrClosed
	}
	l.conns[c] = struct{}{}
	l.count++
	tc := &trackedConn{Conn: c, l: l}
	if l.delay > 0 {
		sc := &slowConn{trackedConn: tc, delay: l.delay, done: l.done}
		sc.replyDue.Store(true) // the greeting
		return sc, nil
	}
	return tc, nil
}

// Close closes the listening socket once; the engine's Shutdown calls it
// again after shut.
func (l *listener) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closeLocked()
}

func (l *listener) closeLocked() error {
	if l.closed {
		return nil
	}
	l.closed = true
	return l.Listener.Close()
}

// shut stops accepting and closes every open connection.
func (l *listener) shut() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closeLocked()
	for c := range l.conns {
		c.Close()
	}
}

// accepted is the number of connections accepted so far.
func (l *listener) accepted() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count
}

// forget stops tracking c.
func (l *listener) forget(c net.Conn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
}

// trackedConn leaves the listener's set when closed.
type trackedConn struct {
	net.Conn
	l *listener
}

func (c *trackedConn) Close() error {
	c.l.forget(c.Conn)
	return c.Conn.Close()
}

// slowConn waits before the first write that follows a read (and before
// the greeting): one wait per reply, since a reply is written only after
// the client has said something. Closing the server cuts the wait short.
type slowConn struct {
	*trackedConn
	delay    time.Duration
	done     <-chan struct{}
	replyDue atomic.Bool
}

func (c *slowConn) Read(b []byte) (int, error) {
	n, err := c.trackedConn.Read(b)
	if n > 0 {
		c.replyDue.Store(true)
	}
	return n, err
}

func (c *slowConn) Write(b []byte) (int, error) {
	if c.replyDue.Swap(false) {
		t := time.NewTimer(c.delay)
		select {
		case <-t.C:
		case <-c.done:
			t.Stop()
			return 0, net.ErrClosed
		}
	}
	return c.trackedConn.Write(b)
}
