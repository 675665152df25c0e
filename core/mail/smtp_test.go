package mail_test

import (
	"context"
	"errors"
	"log/slog"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/mail/smtptest"
)

const testFrom = "restauth <no-reply@example.com>"

// newMailer returns an SMTPMailer for srv; mod adjusts the config.
func newMailer(t *testing.T, srv *smtptest.Server, mod func(*mail.SMTPConfig)) *mail.SMTPMailer {
	t.Helper()
	c := mail.SMTPConfig{
		Addr:      srv.Addr(),
		From:      testFrom,
		Security:  mail.SecurityNone,
		TLSConfig: srv.TLSConfig(),
		Timeout:   2 * time.Second,
	}
	if mod != nil {
		mod(&c)
	}
	m, err := mail.NewSMTP(c)
	if err != nil {
		t.Fatalf("NewSMTP: %v", err)
	}
	return m
}

// resetMessage is a typical message carrying a secret link.
func resetMessage() mail.Message {
	return mail.Message{
		To:       "alice@example.org",
		Subject:  "[example.com] Password Reset E-mail",
		Text:     "Reset here: https://example.com/reset/MQ/secret-token/\n",
		Template: mail.TemplatePasswordReset,
	}
}

// one waits for exactly one message.
func one(t *testing.T, srv *smtptest.Server) smtptest.Received {
	t.Helper()
	msgs := srv.WaitForMessages(1, time.Second)
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	if msgs[0].ParseErr != nil {
		t.Fatalf("server could not parse the message: %v\n%s", msgs[0].ParseErr, msgs[0].Data)
	}
	return msgs[0]
}

func TestSMTPPlain(t *testing.T) {
	srv := smtptest.NewServer(t)
	m := newMailer(t, srv, func(c *mail.SMTPConfig) { c.HelloName = "app.example.com" })
	msg := resetMessage()
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := one(t, srv)
	if got.TLS {
		t.Error("plain send arrived over TLS")
	}
	if got.From != "no-reply@example.com" {
		t.Errorf("envelope from = %q", got.From)
	}
	if len(got.To) != 1 || got.To[0] != "alice@example.org" {
		t.Errorf("envelope to = %q", got.To)
	}
	if got.Helo != "app.example.com" {
		t.Errorf("helo = %q", got.Helo)
	}
	if got.Subject != msg.Subject || got.Body != msg.Text {
		t.Errorf("subject %q body %q", got.Subject, got.Body)
	}
	h := got.Header
	if h.Get("From") != `"restauth" <no-reply@example.com>` || h.Get("To") != "<alice@example.org>" {
		t.Errorf("From %q To %q", h.Get("From"), h.Get("To"))
	}
	if h.Get("MIME-Version") != "1.0" || h.Get("Content-Transfer-Encoding") != "quoted-printable" ||
		h.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Errorf("MIME headers: %v", h)
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("Date: %v", err)
	}
	if id := h.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@example.com>") {
		t.Errorf("Message-ID = %q", id)
	}
	for _, line := range strings.SplitAfter(string(got.Data), "\n") {
		if line != "" && !strings.HasSuffix(line, "\r\n") {
			t.Fatalf("line without CRLF: %q", line)
		}
		if len(line) > 78+2 {
			t.Errorf("line longer than 78: %q", line)
		}
	}
}

func TestSMTPMessageIDsDiffer(t *testing.T) {
	srv := smtptest.NewServer(t)
	m := newMailer(t, srv, nil)
	for range 2 {
		if err := m.Send(context.Background(), resetMessage()); err != nil {
			t.Fatal(err)
		}
	}
	msgs := srv.WaitForMessages(2, time.Second)
	if len(msgs) != 2 || msgs[0].Header.Get("Message-ID") == msgs[1].Header.Get("Message-ID") {
		t.Fatalf("Message-IDs not unique: %d messages", len(msgs))
	}
}

func TestSMTPStartTLS(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithTLS())
	m := newMailer(t, srv, func(c *mail.SMTPConfig) { c.Security = mail.SecurityStartTLS })
	if err := m.Send(context.Background(), resetMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := one(t, srv); !got.TLS {
		t.Error("server did not see TLS")
	}
}

