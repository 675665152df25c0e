package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
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
	dbs := map[string]string{"sqlite": "sqlite:" + filepath.Join(t.TempDir(), "session.db")}
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
		"RESTAUTH_SECRET_KEY":   "session-test-secret-key-0123456789abcdef",
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

// browser is a web browser without JavaScript: a cookie jar, redirects
// not followed (so that tests see them), and the headers a browser sends
// with a form post (Origin).
type browser struct {
	t      *testing.T
	base   *url.URL
	jar    *cookiejar.Jar
	client *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: u, jar: jar, client: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is an answer, read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// want fails unless the response has the status and exactly the body.
func (r response) want(t *testing.T, what string, status int, body string) {
	t.Helper()
	if r.status != status || string(r.body) != body {
		t.Errorf("%s: got %d %s\nwant %d %s", what, r.status, r.body, status, body)
	}
}

// wantRedirect fails unless the response redirects to location.
func (r response) wantRedirect(t *testing.T, what, location string) {
	t.Helper()
	if r.status/100 != 3 || r.header.Get("Location") != location {
		t.Errorf("%s: got %d to %q, want a redirect to %q", what, r.status, r.header.Get("Location"), location)
	}
}

// get loads a page.
func (b *browser) get(path string) response {
	b.t.Helper()
	return b.send(http.MethodGet, path, nil, nil)
}

// postForm submits an HTML form of this site: form-encoded, as a browser
// does.
func (b *browser) postForm(path string, form url.Values) response {
	b.t.Helper()
	return b.postFormFrom(b.origin(), path, form)
}

// postFormFrom submits a form served by origin, another site's when it
// is not b.origin().
func (b *browser) postFormFrom(origin, path string, form url.Values) response {
	b.t.Helper()
	return b.send(http.MethodPost, path, strings.NewReader(form.Encode()), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"},
		"Origin":       {origin},
	})
}

// fetch sends what app.js sends: JSON with the X-CSRFToken header.
func (b *browser) fetch(method, path, jsonBody, csrf string) response {
	b.t.Helper()
	return b.send(method, path, strings.NewReader(jsonBody), http.Header{
		"Content-Type": {"application/json"},
		"Accept":       {"application/json"},
		"Origin":       {b.origin()},
		"X-Csrftoken":  {csrf},
	})
}

func (b *browser) origin() string { return b.base.Scheme + "://" + b.base.Host }

func (b *browser) send(method, path string, body io.Reader, header http.Header) response {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.base.String()+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

// cookie returns the value of the jar's cookie for the site, or "".
func (b *browser) cookie(name string) string {
	for _, c := range b.jar.Cookies(b.base) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie puts a cookie into the jar, as a replay would.
func (b *browser) setCookie(name, value string) {
	b.jar.SetCookies(b.base, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
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
