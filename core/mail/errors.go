package mail

import "errors"

// Sentinel errors. Compare with errors.Is: returned errors wrap them with
// context (never with a message body).
var (
	// ErrInvalidAddress reports a To or From that is not exactly one valid
	// RFC 5322 address, or that contains CR, LF or NUL.
	ErrInvalidAddress = errors.New("mail: invalid address")

	// ErrInvalidHeader reports a header value (the Subject) that contains
	// CR, LF or NUL, or that cannot be written within RFC 5322 line limits.
	ErrInvalidHeader = errors.New("mail: invalid header value")

	// ErrEmptyBody reports a Message with neither a text nor an HTML body.
	ErrEmptyBody = errors.New("mail: empty message body")

	// ErrInvalidConfig reports an unusable SMTPConfig.
	ErrInvalidConfig = errors.New("mail: invalid configuration")

	// ErrUnknownTemplate reports a template name that is not defined.
	ErrUnknownTemplate = errors.New("mail: unknown template")

	// ErrInvalidTemplate reports a template that cannot be defined: a bad
	// name, an empty subject or text body, or a parse error.
	ErrInvalidTemplate = errors.New("mail: invalid template")

	// ErrSTARTTLSUnavailable reports a server that does not offer STARTTLS
	// although the configuration requires it ([SecurityStartTLS]). No
	// credentials and no message are sent in that case.
	ErrSTARTTLSUnavailable = errors.New("mail: server does not offer STARTTLS")

	// ErrDelivery wraps every failure while talking to the mail server
	// (dial, TLS, protocol errors, rejected sender or recipient, timeouts).
	// The cause is wrapped too: a context error when ctx ended, a
	// *textproto.Error for an SMTP reply, os.ErrDeadlineExceeded when
	// SMTPConfig.Timeout elapsed.
	ErrDelivery = errors.New("mail: delivery failed")

	// ErrQueueFull reports a Queue that already holds its capacity of
	// undelivered messages. The message was dropped; nothing blocks.
	ErrQueueFull = errors.New("mail: queue full")

	// ErrQueueClosed reports a Send on a Queue after Close.
	ErrQueueClosed = errors.New("mail: queue closed")
)
