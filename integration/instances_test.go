package integration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/redisstore"
	"github.com/restauth/restauth/redisstore/redistest"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// Three instances of an application, each a real HTTP server with its own
// pool on one database (SQLite: one file), as behind a load balancer,
// with the change feed carried by the database alone (SQLite and MySQL
// poll, PostgreSQL also notifies) or by Redis pub/sub too
// (redisstore.Configure, as RESTAUTH_REDIS_URL does in the starters).

// threeBound is the RevocationStaleness of these tests: each instance
// reads the feed every second, so that a wake-up (milliseconds) and a
// poll (uniform over the second) are told apart.
const threeBound = 4 * time.Second

// wakeupWithin is how soon a change published over Redis is to be refused
// by every other instance. One change of a test may take longer (a loaded
// machine); by polling alone, 30% of them would be this quick, so all but
// one of the 7 or more changes would be with a chance under 0.5%.
const wakeupWithin = 300 * time.Millisecond

// node is one instance.
type node struct {
	name  string
	auth  *core.Auth
	srv   *httptest.Server
	store *sqlstore.Store
}

// cluster is the instances of one test and how they are configured.
type cluster struct {
	url      string // the database
	redisURL string // through the proxy; "" without Redis
	nodes    []*node
	worst    map[string]time.Duration // by kind of change
	slow     []string                 // published changes slower than wakeupWithin, with Redis
}

// config returns the configuration of an instance on store, with Redis
// when the cluster has it, and a function that closes the Redis Store;
// it is also closed when t ends, after the Auth (cleanups run last-in
// first-out).
func (c *cluster) config(t *testing.T, store *sqlstore.Store) (core.Config, func()) {
	t.Helper()
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	cfg := core.Config{
		Store: store, Passwords: policy, SecretKey: []byte("three-instances-share-this-secret-key-0123456789"),
		Methods:             []core.Method{core.MethodJWT, core.MethodToken},
		RevocationStaleness: threeBound,
		// Every login comes from 127.0.0.1.
		Throttle: core.ThrottleConfig{LoginPerIP: core.Rate{Window: time.Minute}},
		Logger:   slog.New(slog.DiscardHandler),
	}
	if c.redisURL == "" {
		return cfg, func() {}
	}
	closer, err := redisstore.Configure(t.Context(), &cfg, c.redisURL)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	closeRedis := func() { once.Do(func() { closer.Close() }) }
	t.Cleanup(closeRedis)
	if cfg.ChangeNotifier == nil {
		t.Fatal("redisstore.Configure set no ChangeNotifier on sqlstore")
	}
	return cfg, closeRedis
}

// start starts the instances A, B and C.
func (c *cluster) start(t *testing.T) {
	t.Helper()
	for _, name := range []string{"A", "B", "C"} {
		store := sqltest.Open(t, c.url)
		cfg, _ := c.config(t, store)
		auth, err := core.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := auth.Close(context.Background()); err != nil {
				t.Errorf("Close %s: %v", name, err)
			}
		})
		srv := httptest.NewServer(auth.Handler())
		t.Cleanup(srv.Close)
		c.nodes = append(c.nodes, &node{name: name, auth: auth, srv: srv, store: store})
	}
}

