package mail

import (
	"context"
	"slices"
	"sync"
)

// Outbox is an in-memory Mailer for tests and development pages. It
// validates messages exactly like SMTPMailer, so header-injection attempts
// fail the same way, and records the valid ones. It is safe for concurrent
// use. The zero value is not usable; call NewOutbox.
type Outbox struct {
	mu   sync.Mutex
	msgs []Message
	fail error
}

// NewOutbox returns an empty Outbox.
func NewOutbox() *Outbox {
	return &Outbox{}
}

// Send records msg. It fails with the validation error for an invalid
// message, with ctx.Err() when ctx has ended, and with the error set by
// FailWith while fail mode is on (nothing is recorded then).
func (o *Outbox) Send(ctx context.Context, msg Message) error {
	if _, err := msg.validate(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.fail != nil {
		return o.fail
	}
	o.msgs = append(o.msgs, msg)
	return nil
}

// FailWith turns fail mode on: every following Send returns err. A nil err
// turns fail mode off.
func (o *Outbox) FailWith(err error) {
	o.mu.Lock()
	o.fail = err
	o.mu.Unlock()
}

// Messages returns a copy of the recorded messages, oldest first.
func (o *Outbox) Messages() []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	return slices.Clone(o.msgs)
}

// Last returns the most recent message, and false when there is none.
func (o *Outbox) Last() (Message, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.msgs) == 0 {
		return Message{}, false
	}
	return o.msgs[len(o.msgs)-1], true
}

// Reset forgets the recorded messages. Fail mode is left as it is.
func (o *Outbox) Reset() {
	o.mu.Lock()
	o.msgs = nil
	o.mu.Unlock()
}