func TestSMTPStartTLSRequiredButNotOffered(t *testing.T) {
	srv := smtptest.NewServer(t) // no STARTTLS
	m := newMailer(t, srv, func(c *mail.SMTPConfig) { c.Security = mail.SecurityStartTLS })
	err := m.Send(context.Background(), resetMessage())
	if !errors.Is(err, mail.ErrSTARTTLSUnavailable) || !errors.Is(err, mail.ErrDelivery) {
		t.Fatalf("err = %v, want ErrSTARTTLSUnavailable and ErrDelivery", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server got %d messages in the clear", n)
	}
}

func TestSMTPStartTLSUntrustedCert(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithTLS())
	m := newMailer(t, srv, func(c *mail.SMTPConfig) {
		c.Security = mail.SecurityStartTLS
		c.TLSConfig = nil // system roots do not trust the test certificate
	})
	if err := m.Send(context.Background(), resetMessage()); !errors.Is(err, mail.ErrDelivery) {
		t.Fatalf("err = %v, want ErrDelivery", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server got %d messages", n)
	}
}

func TestSMTPSecurityNoneNeverUpgrades(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithTLS())
	m := newMailer(t, srv, nil) // SecurityNone
	if err := m.Send(context.Background(), resetMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if one(t, srv).TLS {
		t.Error("SecurityNone upgraded to TLS")
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithImplicitTLS())
	m := newMailer(t, srv, func(c *mail.SMTPConfig) { c.Security = mail.SecurityImplicitTLS })
	if err := m.Send(context.Background(), resetMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if !one(t, srv).TLS {
		t.Error("server did not see TLS")
	}
}

func TestSMTPAuth(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithTLS(), smtptest.WithAuth("mailer", "s3cret"))
	m := newMailer(t, srv, func(c *mail.SMTPConfig) {
		c.Security = mail.SecurityStartTLS
		c.Username, c.Password = "mailer", "s3cret"
	})
	if err := m.Send(context.Background(), resetMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := one(t, srv)
	if got.AuthUser != "mailer" || !got.TLS {
		t.Errorf("auth user %q, TLS %v", got.AuthUser, got.TLS)
	}
}

func TestSMTPAuthPlainLocalhostWithoutTLS(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithAuth("mailer", "s3cret"))
	m := newMailer(t, srv, func(c *mail.SMTPConfig) { c.Username, c.Password = "mailer", "s3cret" })
	if err := m.Send(context.Background(), resetMessage()); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got := one(t, srv); got.AuthUser != "mailer" {
		t.Errorf("auth user %q", got.AuthUser)
	}
}

func TestSMTPAuthWrongPassword(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithTLS(), smtptest.WithAuth("mailer", "s3cret"))
	m := newMailer(t, srv, func(c *mail.SMTPConfig) {
		c.Security = mail.SecurityStartTLS
		c.Username, c.Password = "mailer", "wrong"
	})
	err := m.Send(context.Background(), resetMessage())
	var tpErr *textproto.Error
	if !errors.Is(err, mail.ErrDelivery) || !errors.As(err, &tpErr) || tpErr.Code != 535 {
		t.Fatalf("err = %v, want ErrDelivery wrapping a 535", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error leaks the password: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server got %d messages", n)
	}
}

func TestSMTPRcptRefused(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithFailRcpt(550))
	m := newMailer(t, srv, nil)
	msg := resetMessage()
	err := m.Send(context.Background(), msg)
	var tpErr *textproto.Error
	if !errors.Is(err, mail.ErrDelivery) || !errors.As(err, &tpErr) || tpErr.Code != 550 {
		t.Fatalf("err = %v, want ErrDelivery wrapping a 550", err)
	}
	if !strings.Contains(err.Error(), "RCPT") {
		t.Errorf("error does not name the stage: %v", err)
	}
	if strings.Contains(err.Error(), "secret-token") || strings.Contains(err.Error(), "Reset here") {
		t.Errorf("error contains the body: %v", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server got %d messages", n)
	}
}

func TestSMTPTimeoutFromConfig(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithDelay(time.Second))
	m := newMailer(t, srv, func(c *mail.SMTPConfig) { c.Timeout = 100 * time.Millisecond })
	start := time.Now()
	err := m.Send(context.Background(), resetMessage())
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("Send took %v, want about 100ms", el)
	}
	if !errors.Is(err, mail.ErrDelivery) || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want ErrDelivery and os.ErrDeadlineExceeded", err)
	}
}

