// Package httpserver runs an http.Handler with the timeouts and limits an
// authentication server needs, and shuts it down gracefully. The starters
// use it; any app may.
package httpserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// New returns a server for handler on addr with conservative limits:
// ReadHeaderTimeout against slow-loris clients, read/write/idle timeouts,
// and a 64 KiB header cap (oversized Authorization or Cookie headers get
// 431 from net/http).
func New(addr string, handler http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}

// shutdownBudget is how long in-flight requests, and then the
// afterShutdown functions, get once the server is told to stop.
const shutdownBudget = 10 * time.Second

// Run listens on addr and serves handler until ctx is cancelled, then
// shuts down gracefully, giving in-flight requests up to 10 seconds.
// Once no request runs any more, it calls each afterShutdown function in
// order with a context of another 10 seconds, e.g. (*core.Auth).Close so
// account mail still queued is delivered before the process exits. It
// returns nil after a clean shutdown, else the errors joined.
func Run(ctx context.Context, addr string, handler http.Handler, logger *slog.Logger, afterShutdown ...func(context.Context) error) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return Serve(ctx, ln, handler, logger, afterShutdown...)
}

// Serve is Run on an existing listener (tests pass one on port 0).
func Serve(ctx context.Context, ln net.Listener, handler http.Handler, logger *slog.Logger, afterShutdown ...func(context.Context) error) error {
	return errors.Join(serve(ctx, ln, handler, logger), finish(afterShutdown))
}

// finish calls the afterShutdown functions within one shutdownBudget.
func finish(afterShutdown []func(context.Context) error) error {
	if len(afterShutdown) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownBudget)
	defer cancel()
	var errs []error
	for _, f := range afterShutdown {
		errs = append(errs, f(ctx))
	}
	return errors.Join(errs...)
}

// serve runs the server until ctx ends or it fails.
func serve(ctx context.Context, ln net.Listener, handler http.Handler, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.Default()
	}
	srv := New(ln.Addr().String(), handler)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening", "addr", "http://"+ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownBudget)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
