package smtptest

import (
	"crypto/subtle"
	"errors"
	"io"
	"slices"
	"sync"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// Replies of the backend's own rules; the SMTP engine answers the rest.
var (
	errAuthRequired = &gosmtp.SMTPError{Code: 530, EnhancedCode: gosmtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	errNestedMail   = &gosmtp.SMTPError{Code: 503, EnhancedCode: gosmtp.EnhancedCode{5, 5, 1}, Message: "Sender already specified"}
	errBareLineEnd  = &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 6, 11}, Message: "Bare CR or LF in message text"}
	errLineTooLong  = &gosmtp.SMTPError{Code: 554, EnhancedCode: gosmtp.EnhancedCode{5, 6, 0}, Message: "Message line too long"}
)

// backend records every message the engine accepts into srv.
type backend struct{ srv *Server }

// NewSession starts a session at EHLO/HELO; the engine starts another
// after STARTTLS, so the TLS state holds for the session's lifetime.
func (b backend) NewSession(c *gosmtp.Conn) (gosmtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{srv: b.srv, conn: c, tls: isTLS, helo: c.Hostname()}, nil
}

// session is one client's state between EHLO and QUIT (or STARTTLS). The
// engine calls Data from another goroutine for BDAT, hence the mutex.
type session struct {
	srv  *Server
	conn *gosmtp.Conn
	tls  bool

	mu       sync.Mutex
	helo     string
	authUser string // "" until AUTH succeeds
	inTx     bool
	from     string
	rcpts    []string
}

var _ gosmtp.AuthSession = (*session)(nil)

// AuthMechanisms offers PLAIN with WithAuth; the engine advertises it only
// where AUTH is allowed (TLS, or a server without TLS).
func (s *session) AuthMechanisms() []string {
	if !s.srv.cfg.auth {
		return nil
	}
	return []string{sasl.Plain}
}

// Auth checks AUTH PLAIN against the WithAuth credentials. An
// authorization identity other than the user is refused.
func (s *session) Auth(mech string) (sasl.Server, error) {
	cfg := s.srv.cfg
	if !cfg.auth {
		return nil, gosmtp.ErrAuthUnsupported
	}
	if mech != sasl.Plain {
		return nil, gosmtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		userOK := subtle.ConstantTimeCompare([]byte(user), []byte(cfg.authUser)) == 1
		passOK := subtle.ConstantTimeCompare([]byte(pass), []byte(cfg.authPass)) == 1
		if !userOK || !passOK || (identity != "" && identity != user) {
			return gosmtp.ErrAuthFailed
		}
		s.mu.Lock()
		s.authUser = user
		s.mu.Unlock()
		return nil
	}), nil
}

// Mail starts a transaction; with WithAuth only after AUTH.
func (s *session) Mail(from string, _ *gosmtp.MailOptions) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.srv.cfg.auth && s.authUser == "":
		return errAuthRequired
	case s.inTx:
		return errNestedMail
	}
	s.inTx, s.from = true, from
	return nil
}

// Rcpt adds a recipient, or refuses every one with WithFailRcpt.
func (s *session) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if code := s.srv.cfg.failRcpt; code != 0 {
		if code < 500 {
			return &gosmtp.SMTPError{Code: code, EnhancedCode: gosmtp.EnhancedCode{4, 2, 0}, Message: "Mailbox temporarily unavailable"}
		}
		return &gosmtp.SMTPError{Code: code, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "Mailbox unavailable"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rcpts = append(s.rcpts, to)
	return nil
}

// Data reads the message (the engine has undone the dot-stuffing and
// stopped at CRLF.CRLF), refuses bare CR or LF, and records it.
func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	switch {
	case errors.Is(err, gosmtp.ErrTooLongLine):
		return errLineTooLong
	case err != nil: // the size limit is already an SMTP reply
		return err
	case bareLineEnd(data):
		return errBareLineEnd
	}
	s.mu.Lock()
	rec := Received{From: s.from, To: slices.Clone(s.rcpts), Data: data, TLS: s.tls, AuthUser: s.authUser, Helo: s.helo}
	s.mu.Unlock()
	rec.parse()
	s.srv.record(rec)
	return nil
}

// Reset ends the transaction (RSET, EHLO again, after DATA). The EHLO name
// is read again here: a second EHLO keeps the session.
func (s *session) Reset() {
	helo := s.conn.Hostname()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inTx, s.from, s.rcpts = false, "", nil
	s.helo = helo
}

// Logout has nothing to free.
func (s *session) Logout() error { return nil }

// bareLineEnd reports a CR not followed by LF or an LF not preceded by CR:
// where client and server split lines differently, a message can smuggle
// a second one (SMTP smuggling), so the test server refuses both.
func bareLineEnd(data []byte) bool {
	for i, b := range data {
		switch {
		case b == '\r' && (i+1 == len(data) || data[i+1] != '\n'):
			return true
		case b == '\n' && (i == 0 || data[i-1] != '\r'):
			return true
		}
	}
	return false
}
