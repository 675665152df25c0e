package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"os"
	"time"
)

// SMTPMailer delivers messages to an SMTP server, one connection per
// message (no pooling). It is safe for concurrent use.
type SMTPMailer struct {
	s *smtpSettings
}

// NewSMTP validates c and returns a mailer. Errors wrap ErrInvalidConfig
// (and ErrInvalidAddress for a bad From). No connection is made.
func NewSMTP(c SMTPConfig) (*SMTPMailer, error) {
	s, err := c.validate()
	if err != nil {
		return nil, err
	}
	return &SMTPMailer{s: s}, nil
}

// Send validates msg, renders it (quoted-printable, multipart/alternative
// when HTML is set) and delivers it to the single recipient msg.To.
//
// Invalid messages fail before any network I/O. Delivery errors wrap
// ErrDelivery and the cause; they name the SMTP stage that failed and never
// contain the body. Send gives up when ctx ends (the error then wraps
// ctx.Err()) or when SMTPConfig.Timeout elapses (it wraps
// os.ErrDeadlineExceeded); the connection is closed either way.
func (m *SMTPMailer) Send(ctx context.Context, msg Message) error {
	to, err := msg.validate()
	if err != nil {
		return err
	}
	raw, err := buildMessage(m.s.from, to, msg, time.Now(), quotedPrintable)
	if err != nil {
		return err
	}
	err = m.deliver(ctx, envelopeAddress(to), raw)
	logDelivery(ctx, m.s.logger, "smtp", msg, to, err)
	return err
}

// deliver runs one SMTP transaction under the combined deadline.
func (m *SMTPMailer) deliver(ctx context.Context, rcpt string, raw []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrDelivery, err)
	}
	deadline := time.Now().Add(m.s.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	dialer := net.Dialer{Deadline: deadline}
	conn, err := dialer.DialContext(ctx, "tcp", m.s.addr)
	if err != nil {
		return m.fail(ctx, "dial", err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return m.fail(ctx, "dial", err)
	}
	// Cancellation closes the connection, which unblocks any read or write.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()

	if stage, err := m.converse(ctx, conn, rcpt, raw); err != nil {
		return m.fail(ctx, stage, err)
	}
	return nil
}

// converse speaks SMTP on conn. It returns the failing stage and error.
func (m *SMTPMailer) converse(ctx context.Context, conn net.Conn, rcpt string, raw []byte) (string, error) {
	if m.s.security == SecurityImplicitTLS {
		tc := tls.Client(conn, m.s.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return "TLS handshake", err
		}
		conn = tc
	}
	c, err := smtp.NewClient(conn, m.s.host)
	if err != nil {
		return "greeting", err
	}
	defer c.Close()
	if err := c.Hello(m.s.helloName); err != nil {
		return "EHLO", err
	}
	if m.s.security == SecurityStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return "STARTTLS", ErrSTARTTLSUnavailable
		}
		if err := c.StartTLS(m.s.tls); err != nil {
			return "STARTTLS", err
		}
	}
	if m.s.username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.s.username, m.s.password, m.s.host)); err != nil {
			return "AUTH", err
		}
	}
	if err := c.Mail(envelopeAddress(m.s.from)); err != nil {
		return "MAIL FROM", err
	}
	if err := c.Rcpt(rcpt); err != nil {
		return "RCPT TO", err
	}
	w, err := c.Data()
	if err != nil {
		return "DATA", err
	}
	if _, err := w.Write(raw); err != nil {
		return "DATA", err
	}
	if err := w.Close(); err != nil {
		return "DATA", err
	}
	// The message is accepted once DATA is answered; a failed QUIT does
	// not undo that.
	_ = c.Quit()
	return "", nil
}

// fail wraps err with ErrDelivery and the stage; when ctx has ended the
// context error replaces the network error it caused.
func (m *SMTPMailer) fail(ctx context.Context, stage string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = ctxErr
	} else if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) && errors.Is(err, os.ErrDeadlineExceeded) {
		// The connection deadline fired at the ctx deadline, just before
		// ctx noticed.
		err = context.DeadlineExceeded
	}
	return fmt.Errorf("%w: %s: %w", ErrDelivery, stage, err)
}
