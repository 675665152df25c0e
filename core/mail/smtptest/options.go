package smtptest

import "time"

// Option configures a Server.
type Option func(*config)

// config is the server configuration built from Options.
type config struct {
	startTLS    bool
	implicitTLS bool
	authUser    string
	authPass    string
	auth        bool
	failRcpt    int
	delay       time.Duration
}

// WithTLS offers STARTTLS with a self-signed certificate generated at start
// (see Server.TLSConfig). With WithAuth, AUTH is then only offered and
// accepted after STARTTLS, as on a real submission server.
func WithTLS() Option {
	return func(c *config) { c.startTLS = true }
}

// WithImplicitTLS makes the server speak TLS from the first byte (SMTPS).
func WithImplicitTLS() Option {
	return func(c *config) { c.implicitTLS = true }
}

// WithAuth requires AUTH PLAIN with these credentials before MAIL. AUTH is
// advertised on TLS connections, and also on plain ones when the server
// offers no TLS at all (to test clients that authenticate to localhost
// without TLS).
func WithAuth(user, pass string) Option {
	return func(c *config) { c.auth, c.authUser, c.authPass = true, user, pass }
}

// WithFailRcpt answers every RCPT with code (400..599), e.g. 550.
func WithFailRcpt(code int) Option {
	return func(c *config) { c.failRcpt = code }
}

// WithDelay waits d before every reply, the greeting included (a slow
// server for timeout tests); replies to commands that arrive pipelined in
// one read share one wait. Closing the server cuts the wait short.
func WithDelay(d time.Duration) Option {
	return func(c *config) { c.delay = d }
}
