package smtptest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// Protocol limits, advertised or enforced by the SMTP engine.
const (
	// maxLine is the longest line, commands and message text alike,
	// including CRLF and a stuffed leading dot (RFC 5321 4.5.3.1.6).
	// Longer input ends the connection.
	maxLine         = 1000 + 1
	maxMessageBytes = 10 << 20 // SIZE advertised in EHLO
	maxRecipients   = 100      // RFC 5321 4.5.3.1.8
	shutdownTime    = 10 * time.Second
)

// Server is a running test SMTP server. Its methods are safe for concurrent
// use.
type Server struct {
	cfg    config
	engine *gosmtp.Server
	ln     *listener
	roots  *x509.CertPool
	done   chan struct{} // closed when the server closes
	served chan struct{} // closed when the accept loop has returned

	mu      sync.Mutex
	closed  bool
	msgs    []Received
	changed chan struct{} // closed and replaced when msgs grows
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
		served:  make(chan struct{}),
		changed: make(chan struct{}),
	}
	var serverTLS *tls.Config
	if cfg.startTLS || cfg.implicitTLS {
		cert, roots, err := selfSigned()
		if err != nil {
			t.Fatalf("smtptest: certificate: %v", err)
		}
		serverTLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		s.roots = roots
	}

	e := gosmtp.NewServer(backend{srv: s})
	e.Domain = "127.0.0.1"
	e.MaxLineLength = maxLine
	e.MaxMessageBytes = maxMessageBytes
	e.MaxRecipients = maxRecipients
	e.EnableSMTPUTF8 = true
	// AUTH over a plain connection only where the server has no TLS to
	// offer; with WithTLS it waits for STARTTLS, as on a submission server.
	e.AllowInsecureAuth = !cfg.startTLS
	if cfg.startTLS {
		e.TLSConfig = serverTLS
	}
	e.ErrorLog = testLogger{t}
	s.engine = e

	ln, err := listen(cfg.delay, s.done)
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.ln = ln
	var serve net.Listener = ln
	if cfg.implicitTLS {
		serve = tls.NewListener(serve, serverTLS)
	}
	go func() {
		defer close(s.served)
		_ = e.Serve(serve) // returns when the listener closes
	}()
	t.Cleanup(func() { s.close(t) })
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
	return s.ln.accepted()
}

// record stores an accepted message and wakes WaitForMessages.
func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// close stops the server and waits for every goroutine it started. The
// order matters: the accept loop must have returned before Shutdown waits
// for the connection goroutines, and the connections must be closed for
// those to return.
func (s *Server) close(t testing.TB) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done) // cuts WithDelay waits short
	s.mu.Unlock()

	s.ln.shut()
	<-s.served
	ctx, cancel := context.WithTimeout(context.Background(), shutdownTime)
	defer cancel()
	if err := s.engine.Shutdown(ctx); errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("smtptest: connections still open %v after close", shutdownTime)
	}
}

// testLogger sends the SMTP engine's error log to the test log (shown with
// -v or on failure). Every goroutine that logs ends before the test does.
type testLogger struct{ t testing.TB }

func (l testLogger) Printf(format string, v ...any) { l.t.Logf("smtptest: "+format, v...) }
func (l testLogger) Println(v ...any)               { l.t.Log(append([]any{"smtptest:"}, v...)...) }
