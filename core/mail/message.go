package mail

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
)

// Message is one mail to one recipient.
type Message struct {
	// To is the single recipient address, e.g. "alice@example.com" or
	// "Alice <alice@example.com>". Callers pass the address stored for the
	// account, not one taken from the request.
	To string
	// Subject is the subject line. It must not contain CR, LF or NUL;
	// non-ASCII text is RFC 2047 encoded.
	Subject string
	// Text is the text/plain body.
	Text string
	// HTML is an optional text/html alternative of Text.
	HTML string
	// Template optionally names the template the message was rendered from.
	// It is never sent; mailers log it (with the recipient's domain) instead
	// of the body, which carries secrets.
	Template string
}

// Mailer delivers messages. Implementations are safe for concurrent use.
type Mailer interface {
	// Send delivers m or returns an error. It honours ctx: when ctx is
	// cancelled or its deadline passes, Send stops and returns an error
	// wrapping ctx.Err(). Invalid messages are rejected before any I/O with
	// ErrInvalidAddress, ErrInvalidHeader or ErrEmptyBody.
	Send(ctx context.Context, m Message) error
}

// Validate checks m without sending it: To is exactly one valid address,
// To and Subject contain no CR, LF or NUL, and a body is present.
func (m Message) Validate() error {
	_, err := m.validate()
	return err
}

// validate checks m and returns the parsed recipient.
func (m Message) validate() (*mail.Address, error) {
	to, err := parseAddress("To", m.To)
	if err != nil {
		return nil, err
	}
	if err := checkHeaderValue("Subject", m.Subject); err != nil {
		return nil, err
	}
	if m.Text == "" && m.HTML == "" {
		return nil, ErrEmptyBody
	}
	return to, nil
}

// parseAddress parses exactly one address for the header field, refusing
// line breaks and NUL anywhere, also inside a decoded display name.
func parseAddress(field, s string) (*mail.Address, error) {
	if hasBreak(s) {
		return nil, fmt.Errorf("%w: %s contains CR, LF or NUL", ErrInvalidAddress, field)
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrInvalidAddress, field, err)
	}
	if hasBreak(a.Name) || hasBreak(a.Address) {
		return nil, fmt.Errorf("%w: %s contains CR, LF or NUL", ErrInvalidAddress, field)
	}
	if !strings.Contains(a.Address, "@") {
		return nil, fmt.Errorf("%w: %s has no domain", ErrInvalidAddress, field)
	}
	return a, nil
}

// checkHeaderValue refuses a header value that could end its line.
func checkHeaderValue(field, v string) error {
	if hasBreak(v) {
		return fmt.Errorf("%w: %s contains CR, LF or NUL", ErrInvalidHeader, field)
	}
	return nil
}

// hasBreak reports whether s contains CR, LF or NUL.
func hasBreak(s string) bool {
	return strings.ContainsAny(s, "\r\n\x00")
}

// envelopeAddress is the SMTP path form of a (local@domain, local part
// quoted when needed), without the display name.
func envelopeAddress(a *mail.Address) string {
	s := (&mail.Address{Address: a.Address}).String()
	return strings.TrimSuffix(strings.TrimPrefix(s, "<"), ">")
}

// domainOf returns the domain of an address, for logging and Message-IDs.
// It returns "" when there is none.
func domainOf(addr string) string {
	at := strings.LastIndex(addr, "@")
	if at < 0 {
		return ""
	}
	return addr[at+1:]
}