// status requests path with header (name, value) on n.
func (n *node) status(ctx context.Context, method, path, body string, header [2]string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, n.srv.URL+path, strings.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if header[0] != "" {
		req.Header.Set(header[0], header[1])
	}
	res, err := n.srv.Client().Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// must is status that fails t on a transport error or another status
// than want.
func (n *node) must(t *testing.T, want int, method, path, body string, header [2]string) []byte {
	t.Helper()
	code, b, err := n.status(t.Context(), method, path, body, header)
	if err != nil {
		t.Fatal(err)
	}
	if code != want {
		t.Fatalf("%s %s on %s: %d %s, want %d", method, path, n.name, code, b, want)
	}
	return b
}

// login logs username in on n and returns the Authorization headers of
// its DB token and JWT access token.
func (n *node) login(t *testing.T, username, pw string) (token, jwt [2]string) {
	t.Helper()
	b := n.must(t, http.StatusOK, http.MethodPost, "/api/auth/login/", `{"username":"`+username+`","password":"`+pw+`"}`, [2]string{})
	var out struct{ Key, Access string }
	if err := json.Unmarshal(b, &out); err != nil || out.Key == "" || out.Access == "" {
		t.Fatalf("login %s on %s: %s", username, n.name, b)
	}
	return [2]string{"Authorization", "Token " + out.Key}, [2]string{"Authorization", "Bearer " + out.Access}
}

// warm has each node accept each credential twice (the second from its
// cache).
func warm(t *testing.T, nodes []*node, creds ...[2]string) {
	t.Helper()
	for _, n := range nodes {
		for _, h := range creds {
			for range 2 {
				n.must(t, http.StatusOK, http.MethodGet, "/api/auth/user/", "", h)
			}
		}
	}
}

// refused asks every node in nodes, concurrently, for user/ with each
// credential until it answers 401, and returns the longest time that took
// from since. A node still accepting a credential the bound after since
// fails t: the bound is a guarantee, not a tendency.
func refused(t *testing.T, what string, since time.Time, nodes []*node, creds ...[2]string) time.Duration {
	t.Helper()
	type result struct {
		d   time.Duration
		err error
	}
	var wg sync.WaitGroup
	results := make([]result, len(nodes)*len(creds))
	for i, n := range nodes {
		for j, h := range creds {
			wg.Go(func() {
				r := &results[i*len(creds)+j]
				for {
					asked := time.Now()
					code, _, err := n.status(t.Context(), http.MethodGet, "/api/auth/user/", "", h)
					switch {
					case err != nil:
						r.err = err
						return
					case code == http.StatusUnauthorized:
						r.d = time.Since(since)
						return
					case code != http.StatusOK:
						r.err = fmt.Errorf("%s answered %d", n.name, code)
						return
					case asked.Sub(since) >= threeBound:
						r.err = fmt.Errorf("%s still accepted %s %v after the change (RevocationStaleness %v)",
							n.name, strings.Fields(h[1])[0], asked.Sub(since), threeBound)
						return
					}
					time.Sleep(2 * time.Millisecond)
				}
			})
		}
	}
	wg.Wait()
	var worst time.Duration
	for _, r := range results {
		if r.err != nil {
			t.Fatalf("%s: %v", what, r.err)
		}
		worst = max(worst, r.d)
	}
	return worst
}

// published records the delay of a change made through restauth, and
// notes it when Redis carries the wake-ups and it took longer than
// wakeupWithin.
func (c *cluster) published(t *testing.T, what string, d time.Duration) {
	t.Helper()
	c.record(t, kindPublished, what, d)
	if c.redisURL != "" && d > wakeupWithin {
		c.slow = append(c.slow, fmt.Sprintf("%s (%v)", what, d))
	}
}

// record logs the delay of a change of a kind and keeps the largest.
func (c *cluster) record(t *testing.T, kind, what string, d time.Duration) {
	t.Helper()
	t.Logf("%s: refused on every other instance after %v", what, d)
	c.worst[kind] = max(c.worst[kind], d)
}

// Kinds of change, for the delays reported.
const (
	kindPublished   = "through restauth"
	kindUnpublished = "in the store, by no instance"
	kindFeedDown    = "feed unreadable"
	kindRedisDown   = "Redis unreachable"
)

// TestThreeInstances runs three instances on each database, with the
// change feed carried by the database alone and by Redis pub/sub: a
// logout (DB token and JWT) and a password change on A, a deactivation
// through a separate core.Auth (the CLI's path, which publishes too) and
// a write to the store that no instance publishes are refused on the
// other instances within RevocationStaleness; with Redis, each change
// made through restauth (all but one) within wakeupWithin (polling alone
// would take up to a second). With the feed unreadable (a table renamed or
// locked), even a change the feed does not carry is refused within the
// bound: the cache falls back to it. With Redis unreachable, changes are
// still refused within the bound (polling), and wake-ups resume once
// Redis is back. It logs the largest delays of each combination.
func TestThreeInstances(t *testing.T) {
	type row struct {
		db, transport string
		worst         map[string]time.Duration
	}
	var rows []row
	t.Cleanup(func() {
		for _, r := range rows {
			var parts []string
			for _, k := range []string{kindPublished, kindUnpublished, kindFeedDown, kindRedisDown} {
				if d, ok := r.worst[k]; ok {
					parts = append(parts, fmt.Sprintf("%s %v", k, d.Round(100*time.Microsecond)))
				}
			}
			t.Logf("largest delays, %s, %s: %s (RevocationStaleness %v)", r.db, r.transport, strings.Join(parts, "; "), threeBound)
		}
	})
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			for _, transport := range []string{"database", "Redis"} {
				t.Run(transport, func(t *testing.T) {
					c := &cluster{url: db.URL(t), worst: map[string]time.Duration{}}
					var proxy *redistest.Proxy
					var channel string
					var direct *redis.Client
					if transport == "Redis" {
						if os.Getenv(envRedisURL) == "" {
							t.Skipf("skipped: set %s (e.g. %s=redis://127.0.0.1:6379/0) to run the instances with Redis carrying the change feed's wake-ups",
								envRedisURL, envRedisURL)
						}
						direct = redisClient(t)
						prefix := redisPrefix(t, direct)
						channel = prefix + "changes"
						proxy = redistest.NewProxy(t, redisURL(t))
						c.redisURL = withPrefix(t, proxy.URL(), prefix)
					}
					c.start(t)
					runThreeInstances(t, c)
					if proxy != nil {
						runRedisOutage(t, c, proxy, direct, channel)
						if len(c.slow) > 1 {
							t.Errorf("with Redis carrying the wake-ups, %d changes took longer than %v to be refused everywhere (the feed is read every %v): %s",
								len(c.slow), wakeupWithin, threeBound/4, strings.Join(c.slow, "; "))
						}
					}
					rows = append(rows, row{db.Name, transport, c.worst})
				})
			}
		})
	}
}

