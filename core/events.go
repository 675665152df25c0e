package core

import (
	"context"
	"log/slog"
	"net/http"
)

// Outcomes of auth events.
const (
	outcomeSuccess = "success"
	outcomeFailure = "failure"
)

// eventRequestKey holds, in a request's context, the request whose client
// IP the auth events of that context report.
type eventRequestKey struct{}

// withEventRequest lets logEvent find the client IP of r from ctx.
func withEventRequest(ctx context.Context, r *http.Request) context.Context {
	return context.WithValue(ctx, eventRequestKey{}, r)
}

// logEvent emits one structured auth event (T-OPS-04 in
// docs/threat-model.md): the event name, its outcome, the user id when
// known and the client IP (as ClientIP decides it), plus extra attributes.
// It never logs identifiers typed by the client or secrets: those stay out
// of extra too.
func (a *Auth) logEvent(ctx context.Context, level slog.Level, msg, event, outcome string, userID int64, extra ...slog.Attr) {
	attrs := make([]slog.Attr, 0, 4+len(extra))
	attrs = append(attrs, slog.String("event", event), slog.String("outcome", outcome))
	if userID != 0 {
		attrs = append(attrs, slog.Int64("user_id", userID))
	}
	if r, ok := ctx.Value(eventRequestKey{}).(*http.Request); ok {
		attrs = append(attrs, slog.String("ip", a.ClientIP(r).String()))
	}
	a.cfg.Logger.LogAttrs(ctx, level, msg, append(attrs, extra...)...)
}
