package mail_test

// T-ID-08 (docs/threat-model.md): CR/LF in addresses and in user-controlled
// values rendered into the subject. golang/go#21159: header construction is
// the caller's job, so the mailers refuse line breaks before any network
// I/O.

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/mail/smtptest"
)

func TestInjectionRejectedBeforeNetwork(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*mail.Message)
		want error
	}{
		{"To CRLF Bcc", func(m *mail.Message) { m.To = "a@b.com\r\nBcc: x@evil.test" }, mail.ErrInvalidAddress},
		{"To LF", func(m *mail.Message) { m.To = "a@b.com\nBcc: x@evil.test" }, mail.ErrInvalidAddress},
		{"To CR", func(m *mail.Message) { m.To = "a@b.com\rBcc: x@evil.test" }, mail.ErrInvalidAddress},
		{"To NUL", func(m *mail.Message) { m.To = "a@b.com\x00" }, mail.ErrInvalidAddress},
		{"To two addresses", func(m *mail.Message) { m.To = "a@b.com, x@evil.test" }, mail.ErrInvalidAddress},
		{"To group of two", func(m *mail.Message) { m.To = "g: a@b.com, x@evil.test;" }, mail.ErrInvalidAddress},
		{"To SMTP command", func(m *mail.Message) { m.To = "a@b.com>\r\nRCPT TO:<x@evil.test" }, mail.ErrInvalidAddress},
		{"To encoded name with CRLF", func(m *mail.Message) { m.To = "=?utf-8?q?x=0D=0ABcc:_x@evil.test?= <a@b.com>" }, mail.ErrInvalidAddress},
		{"To empty", func(m *mail.Message) { m.To = "" }, mail.ErrInvalidAddress},
		{"To garbage", func(m *mail.Message) { m.To = "not an address" }, mail.ErrInvalidAddress},
		{"Subject CRLF", func(m *mail.Message) { m.Subject = "Hi\r\nBcc: x@evil.test" }, mail.ErrInvalidHeader},
		{"Subject LF", func(m *mail.Message) { m.Subject = "Hi\nBcc: x@evil.test" }, mail.ErrInvalidHeader},
		{"Subject NUL", func(m *mail.Message) { m.Subject = "Hi\x00" }, mail.ErrInvalidHeader},
		{"no body", func(m *mail.Message) { m.Text = "" }, mail.ErrEmptyBody},
	}
	srv := smtptest.NewServer(t)
	m := newMailer(t, srv, nil)
	outbox := mail.NewOutbox()
	var console strings.Builder
	mailers := map[string]mail.Mailer{"smtp": m, "outbox": outbox, "console": mail.NewConsole(&console, nil)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := resetMessage()
			tt.mod(&msg)
			if err := msg.Validate(); !errors.Is(err, tt.want) {
				t.Errorf("Validate: err = %v, want %v", err, tt.want)
			}
			for name, mailer := range mailers {
				if err := mailer.Send(context.Background(), msg); !errors.Is(err, tt.want) {
					t.Errorf("%s: err = %v, want %v", name, err, tt.want)
				}
			}
		})
	}
	if n := srv.Connections(); n != 0 {
		t.Errorf("the SMTP server saw %d connections, want 0", n)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("the SMTP server got %d messages, want 0", n)
	}
	if n := len(outbox.Messages()); n != 0 {
		t.Errorf("the outbox got %d messages, want 0", n)
	}
	if console.Len() != 0 {
		t.Errorf("the console printed %q", console.String())
	}
}

func TestInjectionFromRejectedBeforeNetwork(t *testing.T) {
	srv := smtptest.NewServer(t)
	for _, from := range []string{"a@example.com\r\nBcc: x@evil.test", "a@example.com\n", "=?utf-8?q?x=0ABcc:_y?= <a@example.com>"} {
		_, err := mail.NewSMTP(mail.SMTPConfig{Addr: srv.Addr(), From: from, Security: mail.SecurityNone})
		if !errors.Is(err, mail.ErrInvalidAddress) || !errors.Is(err, mail.ErrInvalidConfig) {
			t.Errorf("From %q: err = %v", from, err)
		}
	}
	if n := srv.Connections(); n != 0 {
		t.Errorf("the SMTP server saw %d connections, want 0", n)
	}
}

func TestInjectionFirstNameInSubject(t *testing.T) {
	tpl := mail.DefaultTemplates()
	if err := tpl.Override("welcome", "Welcome {{.FirstName}}!", "Hello {{.FirstName}}\n", ""); err != nil {
		t.Fatal(err)
	}
	data := mail.Data{FirstName: "Mallory\r\nBcc: x@evil.test\r\n\r\nInjected body"}
	msg, err := tpl.Message("welcome", "victim@example.org", data)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(msg.Subject, "\r\n") {
		t.Fatalf("rendered subject has a line break: %q", msg.Subject)
	}

	srv := smtptest.NewServer(t)
	if err := newMailer(t, srv, nil).Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := one(t, srv)
	if len(got.To) != 1 || got.To[0] != "victim@example.org" {
		t.Errorf("envelope recipients = %q, want exactly the victim", got.To)
	}
	if _, ok := got.Header["Bcc"]; ok {
		t.Errorf("injected Bcc header: %q", got.Header["Bcc"])
	}
	if len(got.Header["Subject"]) != 1 {
		t.Errorf("Subject headers = %q", got.Header["Subject"])
	}
	if got.Subject != "Welcome Mallory Bcc: x@evil.test Injected body!" {
		t.Errorf("subject = %q", got.Subject)
	}
	// The header section ends at the first empty line; the subject's text
	// must stay on the Subject line.
	head, _, _ := strings.Cut(string(got.Data), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(line, "Bcc") || strings.HasPrefix(line, "Injected") {
			t.Errorf("injected header line %q", line)
		}
	}
}

func TestEnvelopeRecipientIsParsedAddress(t *testing.T) {
	srv := smtptest.NewServer(t)
	m := newMailer(t, srv, nil)
	msg := resetMessage()
	msg.To = `"Alice <evil@x.test>" <alice@example.org>`
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := one(t, srv)
	if len(got.To) != 1 || got.To[0] != "alice@example.org" {
		t.Errorf("envelope recipients = %q", got.To)
	}
	to, err := got.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "alice@example.org" {
		t.Errorf("To header = %v, %v", to, err)
	}
}
