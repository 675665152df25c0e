package core

import (
	"context"
	"errors"
)

// Close releases what the service runs in the background: it stops
// accepting account mail and events, and waits until the mail and events
// already accepted are delivered (to the Mailer and Config.OnEvent) or ctx
// ends (then the rest is dropped and the error wraps ctx.Err()); and it
// stops reading the store's change feed (ChangeFeed), after which logins
// are read again every Config.RevocationStaleness. Call it after the HTTP
// server has shut down, so no request still sends mail; httpserver.Run
// returns at that point. Close has nothing to do without a mail queue
// (Accounts.SynchronousMail, or no Mailer), without Config.OnEvent and
// without a change feed, and may be called more than once. Mail requested
// after Close is refused and logged; the answer to the client does not
// change.
func (a *Auth) Close(ctx context.Context) error {
	var mailErr, eventErr error
	if a.mailQueue != nil {
		mailErr = a.mailQueue.Close(ctx)
	}
	if a.events != nil {
		eventErr = a.events.close(ctx)
	}
	return errors.Join(mailErr, eventErr, a.stopChangePoller(ctx))
}