func TestSMTPContextDeadline(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithDelay(time.Second))
	m := newMailer(t, srv, func(c *mail.SMTPConfig) { c.Timeout = 10 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := m.Send(ctx, resetMessage())
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("Send took %v, want about 100ms", el)
	}
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, mail.ErrDelivery) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestSMTPContextCancel(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithDelay(time.Second))
	m := newMailer(t, srv, nil)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	err := m.Send(ctx, resetMessage())
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("Send took %v after cancel", el)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestSMTPContextAlreadyDone(t *testing.T) {
	srv := smtptest.NewServer(t)
	m := newMailer(t, srv, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Send(ctx, resetMessage()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if n := srv.Connections(); n != 0 {
		t.Fatalf("dialled %d times with a cancelled ctx", n)
	}
}

func TestSMTPNonASCII(t *testing.T) {
	srv := smtptest.NewServer(t)
	m := newMailer(t, srv, func(c *mail.SMTPConfig) { c.From = "Équipe restauth <no-reply@example.com>" })
	msg := mail.Message{
		To:      "Zoë Ünal <zoe@example.org>",
		Subject: "[exämple.com] Réinitialisation du mot de passe — 密码重置 🔑 " + strings.Repeat("très long ", 12),
		Text:    "Bonjour Zoë,\n\nClique ici : https://example.com/reset/MQ/tok/ — merci ✓\n.\n..leading dots\nTrailing space \n",
	}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := one(t, srv)
	if got.Subject != msg.Subject {
		t.Errorf("subject\n got %q\nwant %q", got.Subject, msg.Subject)
	}
	if got.Body != msg.Text {
		t.Errorf("body\n got %q\nwant %q", got.Body, msg.Text)
	}
	if len(got.Header["Subject"]) != 1 {
		t.Errorf("Subject headers: %q", got.Header["Subject"])
	}
	from, err := got.Header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Équipe restauth" {
		t.Errorf("From = %v, %v", from, err)
	}
	to, err := got.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "Zoë Ünal" || to[0].Address != "zoe@example.org" {
		t.Errorf("To = %v, %v", to, err)
	}
	for i, b := range got.Data {
		if b >= 0x80 {
			t.Fatalf("8-bit byte at %d: the message should be 7-bit", i)
		}
	}
}

func TestSMTPHTMLAlternative(t *testing.T) {
	srv := smtptest.NewServer(t)
	m := newMailer(t, srv, nil)
	msg := resetMessage()
	msg.HTML = "<p>Reset <a href=\"https://example.com/reset/MQ/secret-token/\">here</a> — ok</p>\n"
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := one(t, srv)
	if !strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/alternative;") {
		t.Errorf("Content-Type = %q", got.Header.Get("Content-Type"))
	}
	if got.Body != msg.Text || got.HTML != msg.HTML {
		t.Errorf("body %q html %q", got.Body, got.HTML)
	}
	if strings.Index(string(got.Data), "text/plain") > strings.Index(string(got.Data), "text/html") {
		t.Error("text/html must come last (preferred alternative)")
	}
}

func TestSMTPHTMLOnly(t *testing.T) {
	srv := smtptest.NewServer(t)
	m := newMailer(t, srv, nil)
	msg := mail.Message{To: "a@example.org", Subject: "s", HTML: "<p>hi</p>\n"}
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatalf("Send: %v", err)
	}
	got := one(t, srv)
	if got.Header.Get("Content-Type") != "text/html; charset=utf-8" || got.HTML != msg.HTML {
		t.Errorf("Content-Type %q html %q", got.Header.Get("Content-Type"), got.HTML)
	}
}

func TestSMTPConcurrentSends(t *testing.T) {
	srv := smtptest.NewServer(t)
	m := newMailer(t, srv, nil)
	errs := make(chan error, 8)
	for range 8 {
		go func() { errs <- m.Send(context.Background(), resetMessage()) }()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.WaitForMessages(8, time.Second)); n != 8 {
		t.Fatalf("got %d messages", n)
	}
}

