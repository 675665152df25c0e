package core

import "context"

// Close releases what the service runs in the background: it stops
// accepting account mail and waits until the mail already accepted is
// delivered or ctx ends (then the rest is dropped and the error wraps
// ctx.Err()). Call it after the HTTP server has shut down, so no request
// still sends mail; httpserver.Run returns at that point. Close is a no-op
// with Accounts.SynchronousMail or without a Mailer, and may be called
// more than once. Mail requested after Close is refused and logged; the
// answer to the client does not change.
func (a *Auth) Close(ctx context.Context) error {
	if a.mailQueue == nil {
		return nil
	}
	return a.mailQueue.Close(ctx)
}
