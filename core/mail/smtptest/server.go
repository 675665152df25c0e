package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"slices"
	"sync"
	"testing"
	"time"
)

// Server is a running test SMTP server. Its methods are safe for concurrent
// use.
type Server struct {
	cfg       config
	ln        net.Listener
	serverTLS *tls.Config // nil without TLS
	roots     *x509.CertPool
	done      chan struct{}
	wg        sync.WaitGroup

	mu          sync.Mutex
	closed      bool
	conns       map[net.Conn]struct{}
	connections int
	msgs        []Received
	changed     chan struct{} // closed and replaced when msgs grows
}

// NewServer starts a server on 127.0.0.1 at a free port and registers its
// shutdown with t.Cleanup. Invalid options fail the test.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.startTLS && cfg.implicitTLS {
		t.Fatalf("smtptest: WithTLS and WithImplicitTLS are exclusive")
	}
	if cfg.failRcpt != 0 && (cfg.failRcpt < 400 || cfg.failRcpt > 599) {
		t.Fatalf("smtptest: WithFailRcpt(%d): want a 4xx or 5xx code", cfg.failRcpt)
	}
	if cfg.delay < 0 {
		t.Fatalf("smtptest: WithDelay(%v): negative", cfg.delay)
	}
	s := &Server{
		cfg:     cfg,
		done:    make(chan struct{}),
		conns:   map[net.Conn]struct{}{},
		changed: make(chan struct{}),
	}
	if cfg.startTLS || cfg.implicitTLS {
		cert, roots, err := selfSigned()
		if err != nil {
			t.Fatalf("smtptest: certificate: %v", err)
		}
		s.serverTLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.roots = roots
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.ln = ln
	s.wg.Add(1)
	go s.acceptLoop()
	t.Cleanup(s.close)
	return s
}

// Addr returns the listening address, "127.0.0.1:port".
func (s *Server) Addr() string {
	return s.ln.Addr().String()
}

// TLSConfig returns a new client configuration that trusts the server's
// self-signed certificate (RootCAs) with ServerName "127.0.0.1". It is nil
// when the server has no TLS option.
func (s *Server) TLSConfig() *tls.Config {
	if s.roots == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.roots, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// Messages returns the messages accepted so far, oldest first. Treat the
// returned values as read-only.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.msgs)
}

// WaitForMessages waits until at least n messages have been accepted or
// timeout passes, and returns the messages accepted by then (possibly
// fewer than n: check the length).
func (s *Server) WaitForMessages(n int, timeout time.Duration) []Received {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if len(s.msgs) >= n {
			defer s.mu.Unlock()
			return slices.Clone(s.msgs)
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-timer.C:
			return s.Messages()
		case <-s.done:
			return s.Messages()
		}
	}
}

// Connections returns how many connections the server has accepted, so a
// test can assert that a client made no network I/O at all.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// acceptLoop serves each connection in its own goroutine until closed.
func (s *Server) acceptLoop() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return // listener closed
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.conns[conn] = struct{}{}
		s.connections++
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.forget(conn)
			newSession(s, conn).serve()
		}()
	}
}

// forget closes conn and stops tracking it.
func (s *Server) forget(conn net.Conn) {
	conn.Close()
	s.mu.Lock()
	delete(s.conns, conn)
	s.mu.Unlock()
}

// record stores an accepted message and wakes WaitForMessages.
func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// close stops the server and waits for every goroutine.
func (s *Server) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}