func TestNewSMTPValidation(t *testing.T) {
	ok := mail.SMTPConfig{Addr: "smtp.example.com:587", From: "no-reply@example.com"}
	tests := []struct {
		name string
		mod  func(*mail.SMTPConfig)
		want error
	}{
		{"no addr", func(c *mail.SMTPConfig) { c.Addr = "" }, mail.ErrInvalidConfig},
		{"no port", func(c *mail.SMTPConfig) { c.Addr = "smtp.example.com" }, mail.ErrInvalidConfig},
		{"bad port", func(c *mail.SMTPConfig) { c.Addr = "smtp.example.com:0" }, mail.ErrInvalidConfig},
		{"no host", func(c *mail.SMTPConfig) { c.Addr = ":25" }, mail.ErrInvalidConfig},
		{"no from", func(c *mail.SMTPConfig) { c.From = "" }, mail.ErrInvalidConfig},
		{"bad from", func(c *mail.SMTPConfig) { c.From = "not an address" }, mail.ErrInvalidAddress},
		{"two froms", func(c *mail.SMTPConfig) { c.From = "a@example.com, b@example.com" }, mail.ErrInvalidAddress},
		{"from with CRLF", func(c *mail.SMTPConfig) { c.From = "a@example.com\r\nBcc: x@evil.test" }, mail.ErrInvalidAddress},
		{"bad security", func(c *mail.SMTPConfig) { c.Security = 7 }, mail.ErrInvalidConfig},
		{"password only", func(c *mail.SMTPConfig) { c.Password = "p" }, mail.ErrInvalidConfig},
		{"plain auth remote", func(c *mail.SMTPConfig) { c.Username, c.Security = "u", mail.SecurityNone }, mail.ErrInvalidConfig},
		{"negative timeout", func(c *mail.SMTPConfig) { c.Timeout = -1 }, mail.ErrInvalidConfig},
		{"bad hello", func(c *mail.SMTPConfig) { c.HelloName = "a\r\nRCPT TO:<x@evil.test>" }, mail.ErrInvalidConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.mod(&c)
			if _, err := mail.NewSMTP(c); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if _, err := mail.NewSMTP(ok); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	local := mail.SMTPConfig{Addr: "localhost:1025", From: "a@example.com", Security: mail.SecurityNone, Username: "u", Password: "p"}
	if _, err := mail.NewSMTP(local); err != nil {
		t.Fatalf("plain auth to localhost: %v", err)
	}
}

func TestParseSecurity(t *testing.T) {
	for in, want := range map[string]mail.Security{
		"starttls": mail.SecurityStartTLS, "TLS": mail.SecurityImplicitTLS,
		"ssl": mail.SecurityImplicitTLS, " none ": mail.SecurityNone,
	} {
		got, err := mail.ParseSecurity(in)
		if err != nil || got != want {
			t.Errorf("ParseSecurity(%q) = %v, %v", in, got, err)
		}
		if again, _ := mail.ParseSecurity(got.String()); again != got {
			t.Errorf("String round trip of %v", got)
		}
	}
	if _, err := mail.ParseSecurity("maybe"); !errors.Is(err, mail.ErrInvalidConfig) {
		t.Errorf("err = %v", err)
	}
}

func TestSMTPLogsNoSecrets(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	ok := smtptest.NewServer(t)
	refuse := smtptest.NewServer(t, smtptest.WithFailRcpt(550))
	for _, srv := range []*smtptest.Server{ok, refuse} {
		m := newMailer(t, srv, func(c *mail.SMTPConfig) { c.Logger = logger })
		_ = m.Send(context.Background(), resetMessage())
	}
	l := logs.String()
	if strings.Count(l, "template=password_reset") != 2 || strings.Count(l, "to_domain=example.org") != 2 {
		t.Errorf("logs lack template or domain:\n%s", l)
	}
	if !strings.Contains(l, "level=INFO") || !strings.Contains(l, "level=WARN") {
		t.Errorf("want one INFO and one WARN record:\n%s", l)
	}
	for _, secret := range []string{"secret-token", "Reset here", "alice", "Password Reset"} {
		if strings.Contains(l, secret) {
			t.Errorf("logs contain %q:\n%s", secret, l)
		}
	}
}
