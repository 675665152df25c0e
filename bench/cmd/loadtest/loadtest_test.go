package main

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// TestReadResponse checks the load client's response framing: every
// response is consumed exactly, so the next one on the connection parses.
func TestReadResponse(t *testing.T) {
	stream := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n{\"message\":\"hello\"}" +
		"HTTP/1.1 204 No Content\r\nSet-Cookie: sessionid=x\r\n\r\n" +
		"HTTP/1.1 401 Unauthorized\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"de\r\n3;x=y\r\ntai\r\n0\r\nTrailer: 1\r\n\r\n" +
		"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 2\r\nConnection: close\r\n\r\n{}"
	r := bufio.NewReader(strings.NewReader(stream))
	for _, want := range []struct {
		status int
		keep   bool
	}{{200, true}, {204, true}, {401, true}, {503, false}} {
		status, keep, err := readResponse(r)
		if err != nil || status != want.status || keep != want.keep {
			t.Fatalf("readResponse = %d, %v, %v; want %d, %v", status, keep, err, want.status, want.keep)
		}
	}
	if _, err := r.ReadByte(); err == nil {
		t.Fatal("bytes left after the last response")
	}
	for _, bad := range []string{"garbage\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"} {
		if _, _, err := readResponse(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("readResponse(%q) accepted a malformed response", bad)
		}
	}
}

// TestNewRequest checks the rendered request bytes.
func TestNewRequest(t *testing.T) {
	got := string(newRequest("127.0.0.1:9", "POST", "/l/", 200, `{"a":1}`, "Authorization", "Token k").raw)
	want := "POST /l/ HTTP/1.1\r\nHost: 127.0.0.1:9\r\nAccept: application/json\r\nAuthorization: Token k\r\n" +
		"Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
	if got != want {
		t.Fatalf("newRequest =\n%q\nwant\n%q", got, want)
	}
}

// TestCheckLoopbackDB keeps database load on this machine.
func TestCheckLoopbackDB(t *testing.T) {
	for _, ok := range []string{
		"postgres://u@127.0.0.1:5432/db", "postgres://u@localhost/db", "postgres://u@[::1]:5432/db",
		"postgres:///db?host=/var/run/postgresql",
	} {
		if err := checkLoopbackDB(ok); err != nil {
			t.Errorf("checkLoopbackDB(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"postgres://u@db.example.com/db", "postgres://u@10.0.0.5/db"} {
		if err := checkLoopbackDB(bad); err == nil {
			t.Errorf("checkLoopbackDB(%q) accepted a remote host", bad)
		}
	}
}

// TestSourcePool checks that login floods spread over loopback addresses.
func TestSourcePool(t *testing.T) {
	p := newSourcePool(50)
	a, b := p.take(), p.take()
	if !a.IP.IsLoopback() || !b.IP.IsLoopback() || a.IP.Equal(b.IP) {
		t.Fatalf("take() = %v, %v; want two different loopback addresses", a, b)
	}
}

// TestQuantileAndMedian checks the statistics of the report.
func TestQuantileAndMedian(t *testing.T) {
	r := loadResult{latencies: []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	if q := r.quantile(0.5); q != 6 && q != 5 {
		t.Errorf("p50 = %v", q)
	}
	if q := r.quantile(0.99); q != 10 {
		t.Errorf("p99 = %v", q)
	}
	if m := median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("median = %v", m)
	}
	if m := median([]int64{4, 1, 3, 2}); m != 2 {
		t.Errorf("median of even count = %v, want 2 (integer mean of 2 and 3)", m)
	}
}

// TestPairedRatio checks that ratios are taken round by round: a row
// twice as fast as its baseline in every round is 2× even when the
// machine halved both between rounds.
func TestPairedRatio(t *testing.T) {
	rowOf := func(rates ...int) *row {
		r := &row{}
		for _, n := range rates {
			r.measures = append(r.measures, measure{res: loadResult{latencies: make([]time.Duration, n), elapsed: time.Second}})
		}
		return r
	}
	x, ok := pairedRatio(rowOf(200, 100, 210), rowOf(100, 50, 100), true)
	if !ok || x.median != 2 || x.lo != 2 || x.hi != 2.1 || x.rounds != 3 {
		t.Errorf("pairedRatio = %+v, %v; want median 2, range 2–2.1 over 3 rounds", x, ok)
	}
	if _, ok := pairedRatio(rowOf(1), nil, false); ok {
		t.Error("a missing baseline gave a ratio")
	}
	if _, ok := pairedRatio(rowOf(1), rowOf(0), true); ok {
		t.Error("a baseline that answered nothing gave a ratio")
	}
}

// TestCPUSplit checks -pin's division of the machine and the
// -serve-cpus round trip.
func TestCPUSplit(t *testing.T) {
	all, gen, srv := cpuSplit(4)
	if len(all) != 4 || len(gen) != 1 || gen[0] != 0 || len(srv) != 3 || srv[0] != 1 {
		t.Errorf("cpuSplit(4) = %v, %v, %v", all, gen, srv)
	}
	if _, gen, srv := cpuSplit(1); len(gen) != 1 || len(srv) != 1 {
		t.Errorf("cpuSplit(1) = %v, %v; want both on CPU 0", gen, srv)
	}
	got, err := parseCPUs(formatCPUs([]int{1, 2, 3}))
	if err != nil || len(got) != 3 || got[2] != 3 {
		t.Errorf("parseCPUs round trip = %v, %v", got, err)
	}
	if _, err := parseCPUs("1,x"); err == nil {
		t.Error("parseCPUs accepted a non-number")
	}
}

// TestScenarios checks the scenario table: every row names a known
// server, unique, and every row it is compared with exists and comes
// first (so the round-robin measures the base before the row); each JWT
// row of restauth is compared with the peer of its own framework, and the
// peer rows really serve the peer.
func TestScenarios(t *testing.T) {
	seen := map[string]scenario{}
	for _, sc := range getScenarios {
		spec, ok := servers[sc.server]
		if !ok {
			t.Errorf("%s: unknown server %q", sc.name, sc.server)
			continue
		}
		if _, dup := seen[sc.name]; dup {
			t.Errorf("%s: two rows of that name", sc.name)
		}
		for _, c := range sc.comparisons() {
			if _, ok := seen[c.base]; !ok {
				t.Errorf("%s: compared with %q, not an earlier row", sc.name, c.base)
			}
		}
		b, ok := seen[bareRow(sc)]
		if sc.name == bareRow(sc) {
			b, ok = sc, true
		}
		if !ok || servers[b.server].Mode != fixture.ModeBare || servers[b.server].Framework != spec.Framework || b.credentialOf != "" {
			t.Errorf("%s: bare row %q is not its framework's bare handler", sc.name, bareRow(sc))
		}
		if spec.Mode == fixture.ModeJWT && sc.path == fixture.HelloPath {
			p, ok := seen[sc.peer]
			if !ok || servers[p.server].Mode != fixture.ModePeerJWT || servers[p.server].Framework != spec.Framework {
				t.Errorf("%s: peer %q is not the %s peer", sc.name, sc.peer, spec.Framework)
			}
		}
		if spec.Mode == fixture.ModePeerJWT && (!sc.auth || sc.path != fixture.HelloPath) {
			t.Errorf("%s: a peer row must send its token to the hello route", sc.name)
		}
		seen[sc.name] = sc
	}
	for _, name := range []string{ginPeer, echoPeer, "gin jwt on sqlite", "echo jwt on sqlite", "gin jwt on postgres",
		"gin token on sqlite", "gin session on sqlite", "sqlite GET user/ (jwt)"} {
		if _, ok := seen[name]; !ok {
			t.Errorf("no row %q", name)
		}
	}
}

// TestPostgresURL checks where the PostgreSQL database comes from: the
// flag, then the harness's variable, then the tests' one; none skips the
// rows with a note naming all three.
func TestPostgresURL(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	both := map[string]string{postgresEnv: "postgres://bench@127.0.0.1/b", testPostgresEnv: "postgres://test@127.0.0.1/t"}
	for _, c := range []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"postgres://flag@127.0.0.1/f", both, "postgres://flag@127.0.0.1/f"},
		{"", both, both[postgresEnv]},
		{"", map[string]string{testPostgresEnv: both[testPostgresEnv]}, both[testPostgresEnv]},
		{"", nil, ""},
	} {
		if got := postgresURL(c.flag, env(c.env)); got != c.want {
			t.Errorf("postgresURL(%q, %v) = %q, want %q", c.flag, c.env, got, c.want)
		}
	}
	_, err := serverSpec("gin-jwt-postgres", env(nil))
	if err == nil || !strings.Contains(err.Error(), testPostgresEnv) || !strings.Contains(err.Error(), "-postgres") {
		t.Errorf("serverSpec without a database: %v", err)
	}
	if s, err := serverSpec("gin-jwt-postgres", env(both)); err != nil || s.PostgresURL != both[postgresEnv] {
		t.Errorf("serverSpec = %+v, %v", s, err)
	}
}

// TestRedisURL: the Redis server of the Redis session rows comes from the
// flag, then the harness's variable, then the tests' one; none skips the
// rows with a note naming all three, and a remote server is refused.
func TestRedisURL(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	both := map[string]string{redisEnv: "redis://127.0.0.1:6379/1", testRedisEnv: "redis://127.0.0.1:6379/0"}
	for _, c := range []struct {
		flag string
		env  map[string]string
		want string
	}{
		{"redis://localhost:6379/2", both, "redis://localhost:6379/2"},
		{"", both, both[redisEnv]},
		{"", map[string]string{testRedisEnv: both[testRedisEnv]}, both[testRedisEnv]},
		{"", nil, ""},
	} {
		if got := redisURL(c.flag, env(c.env)); got != c.want {
			t.Errorf("redisURL(%q, %v) = %q, want %q", c.flag, c.env, got, c.want)
		}
	}
	_, err := serverSpec("gin-session-redis", env(nil))
	if err == nil || !strings.Contains(err.Error(), testRedisEnv) || !strings.Contains(err.Error(), "-redis") {
		t.Errorf("serverSpec without a Redis server: %v", err)
	}
	if s, err := serverSpec("gin-session-redis", env(both)); err != nil || s.RedisURL != both[redisEnv] || s.Sessions != fixture.Redis {
		t.Errorf("serverSpec = %+v, %v", s, err)
	}
	for _, ok := range []string{"redis://127.0.0.1:6379/0", "redis://:pw@localhost/0", "unix:///run/redis.sock"} {
		if err := checkLoopback("Redis server", ok); err != nil {
			t.Errorf("checkLoopback(%q) = %v", ok, err)
		}
	}
	if _, err := serverSpec("gin-session-redis", env(map[string]string{redisEnv: "redis://:secret@cache.example.com:6379/0"})); err == nil ||
		strings.Contains(err.Error(), "secret") {
		t.Errorf("a remote Redis server: %v", err)
	}
}

// TestServerSpecShared: an instance of a group takes what it shares with
// the others from its environment.
func TestServerSpecShared(t *testing.T) {
	env := map[string]string{sharedDirEnv: "/tmp/shared", sharedSecretEnv: "k", sharedRedisPrefixEnv: "p:", joinUserEnv: "bench"}
	s, err := serverSpec("gin-jwt-sqlite", func(k string) string { return env[k] })
	if err != nil || s.Dir != "/tmp/shared" || string(s.SecretKey) != "k" || s.RedisPrefix != "p:" || s.JoinUser != "bench" {
		t.Errorf("serverSpec = %+v, %v", s, err)
	}
	if s, err := serverSpec("gin-jwt-sqlite", func(string) string { return "" }); err != nil || s.Dir != "" || s.SecretKey != nil || s.JoinUser != "" {
		t.Errorf("serverSpec alone = %+v, %v", s, err)
	}
}

// TestLoadRoundRobin: the connections of a load go to its servers in
// turn, so every instance of a group gets its share.
func TestLoadRoundRobin(t *testing.T) {
	var counts [2]atomic.Int64
	var addrs []string
	for i := range counts {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			counts[i].Add(1)
			_, _ = io.WriteString(w, "ok")
		}))
		defer srv.Close()
		addrs = append(addrs, srv.Listener.Addr().String())
	}
	l := load{addrs: addrs, req: newRequest(addrs[0], http.MethodGet, "/", http.StatusOK, ""), conns: 4,
		duration: 100 * time.Millisecond, maxRequests: 400, timeout: 5 * time.Second}
	res := l.run(t.Context())
	if res.errors != 0 || res.ok() == 0 {
		t.Fatalf("load: %d ok, %d errors (%v)", res.ok(), res.errors, res.firstErr)
	}
	if a, b := counts[0].Load(), counts[1].Load(); a == 0 || b == 0 || int(a+b) != res.ok() {
		t.Errorf("requests per server %d and %d, %d measured", a, b, res.ok())
	}
}