// runThreeInstances runs the changes of TestThreeInstances but the Redis
// outage.
func runThreeInstances(t *testing.T, c *cluster) {
	a, b, cc := c.nodes[0], c.nodes[1], c.nodes[2]
	others := []*node{b, cc}
	ids := map[string]int64{}
	for _, name := range []string{"amy", "ben", "cat", "dan", "eve", "fay", "gus"} {
		u, err := a.auth.CreateUser(t.Context(), core.NewUser{Username: name, Email: name + "@example.com", Password: "Secret-pass-123", EmailVerified: true})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = u.ID
	}
	published := func(what string, d time.Duration) {
		t.Helper()
		c.published(t, what, d)
	}

	// Logouts on A.
	token, jwt := a.login(t, "amy", "Secret-pass-123")
	warm(t, others, token, jwt)
	a.must(t, http.StatusOK, http.MethodPost, "/api/auth/logout/", "", token)
	published("token logout on A", refused(t, "token after logout on A", time.Now(), others, token))
	a.must(t, http.StatusOK, http.MethodPost, "/api/auth/logout/", "", jwt)
	published("JWT logout on A", refused(t, "JWT after logout on A", time.Now(), others, jwt))

	// A password change on A ends ben's other logins.
	mine, _ := a.login(t, "ben", "Secret-pass-123")
	token, jwt = b.login(t, "ben", "Secret-pass-123")
	warm(t, others, token, jwt)
	a.must(t, http.StatusOK, http.MethodPost, "/api/auth/password/change/",
		`{"old_password":"Secret-pass-123","new_password1":"N3w-secret-pass","new_password2":"N3w-secret-pass"}`, mine)
	published("password change on A", refused(t, "ben's other logins after a password change on A", time.Now(), others, token, jwt))

	// The CLI's deactivate: a core.Auth of its own (configured like the
	// instances), one write, Close (which publishes what is due).
	token, jwt = b.login(t, "cat", "Secret-pass-123")
	warm(t, c.nodes, token, jwt)
	cliStore := sqltest.Open(t, c.url)
	cliCfg, closeRedis := c.config(t, cliStore)
	cli, err := core.New(cliCfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Deactivate(t.Context(), ids["cat"]); err != nil {
		t.Fatal(err)
	}
	since := time.Now()
	if err := cli.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	closeRedis() // the command exits
	published("deactivate through a separate core.Auth (CLI)", refused(t, "cat after the CLI's deactivate", since, c.nodes, token, jwt))

	// A write to the store that no instance publishes (a script using the
	// store): seen by polling, within the bound, with Redis too.
	token, jwt = b.login(t, "dan", "Secret-pass-123")
	warm(t, c.nodes, token, jwt)
	if err := cliStore.SetActive(t.Context(), ids["dan"], false); err != nil {
		t.Fatal(err)
	}
	c.record(t, kindUnpublished, "SetActive on the store, published by nobody",
		refused(t, "dan after SetActive on the store", time.Now(), c.nodes, token, jwt))

	// The feed unreadable: a change it does not even carry (a hand-written
	// UPDATE) is refused within the bound, as every instance falls back
	// to reading the store once per bound.
	token, jwt = b.login(t, "eve", "Secret-pass-123")
	warm(t, c.nodes, token, jwt)
	end := feedOutage(t, cliStore)
	if _, err := cliStore.DB().ExecContext(t.Context(), cliStore.DB().Rebind("UPDATE restauth_user SET is_active = FALSE WHERE id = ?"), ids["eve"]); err != nil {
		end()
		t.Fatal(err)
	}
	since = time.Now()
	d := refused(t, "eve after a hand-written deactivation with the feed unreadable", since, c.nodes, token, jwt)
	end()
	c.record(t, kindFeedDown, "hand-written deactivation (no feed row) while the feed is unreadable", d)

	// Once the feed is readable again, changes are carried again.
	token, jwt = b.login(t, "fay", "Secret-pass-123")
	warm(t, others, token, jwt)
	a.must(t, http.StatusOK, http.MethodPost, "/api/auth/logout/", "", token)
	since = time.Now()
	a.must(t, http.StatusOK, http.MethodPost, "/api/auth/logout/", "", jwt)
	c.published(t, "logouts on A after the feed came back", refused(t, "fay after logouts on A", since, others, token, jwt))
}

// feedOutage makes the change feed unreadable for every instance until
// the returned function is called: on SQLite the table is renamed (reads
// fail), on PostgreSQL and MySQL it is locked (reads hang until their
// timeout).
func feedOutage(t *testing.T, s *sqlstore.Store) (end func()) {
	t.Helper()
	ctx := t.Context()
	switch s.Dialect() {
	case sqlstore.SQLite:
		if _, err := s.DB().ExecContext(ctx, "ALTER TABLE restauth_changes RENAME TO restauth_changes_away"); err != nil {
			t.Fatal(err)
		}
		return func() {
			if _, err := s.DB().ExecContext(context.Background(), "ALTER TABLE restauth_changes_away RENAME TO restauth_changes"); err != nil {
				t.Fatal(err)
			}
		}
	case sqlstore.Postgres:
		tx, err := s.DB().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "LOCK TABLE restauth_changes IN ACCESS EXCLUSIVE MODE"); err != nil {
			tx.Rollback()
			t.Fatal(err)
		}
		return func() { tx.Rollback() }
	default:
		conn, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, "LOCK TABLES restauth_changes WRITE"); err != nil {
			conn.Close()
			t.Fatal(err)
		}
		return func() {
			_, err := conn.ExecContext(context.Background(), "UNLOCK TABLES")
			conn.Close()
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

// runRedisOutage cuts Redis off (the proxy refuses every connection): a
// logout on A is refused on B and C within the bound, by polling; then
// Redis comes back, the three instances subscribe again, and a logout is
// refused within wakeupWithin again.
func runRedisOutage(t *testing.T, c *cluster, proxy *redistest.Proxy, direct *redis.Client, channel string) {
	a, others := c.nodes[0], c.nodes[1:]
	if _, err := a.auth.CreateUser(t.Context(), core.NewUser{Username: "hal", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	token, jwt := a.login(t, "hal", "Secret-pass-123")
	warm(t, others, token, jwt)
	proxy.SetDown(true)
	a.must(t, http.StatusOK, http.MethodPost, "/api/auth/logout/", "", token)
	since := time.Now()
	a.must(t, http.StatusOK, http.MethodPost, "/api/auth/logout/", "", jwt)
	c.record(t, kindRedisDown, "logouts on A with Redis unreachable", refused(t, "hal after logouts on A, Redis unreachable", since, others, token, jwt))

	proxy.SetDown(false)
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, err := direct.PubSubNumSub(t.Context(), channel).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n[channel] >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of the 3 instances subscribed again 30s after Redis came back", n[channel])
		}
		time.Sleep(20 * time.Millisecond)
	}
	token, jwt = a.login(t, "hal", "Secret-pass-123")
	warm(t, others, token, jwt)
	a.must(t, http.StatusOK, http.MethodPost, "/api/auth/logout/", "", token)
	since = time.Now()
	a.must(t, http.StatusOK, http.MethodPost, "/api/auth/logout/", "", jwt)
	c.published(t, "logouts on A once Redis is back", refused(t, "hal after logouts on A, Redis back", since, others, token, jwt))
}

// withPrefix returns the Redis URL rawURL with the key prefix (and so the
// change channel) of a test.
func withPrefix(t *testing.T, rawURL, prefix string) string {
	t.Helper()
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	return rawURL + sep + "prefix=" + url.QueryEscape(prefix)
}
