package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// config is the harness's flags.
type config struct {
	duration     time.Duration
	warmup       time.Duration
	conns        int
	rounds       int
	maxRequests  int64
	timeout      time.Duration
	floodLogins  int
	floodReaders int
	run          *regexp.Regexp
	serveMax     time.Duration
	profileDir   string // CPU profiles of the servers, or ""
	// postgresURL is the PostgreSQL database of the PostgreSQL rows, or
	// "" (see postgresURL); it reaches the servers in their environment.
	postgresURL string
	// pin puts the load generator on CPU 0 and the servers of the GET
	// rows on the others while the GET rows run (see -pin).
	pin      bool
	out      io.Writer // the report
	progress io.Writer // progress lines
}

// measure is one measured phase of a GET scenario.
type measure struct {
	res       loadResult
	srvCPU    time.Duration // server CPU during the phase
	genCPU    time.Duration // load generator (this process) CPU
	poolIdleX int64         // SQL connections closed for want of idle slots
}

// row is a GET scenario's results over the rounds, or why it was skipped.
type row struct {
	sc       scenario
	skipped  string
	measures []measure
}

// loginResult is the login-latency series.
type loginResult struct {
	skipped     string
	login, hash []time.Duration // sorted
	errors      int
	firstErr    error
}

// floodResult is one round of the login flood.
type floodResult struct {
	logins, readers loadResult
	peakRSS         int64 // bytes, -1 if unknown
}

// harness runs the scenarios and keeps their results.
type harness struct {
	cfg      config
	kids     children
	client   *setupClient
	servers  map[string]*child             // running children by server name
	creds    map[string]fixture.Credential // per server, when needed
	failures map[string]string             // server → why it could not start
	rows     []*row
	login    loginResult
	// floods are the flood's rounds; floodSkipped says why there are none.
	floods       []floodResult
	floodSkipped string
	floodRuns    int
	// serverCPUs are the CPUs servers started now pin themselves to (nil:
	// those they inherit).
	serverCPUs []int
}

// childOptions are the start options of a server; profile names its CPU
// profile file (with -profile).
func (h *harness) childOptions(profile string) childOptions {
	o := childOptions{maxLife: h.cfg.serveMax, readyTimeout: time.Minute, cpus: h.serverCPUs}
	if h.cfg.postgresURL != "" {
		o.env = append(os.Environ(), postgresEnv+"="+h.cfg.postgresURL)
	}
	if h.cfg.profileDir != "" {
		o.cpuProfile = filepath.Join(h.cfg.profileDir, profile+".cpu.pprof")
	}
	return o
}

func newHarness(cfg config) *harness {
	return &harness{
		cfg:      cfg,
		client:   newSetupClient(newSourcePool(1), cfg.timeout),
		servers:  map[string]*child{},
		creds:    map[string]fixture.Credential{},
		failures: map[string]string{},
	}
}

// selected reports whether -run selects the scenario named name.
func (h *harness) selected(name string) bool { return h.cfg.run.MatchString(name) }

// logf prints a progress line.
func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.cfg.progress, format+"\n", args...)
}

// server returns the running child for name, starting it (and logging in
// when auth is set) on first use. It returns nil, with the reason
// recorded, when the server cannot run here.
func (h *harness) server(ctx context.Context, name string, auth bool) *child {
	if c, ok := h.servers[name]; ok {
		return c
	}
	if _, failed := h.failures[name]; failed {
		return nil
	}
	if _, err := serverSpec(name, h.cfg.postgresURL); err != nil {
		h.failures[name] = err.Error()
		return nil
	}
	c, err := startChild(ctx, name, h.childOptions(name))
	if err != nil {
		h.failures[name] = err.Error()
		h.logf("  %v", err)
		return nil
	}
	h.kids.add(c)
	h.servers[name] = c
	if auth {
		cred, err := h.client.login(ctx, c)
		if err != nil {
			h.failures[name] = err.Error()
			h.logf("  %s: %v", name, err)
			delete(h.servers, name)
			h.kids.stop(c)
			return nil
		}
		h.creds[name] = cred
	}
	return c
}

