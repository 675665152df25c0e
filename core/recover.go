package core

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// errPanic stands for a recovered panic: answered as a generic 500.
var errPanic = errors.New("restauth: panic")

// recovered handles the value of recover() in restauth's own request
// code: nil stays nil; http.ErrAbortHandler is re-panicked (net/http's way
// to abort a response); anything else is logged with its stack, which goes
// to the server log only, and becomes errPanic (T-OPS-01 in
// docs/threat-model.md).
func (a *Auth) recovered(r *http.Request, v any) error {
	if v == nil {
		return nil
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	a.cfg.Logger.LogAttrs(r.Context(), slog.LevelError, "restauth: panic in handler",
		slog.String("path", r.URL.Path), slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
	return errPanic
}
