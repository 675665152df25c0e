package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// readyPrefix starts the line a child prints on stdout once it listens;
// the rest of the line is a readyInfo in JSON.
const readyPrefix = "LOADTEST-READY "

// readyInfo is what a child tells its parent.
type readyInfo struct {
	Addr     string `json:"addr"`
	Username string `json:"username"`
	UserID   int64  `json:"user_id"`
}

// statsPath answers the child's own counters (the SQL pool's), for the
// report; it is served beside the app's routes.
const statsPath = "/_loadtest/stats"

// serveStats is the body of statsPath.
type serveStats struct {
	// PoolMaxIdleClosed counts SQL connections closed because the pool
	// kept too few idle ones (database/sql's MaxIdleClosed): each is a
	// connection opened again later.
	PoolMaxIdleClosed int64 `json:"pool_max_idle_closed"`
	PoolOpen          int   `json:"pool_open"`
}

// hashPath times one password check inside the server, through the
// app's own policy (limiter included): the "one hash" login latency is
// compared with.
const hashPath = "/_loadtest/hash"

// hashStats is the body of hashPath.
type hashStats struct {
	HashNanos int64 `json:"hash_ns"`
}

// handleHash serves hashPath with a hash made at startup.
func handleHash(ctx context.Context, mux *http.ServeMux, app *fixture.App) error {
	policy := app.Auth.Config().Passwords
	encoded, err := policy.Make(ctx, fixture.Password)
	if err != nil {
		return err
	}
	mux.HandleFunc("GET "+hashPath, func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ok, _, err := policy.Check(r.Context(), fixture.Password, encoded)
		elapsed := time.Since(start)
		if err != nil || !ok {
			http.Error(w, "hash check failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(hashStats{HashNanos: elapsed.Nanoseconds()})
	})
	return nil
}

// serve is the child process: it builds the named app (on the PostgreSQL
// database the harness passes in postgresEnv, if the app needs one),
// listens on a free port of 127.0.0.1, reports it on stdout and serves
// until it is told to
// stop (SIGINT, SIGTERM), its parent goes away (stdin closes) or maxLife
// passes. With cpuProfile it writes a CPU profile of its whole life there.
func serve(name string, maxLife time.Duration, cpuProfile string) error {
	spec, err := serverSpec(name, os.Getenv)
	if err != nil {
		return err
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, maxLife)
	defer cancel()
	go func() {
		// The parent holds our stdin open; EOF means it is gone.
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()

	app, err := fixture.Build(ctx, spec)
	if err != nil {
		return err
	}
	defer app.Close()

	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/", app.Handler)
	mux.HandleFunc("GET "+statsPath, func(w http.ResponseWriter, _ *http.Request) {
		var st serveStats
		if app.SQL != nil {
			s := app.SQL.DB().Stats()
			st.PoolMaxIdleClosed, st.PoolOpen = s.MaxIdleClosed, s.OpenConnections
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(st)
	})
	if app.Auth != nil {
		if err := handleHash(ctx, mux, app); err != nil {
			return err
		}
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	info, _ := json.Marshal(readyInfo{Addr: ln.Addr().String(), Username: app.Username, UserID: app.UserID})
	fmt.Println(readyPrefix + string(info))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancelShutdown := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancelShutdown()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
