package mail

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/mail"
	"os"
	"sync"
	"time"
)

// ConsoleFrom is the From address of messages printed by a [ConsoleMailer]
// (Django's DEFAULT_FROM_EMAIL default).
const ConsoleFrom = "webmaster@localhost"

// ConsoleMailer writes every message, fully rendered, to a writer. It is
// meant for development: the output contains the bodies, hence the secret
// links, so never point it at a shared log in production. Bodies are
// written 8bit (not quoted-printable) with LF line endings so links stay
// copyable. It is safe for concurrent use; messages never interleave.
type ConsoleMailer struct {
	mu     sync.Mutex
	w      io.Writer
	logger *slog.Logger
	from   *mail.Address
}

// NewConsole returns a ConsoleMailer writing to w (os.Stdout when nil).
// logger receives the template name and recipient domain of each message;
// nil disables logging.
func NewConsole(w io.Writer, logger *slog.Logger) *ConsoleMailer {
	if w == nil {
		w = os.Stdout
	}
	return &ConsoleMailer{w: w, logger: logger, from: &mail.Address{Address: ConsoleFrom}}
}

// Send validates msg like every Mailer and writes it followed by a
// separator line. It returns ctx.Err() when ctx has already ended.
func (c *ConsoleMailer) Send(ctx context.Context, msg Message) error {
	to, err := msg.validate()
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	raw, err := buildMessage(c.from, to, msg, time.Now(), eightBit)
	if err != nil {
		return err
	}
	raw = bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))
	raw = append(raw, "-------------------------------------------------------------------------------\n"...)

	c.mu.Lock()
	_, err = c.w.Write(raw)
	c.mu.Unlock()
	if err != nil {
		err = fmt.Errorf("mail: console write: %w", err)
	}
	logDelivery(ctx, c.logger, "console", msg, to, err)
	return err
}
