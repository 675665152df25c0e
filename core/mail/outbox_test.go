package mail_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/restauth/restauth/core/mail"
)

func TestOutbox(t *testing.T) {
	o := mail.NewOutbox()
	if _, ok := o.Last(); ok {
		t.Fatal("Last on an empty outbox")
	}
	ctx := context.Background()
	a, b := resetMessage(), resetMessage()
	b.To = "bob@example.org"
	for _, m := range []mail.Message{a, b} {
		if err := o.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if msgs := o.Messages(); len(msgs) != 2 || msgs[0].To != a.To || msgs[1].To != b.To {
		t.Fatalf("Messages = %+v", msgs)
	}
	if last, ok := o.Last(); !ok || last.To != b.To {
		t.Fatalf("Last = %+v, %v", last, ok)
	}
	// Messages returns a copy.
	o.Messages()[0].To = "changed"
	if o.Messages()[0].To != a.To {
		t.Fatal("Messages exposes internal state")
	}
	o.Reset()
	if len(o.Messages()) != 0 {
		t.Fatal("Reset kept messages")
	}
}

func TestOutboxFailMode(t *testing.T) {
	o := mail.NewOutbox()
	boom := errors.New("smtp down")
	o.FailWith(boom)
	if err := o.Send(context.Background(), resetMessage()); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if len(o.Messages()) != 0 {
		t.Fatal("a failed send was recorded")
	}
	o.Reset() // does not leave fail mode
	if err := o.Send(context.Background(), resetMessage()); !errors.Is(err, boom) {
		t.Fatalf("after Reset: err = %v", err)
	}
	o.FailWith(nil)
	if err := o.Send(context.Background(), resetMessage()); err != nil {
		t.Fatalf("after FailWith(nil): %v", err)
	}
}

func TestOutboxContext(t *testing.T) {
	o := mail.NewOutbox()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := o.Send(ctx, resetMessage()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestOutboxConcurrent(t *testing.T) {
	o := mail.NewOutbox()
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			_ = o.Send(context.Background(), resetMessage())
			o.Last()
			o.Messages()
		})
	}
	wg.Wait()
	if n := len(o.Messages()); n != 16 {
		t.Fatalf("got %d messages", n)
	}
}
