package core

import (
	"context"
	"log/slog"
	"net/http"
)

// eventRequestKey holds, in a request's context, the request whose client
// IP the auth events of that context report.
type eventRequestKey struct{}

// withEventRequest lets logEvent find the client IP of r from ctx.
func withEventRequest(ctx context.Context, r *http.Request) context.Context {
	return context.WithValue(ctx, eventRequestKey{}, r)
}

// logEvent reports one auth event (T-OPS-04 in docs/threat-model.md) to
// its two consumers: the audit log, one structured record through Logger
// with the event type, its outcome, the user id when known and the client
// IP (as ClientIP decides it), plus extra attributes; and Config.OnEvent,
// off the request path. It fills in e.IP and e.Time. It never logs
// identifiers typed by the client or secrets: those stay out of extra
// too, and the User handed to OnEvent has no password hash.
func (a *Auth) logEvent(ctx context.Context, level slog.Level, msg string, e Event, extra ...slog.Attr) {
	attrs := make([]slog.Attr, 0, 4+len(extra))
	attrs = append(attrs, slog.String("event", string(e.Type)), slog.String("outcome", e.Outcome))
	if e.UserID == 0 && e.User != nil {
		e.UserID = e.User.ID
	}
	if e.UserID != 0 {
		attrs = append(attrs, slog.Int64("user_id", e.UserID))
	}
	if e.Provider != "" {
		attrs = append(attrs, slog.String("provider", e.Provider))
	}
	if r, ok := ctx.Value(eventRequestKey{}).(*http.Request); ok {
		e.IP = a.ClientIP(r)
		attrs = append(attrs, slog.String("ip", e.IP.String()))
	}
	a.cfg.Logger.LogAttrs(ctx, level, msg, append(attrs, extra...)...)
	if a.events != nil {
		e.Time = a.cfg.Now().UTC()
		if e.User != nil {
			u := *e.User
			u.PasswordHash = ""
			e.User = &u
		}
		a.events.publish(ctx, e)
	}
}
