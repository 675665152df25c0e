package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
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
	// redisURL is the Redis server of the Redis session rows, or "" (see
	// redisURL); it reaches the servers in their environment.
	redisURL string
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
	groups   map[string][]*child           // running instance groups by groupKey
	creds    map[string]fixture.Credential // per server or groupKey, when needed
	failures map[string]string             // server or groupKey → why it could not start
	// tempDirs are removed when the harness ends (removeTemp): the SQLite
	// directories that instance groups share.
	tempDirs []string
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
// profile file (with -profile), and env adds "NAME=value" entries to its
// environment (an instance of a group: see sharedDirEnv).
func (h *harness) childOptions(profile string, env ...string) childOptions {
	o := childOptions{maxLife: h.cfg.serveMax, readyTimeout: time.Minute, cpus: h.serverCPUs}
	env = slices.Clone(env) // the caller's slice stays as it was
	if h.cfg.postgresURL != "" {
		env = append(env, postgresEnv+"="+h.cfg.postgresURL)
	}
	if h.cfg.redisURL != "" {
		env = append(env, redisEnv+"="+h.cfg.redisURL)
	}
	if len(env) > 0 {
		o.env = append(os.Environ(), env...)
	}
	if h.cfg.profileDir != "" {
		o.cpuProfile = filepath.Join(h.cfg.profileDir, profile+".cpu.pprof")
	}
	return o
}

// getenv is what a server started now finds in its environment for the
// variables serverSpec reads (an instance's shared settings aside).
func (h *harness) getenv(k string) string {
	switch k {
	case postgresEnv:
		return h.cfg.postgresURL
	case redisEnv:
		return h.cfg.redisURL
	}
	return ""
}

// removeTemp removes the directories the instance groups shared; call it
// once their servers have stopped.
func (h *harness) removeTemp() {
	for _, d := range h.tempDirs {
		if err := os.RemoveAll(d); err != nil {
			h.logf("loadtest: %v", err)
		}
	}
	h.tempDirs = nil
}

