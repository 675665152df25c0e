package mail_test

import (
	"context"
	"sync"

	"github.com/restauth/restauth/core/mail"
)

// gateMailer blocks every Send until release is closed (or the delivery
// context ends), announcing each start on started, and records what it
// delivered.
type gateMailer struct {
	started chan mail.Message
	release chan struct{}

	mu   sync.Mutex
	sent []mail.Message
	ctxs []context.Context
}

// newGate returns a closed-gate mailer; started has room for n starts.
func newGate(n int) *gateMailer {
	return &gateMailer{started: make(chan mail.Message, n), release: make(chan struct{})}
}

// Send implements mail.Mailer.
func (g *gateMailer) Send(ctx context.Context, m mail.Message) error {
	g.started <- m
	select {
	case <-g.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sent = append(g.sent, m)
	g.ctxs = append(g.ctxs, ctx)
	return nil
}

// delivered returns how many messages went through.
func (g *gateMailer) delivered() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.sent)
}

// panicMailer panics with the message body, like a careless mailer might.
type panicMailer struct{}

// Send implements mail.Mailer.
func (panicMailer) Send(_ context.Context, m mail.Message) error { panic("cannot send " + m.Text) }
