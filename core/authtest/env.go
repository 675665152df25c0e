package authtest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/password"
)

// defaultPassword passes Django's four default validators for every
// username the suite uses.
const defaultPassword = "Secret-pass-123"

// env is one running server with its own store: the unit of isolation of
// the suite.
type env struct {
	secrets *secretList // values that must never appear in the log
	auth    *core.Auth
	store   core.Store               // the store the server uses
	hashes  *password.CountingHasher // the policy's preferred hasher
	logs    *logBuffer               // what core logged
	srv     *httptest.Server
	client  *http.Client
	prefix  string
	suite   *suite
	cfg     core.Config // what the server was built from (for twin)
}

// newEnv starts a server on a fresh store. opts adjust the config after
// the suite has filled in the store, password policy and logger.
func (s *suite) newEnv(t *testing.T, opts ...func(*core.Config)) *env {
	t.Helper()
	argon, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatalf("authtest: argon2: %v", err)
	}
	hashes := password.NewCountingHasher(argon)
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(io.MultiWriter(logs, s.sink.writer(t.Name())), &slog.HandlerOptions{Level: slog.LevelDebug}))
	policy, err := password.NewPolicy(password.WithHasher(hashes), password.WithLogger(logger))
	if err != nil {
		t.Fatalf("authtest: password policy: %v", err)
	}
	store := s.newStore(t)
	if store == nil {
		t.Fatal("authtest: newStore returned nil")
	}
	cfg := core.Config{
		Store:     store,
		Passwords: policy,
		Logger:    logger,
	}
	// Rate limits have their own group; elsewhere they would trip on the
	// suite's many requests from one address.
	cfg.Throttle.Disabled = true
	// Tests read the outbox right after the request: deliver inside it.
	// The asynchronous default is covered by core's own tests.
	cfg.Accounts.SynchronousMail = true
	for _, o := range opts {
		o(&cfg)
		s.replaceSessionStore(t, &cfg)
	}
	if cfg.Accounts.Mailer != nil {
		cfg.Accounts.Mailer = s.sink.mailer(cfg.Accounts.Mailer)
	}
	h, auth := s.newServer(t, cfg)
	t.Cleanup(func() { closeAuth(t, auth) }) // after the server's own cleanup below
	if h == nil || auth == nil {
		t.Fatal("authtest: Server returned a nil handler or *core.Auth")
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	secrets := s.sink.secrets
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("core log:\n%s", logs.String())
		}
	})
	t.Cleanup(func() { secrets.wantAbsentFrom(t, logs.String()) })
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	client.Transport = s.sink.transport(t.Name(), client.Transport)
	client.Transport = s.sink.checkOpenAPI(t, srv.URL, auth.Prefix(), client.Transport)
	return &env{
		secrets: secrets,
		auth:    auth,
		store:   cfg.Store,
		hashes:  hashes,
		logs:    logs,
		srv:     srv,
		client:  client,
		prefix:  auth.Prefix(),
		suite:   s,
		cfg:     cfg,
	}
}

// twin starts a second server, a separate instance of the application,
// built from the same configuration and so sharing e's store, session
// store and secrets, as two instances behind a load balancer do. It shares
// e's log and secrets checks.
func (e *env) twin(t *testing.T) *env {
	t.Helper()
	h, auth := e.suite.newServer(t, e.cfg)
	t.Cleanup(func() { closeAuth(t, auth) })
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	client := srv.Client()
	client.CheckRedirect = e.client.CheckRedirect
	client.Transport = e.suite.sink.transport(t.Name(), client.Transport)
	client.Transport = e.suite.sink.checkOpenAPI(t, srv.URL, auth.Prefix(), client.Transport)
	tw := *e
	tw.auth, tw.srv, tw.client, tw.prefix = auth, srv, client, auth.Prefix()
	return &tw
}

// path returns the URL path of an auth endpoint, e.g. path("login/").
func (e *env) path(rel string) string { return e.prefix + rel }

// newUser returns the account the suite creates by default: a valid
// password and a verified email.
func newUser(username string) core.NewUser {
	return core.NewUser{
		Username:      username,
		Email:         username + "@example.com",
		Password:      defaultPassword,
		EmailVerified: true,
	}
}

// createUser creates nu through the core service, as an application's
// management command would.
func (e *env) createUser(t *testing.T, nu core.NewUser) *core.User {
	t.Helper()
	u, err := e.auth.CreateUser(t.Context(), nu)
	if err != nil {
		t.Fatalf("CreateUser(%q): %v", nu.Username, err)
	}
	return u
}

// createLoginCast creates the login groups' users: alice (active), carol
// (inactive) and dave (no usable password).
func (e *env) createLoginCast(t *testing.T) {
	t.Helper()
	e.createUser(t, newUser("alice"))
	inactive := newUser("carol")
	inactive.Inactive = true
	e.createUser(t, inactive)
	unusable := newUser("dave")
	unusable.Password = ""
	e.createUser(t, unusable)
}

// login logs in with username and password and returns the token key.
func (e *env) login(t *testing.T, username, pw string) string {
	t.Helper()
	key := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", username, "password", pw)).wantKey(t)
	e.secrets.add(key)
	return key
}

// logBuffer collects core's log output; safe for concurrent writers.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// readEveryRequest turns the login-state cache off, for tests that change
// the store behind the server's back and expect the next request to see
// it (the Revocation group tests the cache itself).
func readEveryRequest(c *core.Config) { c.RevocationStaleness = core.ReadEveryRequest }

// closeAuth stops what auth runs in the background (mail queue, event
// delivery, the change-feed reader) once its test is over.
func closeAuth(t *testing.T, auth *core.Auth) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := auth.Close(ctx); err != nil {
		t.Errorf("Auth.Close: %v", err)
	}
}