func newHarness(cfg config) *harness {
	return &harness{
		cfg:      cfg,
		client:   newSetupClient(newSourcePool(1), cfg.timeout),
		servers:  map[string]*child{},
		groups:   map[string][]*child{},
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
	if _, err := serverSpec(name, h.getenv); err != nil {
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

// groupKey names the instance group of sc (its server and instance
// count), or is sc.server for a row served by one process.
func groupKey(sc scenario) string {
	if sc.instances <= 1 {
		return sc.server
	}
	return fmt.Sprintf("%s×%d", sc.server, sc.instances)
}

// targets returns the running processes that serve sc: its server, or
// the instances of its group, starting them (and logging in on the first
// when sc.auth is set) on first use. It returns nil, with the reason
// recorded under groupKey(sc), when they cannot run here.
func (h *harness) targets(ctx context.Context, sc scenario) []*child {
	if sc.instances <= 1 {
		if c := h.server(ctx, sc.server, sc.auth); c != nil {
			return []*child{c}
		}
		return nil
	}
	key := groupKey(sc)
	if g, ok := h.groups[key]; ok {
		return g
	}
	if _, failed := h.failures[key]; failed {
		return nil
	}
	g, err := h.startGroup(ctx, sc, key)
	if err != nil {
		h.failures[key] = err.Error()
		h.logf("  %s: %v", key, err)
		for _, c := range g {
			h.kids.stop(c)
		}
		return nil
	}
	h.groups[key] = g
	return g
}

// startGroup starts sc.instances processes of sc.server that serve one
// set of users: one SQLite file (in a directory of the harness) or the
// one PostgreSQL database, one SECRET_KEY, one Redis key prefix. The
// first creates the bench account, the others find it (joinUserEnv);
// they start one after the other, so that only the first migrates a new
// database. With sc.auth the first one's login is the credential of the
// group, valid on all of them. It returns what it started, also on error.
func (h *harness) startGroup(ctx context.Context, sc scenario, key string) ([]*child, error) {
	if _, err := serverSpec(sc.server, h.getenv); err != nil {
		return nil, err
	}
	secret := make([]byte, 32)
	prefix := make([]byte, 8)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	if _, err := rand.Read(prefix); err != nil {
		return nil, err
	}
	shared := []string{
		sharedSecretEnv + "=" + hex.EncodeToString(secret),
		sharedRedisPrefixEnv + "=restauth-bench:" + hex.EncodeToString(prefix) + ":",
	}
	if servers[sc.server].Store == fixture.SQLite {
		dir, err := os.MkdirTemp("", "restauth-loadtest-")
		if err != nil {
			return nil, err
		}
		h.tempDirs = append(h.tempDirs, dir)
		shared = append(shared, sharedDirEnv+"="+dir)
	}
	var g []*child
	for i := 1; i <= sc.instances; i++ {
		env := shared
		if i > 1 {
			env = append(slices.Clone(shared), joinUserEnv+"="+g[0].info.Username)
		}
		c, err := startChild(ctx, sc.server, h.childOptions(fmt.Sprintf("%s-instance%d", sc.server, i), env...))
		if err != nil {
			return g, err
		}
		h.kids.add(c)
		g = append(g, c)
	}
	if sc.auth {
		cred, err := h.client.login(ctx, g[0])
		if err != nil {
			return g, err
		}
		h.creds[key] = cred
	}
	return g, nil
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
		if h.targets(ctx, sc) == nil {
			r.skipped = h.failures[groupKey(sc)]
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
			h.logf("round %d/%d  %-34s %9.0f req/s  p50 %-9v p99 %-9v errors %d",
				round, h.cfg.rounds, r.sc.name, m.res.rate(), fmtDur(m.res.quantile(0.5)), fmtDur(m.res.quantile(0.99)), m.res.errors)
		}
	}
}

// check sends sc's request once before any load: it must answer 200, and
// the hello route the JSON every mode answers, so that no row measures
// the speed of a 401 or of another page (the load client looks at the
// status only). A failing row is skipped with the answer as the reason.
// A row served by several instances is checked on each of them.
func (h *harness) check(ctx context.Context, sc scenario) error {
	for i, c := range h.targets(ctx, sc) {
		status, body, err := h.client.get(ctx, c, sc.path, h.headers(sc)...)
		if err != nil {
			return fmt.Errorf("check request (instance %d): %w", i+1, err)
		}
		if status != http.StatusOK || (sc.path == fixture.HelloPath && strings.TrimSpace(string(body)) != fixture.HelloBody) {
			return fmt.Errorf("check request (instance %d) answered %d %.200q, want 200 %s", i+1, status, body, fixture.HelloBody)
		}
	}
	return nil
}

// headers are the credential header pair sc sends, if any.
func (h *harness) headers(sc scenario) []string {
	if cred, ok := h.creds[groupKey(sc)]; ok && sc.auth {
		return []string{cred.Header, cred.Value}
	}
	if cred, ok := h.creds[sc.credentialOf]; ok {
		return []string{cred.Header, cred.Value}
	}
	return nil
}

// measureGet drives one GET scenario once. The connections of a row
// served by several instances go to them round-robin; their server CPU
// and pool counters are summed.
func (h *harness) measureGet(ctx context.Context, sc scenario) measure {
	cs := h.targets(ctx, sc)
	headers := h.headers(sc)
	addrs := make([]string, len(cs))
	for i, c := range cs {
		addrs[i] = c.info.Addr
	}
	var m measure
	var srv0, gen0 time.Duration
	var cpuErr error
	l := load{
		addrs:       addrs,
		req:         newRequest(addrs[0], http.MethodGet, sc.path, http.StatusOK, "", headers...),
		conns:       h.cfg.conns,
		warmup:      h.cfg.warmup,
		duration:    h.cfg.duration,
		maxRequests: h.cfg.maxRequests,
		timeout:     h.cfg.timeout,
		onMeasure: func() {
			srv0, cpuErr = serversCPU(cs)
			gen0, _ = cpuTime("self")
		},
	}
	before := h.poolStats(ctx, cs)
	m.res = l.run(ctx)
	srv1, err1 := serversCPU(cs)
	gen1, err2 := cpuTime("self")
	if cpuErr == nil && err1 == nil && err2 == nil {
		m.srvCPU, m.genCPU = srv1-srv0, gen1-gen0
	}
	if after := h.poolStats(ctx, cs); after >= 0 && before >= 0 {
		m.poolIdleX = after - before
	}
	return m
}

// serversCPU is the CPU time the processes cs have used, summed.
func serversCPU(cs []*child) (time.Duration, error) {
	var sum time.Duration
	for _, c := range cs {
		t, err := cpuTime(c.pid())
		if err != nil {
			return 0, err
		}
		sum += t
	}
	return sum, nil
}

// poolStats sums the SQL connections the pools of cs closed for want of
// idle slots (serveStats), or is -1 when one of them did not answer.
func (h *harness) poolStats(ctx context.Context, cs []*child) int64 {
	var sum int64
	for _, c := range cs {
		var st serveStats
		if h.client.getJSON(ctx, c, statsPath, &st) != nil {
			return -1
		}
		sum += st.PoolMaxIdleClosed
	}
	return sum
}
