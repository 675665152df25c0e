package core_test

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core/mail"
)

// TestResetAnswersBeforeDelivery is T-RESET-02's latency half: with the
// default asynchronous delivery, a reset or resend-email request for an
// existing account answers while the mail server still holds the mail,
// with exactly the answer an unknown address gets, so the SMTP round trip
// cannot tell an attacker which addresses have accounts.
func TestResetAnswersBeforeDelivery(t *testing.T) {
	m := &heldMailer{release: make(chan struct{})}
	auth, logs := newMailAuth(t, m, false)
	t.Cleanup(func() { closeQuickly(auth) }) // on failure the mail is still held

	for _, c := range []struct{ path, known, unknown, want string }{
		{"password/reset/", "alice@example.com", "nobody@example.com", `{"detail":"Password reset e-mail has been sent."}`},
		{"registration/resend-email/", "bob@example.com", "nobody@example.com", `{"detail":"ok"}`},
	} {
		var known answer
		done := make(chan struct{})
		go func() {
			defer close(done)
			known = post(t, auth, c.path, fmt.Sprintf(`{"email":%q}`, c.known))
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s for an account waits for the mail server", c.path)
		}
		if known.status != http.StatusOK || known.body != c.want {
			t.Fatalf("%s for an account: %d %s", c.path, known.status, known.body)
		}
		unknown := post(t, auth, c.path, fmt.Sprintf(`{"email":%q}`, c.unknown))
		if !reflect.DeepEqual(known, unknown) {
			t.Errorf("%s: account %+v, unknown address %+v", c.path, known, unknown)
		}
	}
	if n := len(m.delivered()); n != 0 {
		t.Fatalf("%d mails delivered while the mail server held them: the requests waited for delivery", n)
	}

	close(m.release)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := auth.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	got := m.delivered()
	to := map[string]string{}
	for _, msg := range got {
		to[msg.Template] = msg.To
	}
	if len(got) != 2 || to[mail.TemplatePasswordReset] != "alice@example.com" || to[mail.TemplateEmailConfirmation] != "bob@example.com" {
		t.Fatalf("delivered %+v, want a reset mail to alice and a confirmation to bob", got)
	}
	if !strings.Contains(got[0].Text+got[1].Text, "https://app.example/password-reset/confirm/") {
		t.Error("the reset mail lost its link on the way through the queue")
	}
	if !strings.Contains(logs.String(), "restauth: mail queued") {
		t.Errorf("queued mail not logged:\n%s", logs)
	}
	// Mail asked for after Close is refused, logged, and the answer stays.
	if a := post(t, auth, "password/reset/", `{"email":"alice@example.com"}`); a.status != http.StatusOK {
		t.Errorf("reset after Close: %d %s", a.status, a.body)
	}
	if !strings.Contains(logs.String(), "queue closed") {
		t.Errorf("mail refused after Close not logged:\n%s", logs)
	}
}

// TestResetFloodFillsQueue: once the bounded queue is full, further reset
// requests for an existing account neither block nor change the answer;
// the dropped mail is logged without its link.
func TestResetFloodFillsQueue(t *testing.T) {
	m := &heldMailer{release: make(chan struct{})}
	auth, logs := newMailAuth(t, m, false)
	t.Cleanup(func() { closeQuickly(auth) })
	unknown := post(t, auth, "password/reset/", `{"email":"nobody@example.com"}`)
	// DefaultQueueWorkers deliveries in flight plus DefaultQueueCapacity
	// waiting; the next one finds the queue full.
	for i := range mail.DefaultQueueWorkers + mail.DefaultQueueCapacity + 1 {
		if i == mail.DefaultQueueWorkers {
			waitFor(t, func() bool { return m.started.Load() == mail.DefaultQueueWorkers })
		}
		if a := post(t, auth, "password/reset/", `{"email":"alice@example.com"}`); !reflect.DeepEqual(a, unknown) {
			t.Fatalf("request %d: %+v, want the unknown address's %+v", i, a, unknown)
		}
	}
	l := logs.String()
	if !strings.Contains(l, "sending mail failed") || !strings.Contains(l, "queue full") {
		t.Errorf("dropped mail not logged:\n%.2000s", l)
	}
	if strings.Contains(l, "password-reset/confirm") {
		t.Error("log contains a reset link")
	}
	close(m.release)
	if err := auth.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(m.delivered()); n != mail.DefaultQueueWorkers+mail.DefaultQueueCapacity {
		t.Errorf("%d delivered, want every accepted mail (%d)", n, mail.DefaultQueueWorkers+mail.DefaultQueueCapacity)
	}
}

// TestSynchronousMail: with Accounts.SynchronousMail the mail is in the
// outbox when the request returns, and Close has nothing to do.
func TestSynchronousMail(t *testing.T) {
	o := mail.NewOutbox()
	auth, _ := newMailAuth(t, o, true)
	if a := post(t, auth, "password/reset/", `{"email":"alice@example.com"}`); a.status != http.StatusOK {
		t.Fatalf("reset: %d %s", a.status, a.body)
	}
	if msg, ok := o.Last(); !ok || msg.To != "alice@example.com" {
		t.Fatalf("outbox after the request: %+v %v", msg, ok)
	}
	if err := auth.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	post(t, auth, "password/reset/", `{"email":"alice@example.com"}`)
	if n := len(o.Messages()); n != 2 {
		t.Errorf("%d mails after Close in synchronous mode, want 2 (Close stops nothing)", n)
	}
}
