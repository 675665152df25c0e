package startertest

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/restauth/restauth/core/mail/smtptest"
)

// Main runs an example server the way its main does: with args it runs
// that management command and returns; without, it serves until ctx is
// cancelled. getenv stands in for os.Getenv.
type Main func(ctx context.Context, args []string, getenv func(string) string) error

// Spec describes an example server for Run.
type Spec struct {
	// Main is the starter's run function.
	Main Main
	// AppPath is a GET route of the app protected by restauth (e.g.
	// "/api/hello/"); empty skips the app-route checks.
	AppPath string
	// HealthPath answers 200 once the server is up (e.g. "/healthz").
	HealthPath string
}

// Run checks an example server end to end through its public interfaces
// only: the RESTAUTH_* environment, the management commands and HTTP, in
// every RESTAUTH_MODE (token, jwt, session, all), with mandatory email
// verification and mails delivered over real SMTP to a test server. It
// runs on SQLite always and, with the same code, on PostgreSQL and MySQL
// when RESTAUTH_TEST_POSTGRES_URL / RESTAUTH_TEST_MYSQL_URL are set (only
// RESTAUTH_DATABASE_URL changes).
func Run(t *testing.T, spec Spec) {
	RunWith(t, spec, Databases(t), nil)
}

// RunWith is Run on the databases of urls (subtest name → a fresh
// database's URL) with the variables of env added to the starter's
// environment: RESTAUTH_DATABASE_SCHEMA=django on databases holding a
// Django project's tables, say.
func RunWith(t *testing.T, spec Spec, urls, env map[string]string) {
	for name, dbURL := range urls {
		for _, mode := range []string{"token", "jwt", "session", "all"} {
			t.Run(name+"/"+mode, func(t *testing.T) { runOn(t, spec, dbURL, mode, env) })
		}
	}
}

func runOn(t *testing.T, spec Spec, dbURL, mode string, extra map[string]string) {
	addr := freeAddr(t)
	smtp := smtptest.NewServer(t)
	env := map[string]string{
		"RESTAUTH_DATABASE_URL":       dbURL,
		"RESTAUTH_ADDR":               addr,
		"RESTAUTH_MODE":               mode,
		"RESTAUTH_SECRET_KEY":         "starter-test-secret-key-0123456789abcdef",
		"RESTAUTH_SMTP_ADDR":          smtp.Addr(),
		"RESTAUTH_EMAIL_VERIFICATION": "mandatory",
	}
	throttleOffOnSharedDatabase(dbURL, env)
	for k, v := range extra {
		env[k] = v
	}
	getenv := func(k string) string { return env[k] }
	ctx := t.Context()
	// Shared databases keep rows between runs: use a fresh account.
	suffix := RandomSuffix(t)
	acct := Account{Username: "alice_" + suffix, Email: "alice_" + suffix + "@example.com", Password: "Correct-Horse-9"}

	command := func(args ...string) error {
		t.Helper()
		return spec.Main(ctx, args, getenv)
	}
	if err := command("migrate"); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if err := command("createuser", "--username", acct.Username, "--email", acct.Email, "--password", acct.Password); err != nil {
		t.Fatalf("createuser: %v", err)
	}
	if err := command("createuser", "--username", acct.Username, "--password", "x"); err == nil {
		t.Error("createuser accepted a duplicate username")
	}

	base := "http://" + addr
	stop := serve(t, func(ctx context.Context) error { return spec.Main(ctx, nil, getenv) }, base+spec.HealthPath)
	defer stop()
	CheckOpenAPI(t, base, "/api/auth/", mode)

	switch mode {
	case "jwt", "all":
		JWTClientFlow(t, base, "/api/auth/", spec.AppPath, acct)
	case "session":
		SessionClientFlow(t, base, "/api/auth/", spec.AppPath, acct)
	default:
		TokenClientFlow(t, base, "/api/auth/", spec.AppPath, acct)
		AccountsClientFlow(t, base, "/api/auth/", smtp, suffix)
	}

	c := &liveClient{t: t, base: base}
	login := func(pw string) int { // 200, or 204 in session mode, count as success
		status, _, _ := c.do(http.MethodPost, "/api/auth/login/", jsonBody("username", acct.Username, "password", pw), "")
		if status == http.StatusNoContent {
			status = http.StatusOK
		}
		return status
	}
	if err := command("changepassword", "--username", acct.Username, "--password", "Other-Horse-10"); err != nil {
		t.Fatalf("changepassword: %v", err)
	}
	if login(acct.Password) != http.StatusBadRequest || login("Other-Horse-10") != http.StatusOK {
		t.Error("changepassword did not take effect on the running server")
	}
	if err := command("deactivate", "--username", acct.Username); err != nil {
		t.Fatalf("deactivate: %v", err)
	}
	if got := login("Other-Horse-10"); got != http.StatusBadRequest {
		t.Errorf("deactivated user logged in: %d", got)
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// serve runs a server in the background until the returned stop is
// called, and returns once healthURL answers 200. stop cancels the
// server's context and waits (at most 15 s) for it to return; an error it
// returns fails t.
func serve(t *testing.T, run func(ctx context.Context) error, healthURL string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	stop = func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down")
		}
	}
	waitUp(t, healthURL, done)
	return stop
}

// waitUp polls url until it answers 200, the server fails, or 15 s pass.
func waitUp(t *testing.T, url string, done <-chan error) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("server exited before serving: %v", err)
		default:
		}
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server at %s did not come up", url)
}
