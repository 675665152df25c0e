package authtest

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// resetSent is password/reset/'s answer, whatever happened to the mail.
const resetSent = `{"detail":"Password reset e-mail has been sent."}`

// resetFailingMailer is a Mailer that fails: with err after recording the
// message it was given (so a test can look for its link in the log), or,
// when delay is set, by blocking until the delay or the request ends.
type resetFailingMailer struct {
	err   error
	delay time.Duration
	mu    sync.Mutex
	got   []mail.Message
}

// fail sets how the following sends fail.
func (m *resetFailingMailer) fail(err error, delay time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.err, m.delay = err, delay
}

// Send implements mail.Mailer.
func (m *resetFailingMailer) Send(ctx context.Context, msg mail.Message) error {
	m.mu.Lock()
	m.got = append(m.got, msg)
	err, delay := m.err, m.delay
	m.mu.Unlock()
	if delay > 0 {
		timer := time.NewTimer(delay)
		defer timer.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			return context.DeadlineExceeded
		}
	}
	return err
}

// messages returns what Send was given.
func (m *resetFailingMailer) messages() []mail.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mail.Message(nil), m.got...)
}

// resetClock sets the server's clock.
func resetClock(clk *clock) func(*core.Config) {
	return func(c *core.Config) { c.Now = clk.Now }
}

// resetLink requests a reset for email (same origin, no credentials) and
// returns the uid and token of the mailed link to addr.
func resetLink(t *testing.T, e *env, outbox *mail.Outbox, email, addr string) (uid, token string) {
	t.Helper()
	e.do(t, http.MethodPost, e.path("password/reset/"), jsonObject("email", email)).wantJSON(t, http.StatusOK, resetSent)
	sub := lastLink(t, outbox, addr, resetLinkRe)
	e.secrets.add(sub[2])
	return sub[1], sub[2]
}

// resetConfirmBody is a password/reset/confirm/ body setting pw.
func resetConfirmBody(uid, token, pw string) string {
	return jsonObject("new_password1", pw, "new_password2", pw, "uid", uid, "token", token)
}

// Answers of password/reset/confirm/ for a bad link.
const (
	resetBadUID   = `{"uid":["Invalid value"]}`
	resetBadToken = `{"token":["Invalid value"]}`
)

// resetWantNoMailTo fails t if any mail in msgs mentions host.
func resetWantNoMailTo(t *testing.T, msgs []mail.Message, host string) {
	t.Helper()
	for _, m := range msgs {
		if strings.Contains(m.Text, host) || strings.Contains(m.HTML, host) {
			t.Errorf("mail to %s mentions %s:\n%s", m.To, host, m.Text)
		}
	}
}

// resetWantNotification checks msgs, the mails sent by one step of
// T-RESET-09: exactly one template mail to addr that carries no link and
// none of secrets, or no mail at all when template is "".
func resetWantNotification(t *testing.T, msgs []mail.Message, template, addr string, secrets ...string) {
	t.Helper()
	if template == "" {
		if len(msgs) != 0 {
			t.Errorf("%d mails sent, want none: %+v", len(msgs), msgs)
		}
		return
	}
	if len(msgs) != 1 || msgs[0].Template != template || msgs[0].To != addr {
		t.Fatalf("mails sent %+v, want one %s to %s", msgs, template, addr)
	}
	body := msgs[0].Subject + msgs[0].Text + msgs[0].HTML
	if strings.Contains(body, "://") {
		t.Errorf("%s carries a link:\n%s", template, msgs[0].Text)
	}
	for _, secret := range secrets {
		if strings.Contains(body, secret) {
			t.Errorf("%s carries a secret:\n%s", template, msgs[0].Text)
		}
	}
}
