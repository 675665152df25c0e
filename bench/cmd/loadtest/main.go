// Command loadtest measures restauth under HTTP load, in one run:
//
//	go run ./cmd/loadtest                            # from bench/: every scenario, about 4 minutes
//	go run ./cmd/loadtest -rounds 3                  # every GET row 3 times, interleaved; medians (BENCHMARKS.md's run)
//	go run ./cmd/loadtest -duration 1s -warmup 200ms # every scenario once, under a minute: a check that it runs
//	go run ./cmd/loadtest -run 'gin|flood'           # only the rows whose name matches
//	go run ./cmd/loadtest -profile /tmp/prof         # also a CPU profile of every server process
//	go run ./cmd/loadtest -list                      # the scenarios and their servers
//
// Every server is a separate process (this binary re-executed with
// -serve=NAME) listening on a free port of 127.0.0.1: a bare Gin and a
// bare Echo handler returning {"message":"hello"} (the limits), the same
// route behind restauth's middleware in JWT, token and session modes,
// GET /api/auth/user/ on SQLite and PostgreSQL next to a bare handler
// running the same single-row query, and a production-cost login server.
// This process is the load generator: per row it keeps -c keep-alive
// connections busy (closed loop) for a -warmup and then for -duration, at
// most -max-requests requests per phase, and prints a Markdown table of
// requests/s, p50, p99, server and generator CPU per request and the
// ratio to the row's baseline (the median of per-round ratios). With -pin
// (the default on Linux with 2+ CPUs) the generator runs on CPU 0 and the
// GET rows' servers on the other CPUs, so those ratios are server-only.
// Then come a login-latency series (one
// connection, each login followed by one password check timed inside the
// same server, for -rounds × -duration), a login flood per round (-flood
// connections logging in at production cost while -flood-readers read
// user/, against a fresh server whose peak RSS is read from
// /proc/PID/status VmHWM) and the verdict on each target.
//
// PostgreSQL rows run when -postgres, RESTAUTH_BENCH_POSTGRES_URL or
// RESTAUTH_TEST_POSTGRES_URL (the first set) names a database on this
// machine (loopback or a socket); otherwise they are reported as skipped.
// Likewise the row whose sessions live in Redis (redisstore; users on
// SQLite) needs -redis, RESTAUTH_BENCH_REDIS_URL or
// RESTAUTH_TEST_REDIS_URL; its keys carry a per-run prefix and are
// deleted when its server stops.
//
// The "2 instances" rows serve restauth's default JWT mode from two
// server processes sharing one database (one SQLite file, or the
// PostgreSQL database), one SECRET_KEY and the bench account; the
// generator spreads its connections over the two round-robin, as a load
// balancer would, and the row's server CPU is the two processes' summed.
// Pinned, both share the servers' CPUs, so the row gets the same CPU as
// the one-instance row; on a busy machine two processes win more of a
// contested CPU than one, so read such a run by its CPU column.
//
// The JWT rows are also compared with the peer of their framework, the
// JWT middleware an application would use instead of restauth:
// appleboy/gin-jwt on Gin and labstack/echo-jwt on Echo, serving the same
// route and JSON behind an HS256 bearer token of the same size, measured
// in the same rounds. Before any load every row is requested once and
// must answer 200 (and the hello JSON), or it is skipped.
//
// The harness stops by itself; it stops its servers on exit and on
// SIGINT/SIGTERM, and the kernel signals them if it dies (Linux
// PR_SET_PDEATHSIG, SIGTERM); a server also exits when its stdin (held by
// the harness) closes, or after -serve-max. All traffic goes to 127.0.0.1;
// login floods come from many loopback source addresses (127.10.x.y)
// because restauth throttles logins per client IP.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	var (
		cfg       config
		pattern   string
		serveArg  string
		serveCPU  string
		serveCPUs string
		list      bool
	)
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "measured time per row, per flood, and per round of the login series")
	fs.DurationVar(&cfg.warmup, "warmup", time.Second, "warm-up per row, not measured")
	fs.IntVar(&cfg.conns, "c", 50, "keep-alive connections per GET row")
	fs.IntVar(&cfg.rounds, "rounds", 1, "measure every GET row this many times, interleaved (the table shows medians), and run as many floods")
	fs.Int64Var(&cfg.maxRequests, "max-requests", 2_000_000, "upper bound of requests per phase (a safety net besides -duration)")
	fs.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "per-request timeout of the GET rows")
	fs.IntVar(&cfg.floodLogins, "flood", 200, "connections logging in during the login flood")
	fs.IntVar(&cfg.floodReaders, "flood-readers", 10, "connections reading user/ during the login flood")
	fs.StringVar(&pattern, "run", "", "regular expression selecting rows by name (default all)")
	fs.BoolVar(&list, "list", false, "list the scenarios and exit")
	var pg string
	fs.StringVar(&pg, "postgres", "", "PostgreSQL database of the PostgreSQL rows, on this machine (default $"+postgresEnv+", else $"+testPostgresEnv+"; without any the rows are skipped)")
	var rd string
	fs.StringVar(&rd, "redis", "", "Redis server of the rows whose sessions live in Redis, on this machine (default $"+redisEnv+", else $"+testRedisEnv+"; without any the rows are skipped)")
	fs.StringVar(&cfg.profileDir, "profile", "", "write a CPU profile of every server process into this directory (NAME.cpu.pprof; go tool pprof it)")
	fs.StringVar(&serveArg, "serve", "", "internal: serve the named app (a child process of the harness)")
	fs.DurationVar(&cfg.serveMax, "serve-max", 30*time.Minute, "internal: a server's maximum lifetime")
	fs.StringVar(&serveCPU, "serve-cpuprofile", "", "internal: the server's CPU profile file")
	fs.StringVar(&serveCPUs, "serve-cpus", "", "internal: the CPUs the server pins itself to")
	fs.BoolVar(&cfg.pin, "pin", pinSupported() && runtime.NumCPU() >= 2,
		"while the GET rows run, pin the load generator to CPU 0 and their servers to the other CPUs, so that the two do not take each other's time slices (Linux, 2+ CPUs)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./cmd/loadtest [flags]\n\nMeasures restauth under load against separate server processes on 127.0.0.1.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if serveArg != "" {
		if serveCPUs != "" {
			cpus, err := parseCPUs(serveCPUs)
			if err != nil {
				return err
			}
			if err := pinProcess(cpus); err != nil {
				return err
			}
		}
		return serve(serveArg, cfg.serveMax, serveCPU)
	}
	if list {
		for _, sc := range getScenarios {
			server := sc.server
			if sc.instances > 1 {
				server = fmt.Sprintf("%s (%d instances)", sc.server, sc.instances)
			}
			fmt.Printf("%-34s server %-32s GET %s\n", sc.name, server, sc.path)
		}
		fmt.Printf("%-34s server %s\n%-34s server %s\n", loginScenarioName, loginServer, floodScenarioName, loginServer)
		return nil
	}
	if cfg.duration <= 0 || cfg.warmup < 0 || cfg.conns < 1 || cfg.rounds < 1 || cfg.maxRequests < 1 ||
		cfg.floodLogins < 1 || cfg.floodReaders < 1 || cfg.timeout <= 0 {
		return fmt.Errorf("-duration, -c, -rounds, -max-requests, -flood, -flood-readers and -timeout must be positive")
	}
	cfg.postgresURL = postgresURL(pg, os.Getenv)
	cfg.redisURL = redisURL(rd, os.Getenv)
	re, err := regexp.Compile(pattern)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}
	cfg.run, cfg.out, cfg.progress = re, os.Stdout, os.Stderr
	if cfg.profileDir != "" {
		if cfg.profileDir, err = filepath.Abs(cfg.profileDir); err != nil {
			return err
		}
		if err := os.MkdirAll(cfg.profileDir, 0o755); err != nil {
			return err
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	h := newHarness(cfg)
	defer h.removeTemp() // after the servers have stopped
	defer h.kids.stopAll()

	h.logf("loadtest: starting servers (GOMAXPROCS %d, %d CPUs)", runtime.GOMAXPROCS(0), runtime.NumCPU())
	h.runGets(ctx)
	h.runLogin(ctx)
	h.kids.stopAll() // idle servers would only add noise to the flood
	h.runFlood(ctx)
	if ctx.Err() != nil {
		h.logf("loadtest: interrupted; partial results follow")
	}
	h.report(runtime.Version())
	return nil
}
