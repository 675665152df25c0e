package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core/authtest"
)

// testPassword is the password of every account the tests create.
const testPassword = "Correct-Horse-9"

// databases returns the databases to run on: SQLite in a temporary
// directory always, PostgreSQL and MySQL when RESTAUTH_TEST_POSTGRES_URL /
// RESTAUTH_TEST_MYSQL_URL are set (shared databases: accounts get random
// names).
func databases(t *testing.T) map[string]string {
	dbs := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "mobile.db")}
	for name, v := range map[string]string{"postgres": "RESTAUTH_TEST_POSTGRES_URL", "mysql": "RESTAUTH_TEST_MYSQL_URL"} {
		if u := os.Getenv(v); u != "" {
			dbs[name] = u
		} else {
			t.Logf("%s not set: not testing on %s", v, name)
		}
	}
	return dbs
}

// server is the starter running in-process, reached over real HTTP.
type server struct {
	t    *testing.T
	base string
	env  map[string]string
	logs *syncBuffer
}

// startServer runs the starter like `go run .` would with env (plus a
// free address and a fixed secret key) and stops it when the test ends.
func startServer(t *testing.T, dbURL string, env map[string]string) *server {
	t.Helper()
	s := &server{t: t, env: map[string]string{
		"RESTAUTH_DATABASE_URL": dbURL,
		"RESTAUTH_ADDR":         freeAddr(t),
		"RESTAUTH_SECRET_KEY":   "mobile-test-secret-key-0123456789abcdef",
	}, logs: &syncBuffer{}}
	for k, v := range env {
		s.env[k] = v
	}
	s.base = "http://" + s.env["RESTAUTH_ADDR"]

	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.run(ctx) }()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down")
		}
	})
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("server exited before serving: %v", err)
		default:
		}
		if res, err := http.Get(s.base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server at %s did not come up", s.base)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// run calls the starter's run with the server's environment: serving when
// ctx lives and no args are given, else the management command in args.
func (s *server) run(ctx context.Context, args ...string) error {
	logger := slog.New(slog.NewTextHandler(s.logs, nil))
	return run(ctx, args, func(k string) string { return s.env[k] }, logger)
}

// command runs a management command against the server's database.
func (s *server) command(args ...string) error {
	s.t.Helper()
	return s.run(s.t.Context(), args...)
}

// createUser makes an active, verified account through the createuser
// command, with a random suffix so that shared databases stay clean.
func (s *server) createUser(name string) authtest.Account {
	s.t.Helper()
	suffix := randomSuffix(s.t)
	acct := authtest.Account{Username: name + "_" + suffix, Email: name + "_" + suffix + "@example.com", Password: testPassword}
	if err := s.command("createuser", "--username", acct.Username, "--email", acct.Email, "--password", acct.Password); err != nil {
		s.t.Fatalf("createuser: %v", err)
	}
	return acct
}

// wantNoSecretsLogged fails when any of the secrets shows up in the
// server's log.
func (s *server) wantNoSecretsLogged(secrets ...string) {
	s.t.Helper()
	logs := s.logs.String()
	for _, secret := range secrets {
		if secret != "" && strings.Contains(logs, secret) {
			s.t.Errorf("the log contains a secret (%.8s…)", secret)
		}
	}
}

// phone is a mobile client: no cookie jar, and every response is checked
// for Set-Cookie, which a cookie-less API must never send.
type phone struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newPhone(t *testing.T, base string) *phone {
	return &phone{t: t, base: base, client: &http.Client{Transport: noCookies{t: t}, Timeout: 30 * time.Second}}
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map (failing the test when it is not one).
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %s", r.body)
	}
	return m
}

// do sends a request with an optional Authorization value ("Bearer x",
// "Token y") and an optional JSON body.
func (p *phone) do(method, path, authorization, jsonBody string) response {
	p.t.Helper()
	var body io.Reader
	if jsonBody != "" {
		body = strings.NewReader(jsonBody)
	}
	req, err := http.NewRequestWithContext(p.t.Context(), method, p.base+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if jsonBody != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := p.client.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// want fails unless the response has the status and exactly the body.
func (r response) want(t *testing.T, what string, status int, body string) {
	t.Helper()
	if r.status != status || string(r.body) != body {
		t.Errorf("%s: got %d %s\nwant %d %s", what, r.status, r.body, status, body)
	}
}

// noCookies is a transport that fails the test on any Set-Cookie.
type noCookies struct{ t *testing.T }

func (n noCookies) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && len(res.Header.Values("Set-Cookie")) > 0 {
		n.t.Errorf("%s %s sent Set-Cookie: %q", req.Method, req.URL.Path, res.Header.Values("Set-Cookie"))
	}
	return res, err
}

// jsonBody encodes key/value pairs as a JSON object.
func jsonBody(kv ...string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func randomSuffix(t *testing.T) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
