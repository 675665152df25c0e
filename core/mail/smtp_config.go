package mail

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds a whole SMTP delivery (dial to QUIT) when
// SMTPConfig.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Security selects how an [SMTPMailer] protects the connection.
type Security int

const (
	// SecurityStartTLS (the zero value) requires STARTTLS: a server that
	// does not offer it is an ErrSTARTTLSUnavailable and nothing is sent.
	SecurityStartTLS Security = iota
	// SecurityImplicitTLS speaks TLS from the first byte (SMTPS, usually
	// port 465).
	SecurityImplicitTLS
	// SecurityNone never encrypts, even when the server offers STARTTLS.
	// Use it only for a local relay or a development mail catcher.
	SecurityNone
)

// String returns the name ParseSecurity accepts.
func (s Security) String() string {
	switch s {
	case SecurityStartTLS:
		return "starttls"
	case SecurityImplicitTLS:
		return "tls"
	case SecurityNone:
		return "none"
	}
	return "Security(" + strconv.Itoa(int(s)) + ")"
}

// ParseSecurity parses "starttls", "tls" (also "ssl", "smtps",
// "implicit") or "none", case-insensitively, for environment
// configuration.
func ParseSecurity(s string) (Security, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "starttls":
		return SecurityStartTLS, nil
	case "tls", "ssl", "smtps", "implicit":
		return SecurityImplicitTLS, nil
	case "none":
		return SecurityNone, nil
	}
	return 0, fmt.Errorf("%w: unknown security %q (want starttls, tls or none)", ErrInvalidConfig, s)
}

// SMTPConfig configures an [SMTPMailer].
type SMTPConfig struct {
	// Addr is the server as host:port. Required.
	Addr string
	// From is the envelope sender and the From header, e.g.
	// "restauth <no-reply@example.com>". Required; exactly one address.
	From string
	// Security selects plain, STARTTLS (the zero value, required) or
	// implicit TLS.
	Security Security
	// Username and Password enable AUTH PLAIN (net/smtp.PlainAuth). The
	// password is only ever sent over TLS, or in plain text to a server
	// whose Addr host is literally "localhost", "127.0.0.1" or "::1";
	// NewSMTP refuses credentials with SecurityNone for any other host.
	Username, Password string
	// TLSConfig is an optional base TLS configuration (e.g. RootCAs
	// trusting a test certificate). It is cloned; ServerName defaults to
	// the Addr host and MinVersion to TLS 1.2.
	TLSConfig *tls.Config
	// Timeout bounds the whole delivery: dial, TLS, and the conversation.
	// Zero means DefaultTimeout; a ctx deadline that comes first wins.
	Timeout time.Duration
	// HelloName is the EHLO/HELO name. Default "localhost".
	HelloName string
	// Logger receives one record per delivery with the template name and
	// the recipient's domain (never the body or the full address). Nil
	// disables logging.
	Logger *slog.Logger
}

// smtpSettings is a validated SMTPConfig.
type smtpSettings struct {
	addr, host string
	from       *mail.Address
	security   Security
	username   string
	password   string
	tls        *tls.Config
	timeout    time.Duration
	helloName  string
	logger     *slog.Logger
}

// validate checks c and fills in the defaults.
func (c SMTPConfig) validate() (*smtpSettings, error) {
	host, port, err := net.SplitHostPort(c.Addr)
	if err != nil || host == "" || hasBreak(c.Addr) {
		return nil, fmt.Errorf("%w: Addr %q is not host:port", ErrInvalidConfig, c.Addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("%w: Addr %q has an invalid port", ErrInvalidConfig, c.Addr)
	}
	if c.From == "" {
		return nil, fmt.Errorf("%w: From is required", ErrInvalidConfig)
	}
	from, err := parseAddress("From", c.From)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	switch c.Security {
	case SecurityStartTLS, SecurityImplicitTLS, SecurityNone:
	default:
		return nil, fmt.Errorf("%w: unknown Security %d", ErrInvalidConfig, int(c.Security))
	}
	if c.Password != "" && c.Username == "" {
		return nil, fmt.Errorf("%w: Password without Username", ErrInvalidConfig)
	}
	if c.Username != "" && c.Security == SecurityNone && !isLocalhost(host) {
		return nil, fmt.Errorf("%w: AUTH PLAIN over an unencrypted connection is only allowed to localhost", ErrInvalidConfig)
	}
	if c.Timeout < 0 {
		return nil, fmt.Errorf("%w: negative Timeout", ErrInvalidConfig)
	}
	s := &smtpSettings{
		addr:      c.Addr,
		host:      host,
		from:      from,
		security:  c.Security,
		username:  c.Username,
		password:  c.Password,
		timeout:   c.Timeout,
		helloName: c.HelloName,
		logger:    c.Logger,
	}
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	if s.helloName == "" {
		s.helloName = "localhost"
	}
	if strings.ContainsAny(s.helloName, " \t\r\n\x00") {
		return nil, fmt.Errorf("%w: HelloName contains white space or NUL", ErrInvalidConfig)
	}
	s.tls = &tls.Config{}
	if c.TLSConfig != nil {
		s.tls = c.TLSConfig.Clone()
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = host
	}
	if s.tls.MinVersion == 0 {
		s.tls.MinVersion = tls.VersionTLS12
	}
	return s, nil
}

// isLocalhost mirrors net/smtp's rule for plain-text AUTH PLAIN.
func isLocalhost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}
