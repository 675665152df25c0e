package mail_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/restauth/restauth/core/mail"
)

// ctxKey carries a request-scoped value through the queue.
type ctxKey struct{}

func TestQueueSendReturnsBeforeDelivery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := newGate(1)
		q := mail.NewQueue(gate)
		reqCtx, cancelReq := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "req-1"))
		if err := q.Send(reqCtx, resetMessage()); err != nil {
			t.Fatal(err)
		}
		cancelReq() // the request ends before the mail goes out
		<-gate.started
		if n := gate.delivered(); n != 0 {
			t.Fatalf("%d delivered while the mailer is blocked", n)
		}
		close(gate.release)
		if err := q.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := gate.delivered(); n != 1 {
			t.Fatalf("%d delivered after Close, want 1", n)
		}
		ctx := gate.ctxs[0]
		if ctx.Value(ctxKey{}) != "req-1" {
			t.Error("delivery context lost the request's values")
		}
		if ctx.Err() == nil {
			t.Error("delivery context still live after delivery")
		}
	})
}

func TestQueueDetachedFromRequestCancellation(t *testing.T) {
	o := mail.NewOutbox()
	q := mail.NewQueue(o)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := q.Send(ctx, resetMessage()); err != nil {
		t.Fatal(err)
	}
	if err := q.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(o.Messages()); n != 1 {
		t.Fatalf("%d delivered for a cancelled request, want 1", n)
	}
}

func TestQueueRejectsInvalidAtOnce(t *testing.T) {
	o := mail.NewOutbox()
	q := mail.NewQueue(o)
	m := resetMessage()
	m.To = "alice@example.org\r\nBcc: eve@evil.test"
	if err := q.Send(context.Background(), m); !errors.Is(err, mail.ErrInvalidAddress) {
		t.Errorf("injected To: %v, want ErrInvalidAddress", err)
	}
	m = resetMessage()
	m.Text = ""
	if err := q.Send(context.Background(), m); !errors.Is(err, mail.ErrEmptyBody) {
		t.Errorf("empty body: %v, want ErrEmptyBody", err)
	}
	if err := q.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(o.Messages()); n != 0 {
		t.Errorf("%d invalid messages delivered", n)
	}
}

func TestQueueConcurrent(t *testing.T) {
	o := mail.NewOutbox()
	q := mail.NewQueue(o, mail.WithWorkers(3), mail.WithCapacity(200))
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Go(func() {
			m := resetMessage()
			m.To = fmt.Sprintf("user%d@example.org", i)
			if err := q.Send(context.Background(), m); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := q.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range o.Messages() {
		seen[m.To] = true
	}
	if len(seen) != 100 {
		t.Fatalf("%d distinct recipients delivered, want 100", len(seen))
	}
}

func TestQueueFullDropsWithoutBlocking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := newGate(4)
		q := mail.NewQueue(gate, mail.WithWorkers(1), mail.WithCapacity(2))
		send := func() error { return q.Send(context.Background(), resetMessage()) }
		if err := send(); err != nil {
			t.Fatal(err)
		}
		<-gate.started // the only worker is busy
		for i := range 2 {
			if err := send(); err != nil {
				t.Fatalf("send %d into a queue with room: %v", i+2, err)
			}
		}
		start := time.Now()
		err := send()
		if !errors.Is(err, mail.ErrQueueFull) {
			t.Fatalf("send into a full queue: %v, want ErrQueueFull", err)
		}
		if d := time.Since(start); d != 0 {
			t.Errorf("a full queue blocked the caller for %v", d)
		}
		close(gate.release)
		if err := q.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n := gate.delivered(); n != 3 {
			t.Errorf("%d delivered, want the 3 accepted", n)
		}
	})
}

func TestQueueCloseDrains(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		gate := newGate(5)
		q := mail.NewQueue(gate, mail.WithWorkers(2))
		for range 5 {
			if err := q.Send(context.Background(), resetMessage()); err != nil {
				t.Fatal(err)
			}
		}
		go func() {
			time.Sleep(time.Second) // deliveries are slow
			close(gate.release)
		}()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := q.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if n := gate.delivered(); n != 5 {
			t.Errorf("Close returned with %d of 5 delivered", n)
		}
		if err := q.Send(context.Background(), resetMessage()); !errors.Is(err, mail.ErrQueueClosed) {
			t.Errorf("Send after Close: %v, want ErrQueueClosed", err)
		}
		if err := q.Close(ctx); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}

// TestQueueCloseDeadline also checks for leaked goroutines: synctest.Test
// fails if any goroutine started in the bubble is still blocked at the end.
func TestQueueCloseDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		gate := newGate(3) // never released: a mail server that hangs
		q := mail.NewQueue(gate, mail.WithWorkers(1), mail.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		for range 3 {
			if err := q.Send(context.Background(), resetMessage()); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err := q.Close(ctx)
		if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "2 messages undelivered") {
			t.Fatalf("Close past its deadline: %v", err)
		}
		synctest.Wait() // the cancelled worker exits
		if n := gate.delivered(); n != 0 {
			t.Errorf("%d delivered through a hanging mailer", n)
		}
		if !strings.Contains(logs.String(), "context canceled") {
			t.Errorf("cancelled delivery not logged: %s", logs.String())
		}
	})
}

func TestQueueTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var logs bytes.Buffer
		gate := newGate(1)
		q := mail.NewQueue(gate, mail.WithTimeout(10*time.Second), mail.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
		if err := q.Send(context.Background(), resetMessage()); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := q.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d != 10*time.Second {
			t.Errorf("hanging delivery given up after %v, want 10s", d)
		}
		if !strings.Contains(logs.String(), "deadline exceeded") {
			t.Errorf("timeout not logged: %s", logs.String())
		}
	})
}

func TestQueueLogsFailuresWithoutBody(t *testing.T) {
	for name, next := range map[string]mail.Mailer{
		"error": func() mail.Mailer {
			o := mail.NewOutbox()
			o.FailWith(errors.New("451 4.3.0 try again later"))
			return o
		}(),
		"panic": panicMailer{},
	} {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			q := mail.NewQueue(next, mail.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
			msg := resetMessage()
			msg.HTML = "<a href=https://example.com/reset/MQ/html-secret/>reset</a>"
			if err := q.Send(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			if err := q.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			l := logs.String()
			if !strings.Contains(l, "mail delivery failed") || !strings.Contains(l, "template=password_reset") || !strings.Contains(l, "to_domain=example.org") {
				t.Errorf("failure not logged with template and domain: %s", l)
			}
			if name == "error" && !strings.Contains(l, "try again later") {
				t.Errorf("failure logged without its cause: %s", l)
			}
			for _, secret := range []string{"secret-token", "html-secret", "alice", "Password Reset"} {
				if strings.Contains(l, secret) {
					t.Errorf("log leaks %q: %s", secret, l)
				}
			}
		})
	}
}