// runGets runs the selected GET scenarios, round after round, so that a
// disturbance of the machine spreads over all rows instead of one.
func (h *harness) runGets(ctx context.Context) {
	if h.cfg.pin {
		all, gen, servers := cpuSplit(runtime.NumCPU())
		if err := pinProcess(gen); err != nil {
			h.logf("loadtest: not pinning: %v", err)
		} else {
			h.serverCPUs = servers
			defer func() {
				h.serverCPUs = nil
				_ = pinProcess(all) // the login rows and the flood share every CPU
			}()
		}
	}
	for _, sc := range getScenarios {
		if !h.selected(sc.name) {
			continue
		}
		r := &row{sc: sc}
		h.rows = append(h.rows, r)
		if h.server(ctx, sc.server, sc.auth) == nil {
			r.skipped = h.failures[sc.server]
		} else if sc.credentialOf != "" && h.server(ctx, sc.credentialOf, true) == nil {
			r.skipped = h.failures[sc.credentialOf]
		} else if err := h.check(ctx, sc); err != nil {
			r.skipped = err.Error()
			h.logf("  %s: %v", sc.name, err)
		}
	}
	for round := 1; round <= h.cfg.rounds && ctx.Err() == nil; round++ {
		for _, r := range h.rows {
			if r.skipped != "" || ctx.Err() != nil {
				continue
			}
			m := h.measureGet(ctx, r.sc)
			r.measures = append(r.measures, m)
			h.logf("round %d/%d  %-28s %9.0f req/s  p50 %-9v p99 %-9v errors %d",
				round, h.cfg.rounds, r.sc.name, m.res.rate(), fmtDur(m.res.quantile(0.5)), fmtDur(m.res.quantile(0.99)), m.res.errors)
		}
	}
}

// check sends sc's request once before any load: it must answer 200, and
// the hello route the JSON every mode answers, so that no row measures
// the speed of a 401 or of another page (the load client looks at the
// status only). A failing row is skipped with the answer as the reason.
func (h *harness) check(ctx context.Context, sc scenario) error {
	status, body, err := h.client.get(ctx, h.servers[sc.server], sc.path, h.headers(sc)...)
	if err != nil {
		return fmt.Errorf("check request: %w", err)
	}
	if status != http.StatusOK || (sc.path == fixture.HelloPath && strings.TrimSpace(string(body)) != fixture.HelloBody) {
		return fmt.Errorf("check request answered %d %.200q, want 200 %s", status, body, fixture.HelloBody)
	}
	return nil
}

// headers are the credential header pair sc sends, if any.
func (h *harness) headers(sc scenario) []string {
	if cred, ok := h.creds[sc.server]; ok && sc.auth {
		return []string{cred.Header, cred.Value}
	}
	if cred, ok := h.creds[sc.credentialOf]; ok {
		return []string{cred.Header, cred.Value}
	}
	return nil
}

// measureGet drives one GET scenario once.
func (h *harness) measureGet(ctx context.Context, sc scenario) measure {
	c := h.servers[sc.server]
	headers := h.headers(sc)
	var m measure
	var srv0, gen0 time.Duration
	l := load{
		addr:        c.info.Addr,
		req:         newRequest(c.info.Addr, http.MethodGet, sc.path, http.StatusOK, "", headers...),
		conns:       h.cfg.conns,
		warmup:      h.cfg.warmup,
		duration:    h.cfg.duration,
		maxRequests: h.cfg.maxRequests,
		timeout:     h.cfg.timeout,
		onMeasure: func() {
			srv0, _ = cpuTime(c.pid())
			gen0, _ = cpuTime("self")
		},
	}
	var before serveStats
	_ = h.client.getJSON(ctx, c, statsPath, &before)
	m.res = l.run(ctx)
	srv1, err1 := cpuTime(c.pid())
	gen1, err2 := cpuTime("self")
	if err1 == nil && err2 == nil {
		m.srvCPU, m.genCPU = srv1-srv0, gen1-gen0
	}
	var after serveStats
	if h.client.getJSON(ctx, c, statsPath, &after) == nil {
		m.poolIdleX = after.PoolMaxIdleClosed - before.PoolMaxIdleClosed
	}
	return m
}
