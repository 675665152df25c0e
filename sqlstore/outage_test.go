package sqlstore_test

import (
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/mysql"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// TestOutageAnswers503AndRecovers cuts the connection to PostgreSQL and
// to MySQL for real (a TCP proxy between the pool and the server is
// closed, then reopened on the same port): while it is down, login, token
// authentication and the middleware answer 503 with Retry-After and a
// generic body, never 401/200; afterwards the same server serves normally
// without a restart, and nothing stored was lost. On MySQL the store's
// cached prepared statements were prepared on connections that died:
// database/sql prepares them again on the new ones.
func TestOutageAnswers503AndRecovers(t *testing.T) {
	t.Run("Postgres", func(t *testing.T) {
		u, err := url.Parse(sqltest.PostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		proxy := startProxy(t, u.Host)
		u.Host = proxy.addr
		testOutage(t, sqltest.Open(t, u.String()), proxy)
	})
	t.Run("MySQL", func(t *testing.T) {
		cfg, err := mysql.Config(sqltest.MySQLURL(t))
		if err != nil {
			t.Fatal(err)
		}
		proxy := startProxy(t, cfg.Addr)
		cfg.Addr = proxy.addr
		store := sqltest.Open(t, "mysql://"+cfg.FormatDSN())
		if !sqlstore.HasStmtCache(store) {
			t.Fatal("MySQL store without a statement cache")
		}
		testOutage(t, store, proxy)
		if sqlstore.CachedStmt(store, sqlstore.StoreQueries(store).UserByToken) == nil {
			t.Error("the token lookups did not go through the statement cache")
		}
	})
}

// testOutage runs the outage scenario on store, whose connections all go
// through proxy.
func testOutage(t *testing.T, store *sqlstore.Store, proxy *tcpProxy) {

	h, _ := password.NewArgon2(password.FastArgon2Params())
	policy, _ := password.NewPolicy(password.WithHasher(h))
	auth, err := core.New(core.Config{Store: store, Passwords: policy, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(auth.Prefix(), auth.Handler())
	mux.Handle("/api/protected/", auth.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	if _, err := auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body, token string) (int, http.Header, string) {
		req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Token "+token)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(b)
	}
	login := `{"username":"alice","password":"Secret-pass-123"}`
	status, _, body := do(http.MethodPost, "/api/auth/login/", login, "")
	if status != http.StatusOK {
		t.Fatalf("login before the outage: %d %s", status, body)
	}
	key := strings.TrimSuffix(strings.TrimPrefix(body, `{"key":"`), `"}`)

	proxy.stop()
	const unavailable = `{"detail":"Service temporarily unavailable, try again later."}`
	for _, c := range []struct{ method, path, body, token string }{
		{http.MethodPost, "/api/auth/login/", login, ""},
		{http.MethodGet, "/api/auth/user/", "", key},
		{http.MethodGet, "/api/protected/", "", key},
		{http.MethodPost, "/api/auth/logout/", "", key},
	} {
		start := time.Now()
		status, h, body := do(c.method, c.path, c.body, c.token)
		if status != http.StatusServiceUnavailable || body != unavailable || h.Get("Retry-After") == "" {
			t.Errorf("%s %s during the outage: %d %q %s", c.method, c.path, status, h.Get("Retry-After"), body)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s %s took %v to fail", c.method, c.path, d)
		}
	}

	proxy.restart(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, _, body = do(http.MethodGet, "/api/auth/user/", "", key)
		if status == http.StatusOK || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if status != http.StatusOK {
		t.Fatalf("after the outage the token does not work: %d %s", status, body)
	}
	if status, _, body = do(http.MethodPost, "/api/auth/login/", login, ""); status != http.StatusOK {
		t.Errorf("login after the outage: %d %s", status, body)
	}
}

// tcpProxy forwards connections to a backend and can be cut and restored.
type tcpProxy struct {
	addr, backend string
	mu            sync.Mutex
	ln            net.Listener
	conns         map[net.Conn]bool
	wg            sync.WaitGroup
}

func startProxy(t *testing.T, backend string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{addr: ln.Addr().String(), backend: backend, conns: map[net.Conn]bool{}}
	p.serve(ln)
	t.Cleanup(func() { p.stop(); p.wg.Wait() })
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.DialTimeout("tcp", p.backend, 5*time.Second)
			if err != nil {
				c.Close()
				continue
			}
			p.track(c, b)
			for _, pair := range [][2]net.Conn{{c, b}, {b, c}} {
				p.wg.Add(1)
				go func(dst, src net.Conn) {
					defer p.wg.Done()
					_, _ = io.Copy(dst, src)
					dst.Close()
					src.Close()
				}(pair[0], pair[1])
			}
		}
	}()
}

func (p *tcpProxy) track(conns ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range conns {
		p.conns[c] = true
	}
}

// stop closes the listener and every open connection: the database is gone.
func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
}

// restart listens again on the same port: the database is back.
func (p *tcpProxy) restart(t *testing.T) {
	t.Helper()
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatalf("relisten on %s: %v", p.addr, err)
	}
	p.serve(ln)
}
