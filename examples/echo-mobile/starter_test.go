package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/restauth/restauth/core/authtest/startertest"
	"github.com/restauth/restauth/core/mail/smtptest"
)

// TestStarter checks the starter through its public interfaces in both of
// its modes, the way startertest.Run checks the cookie-capable ones
// (whose jwt flow expects cookies, which this starter never sets): the
// environment, the management commands, dj-rest-auth's client flows
// (registration with mandatory verification and password reset by real
// SMTP mail in both modes; startertest.TokenClientFlow in token mode), and
// commands taking effect on the running server.
func TestStarter(t *testing.T) {
	for name, dbURL := range startertest.Databases(t) {
		for _, mode := range []string{"jwt", "token"} {
			t.Run(name+"/"+mode, func(t *testing.T) { starterFlow(t, dbURL, mode) })
		}
	}
}

func starterFlow(t *testing.T, dbURL, mode string) {
	smtp := smtptest.NewServer(t)
	srv := startertest.Start(t, run, dbURL, map[string]string{
		"RESTAUTH_MODE":               mode,
		"RESTAUTH_SMTP_ADDR":          smtp.Addr(),
		"RESTAUTH_EMAIL_VERIFICATION": "mandatory",
	})
	if err := srv.Command("migrate"); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	acct := srv.CreateUser("alice", testPassword)
	if err := srv.Command("createuser", "--username", acct.Username, "--password", "x"); err == nil {
		t.Error("createuser accepted a duplicate username")
	}
	p := newPhone(t, srv.URL)
	startertest.CheckOpenAPI(t, srv.URL, "/api/auth/", mode)

	switch mode {
	case "token":
		res := p.do("POST", "/api/auth/login/", "", jsonBody("username", acct.Username, "password", acct.Password))
		if res.status != 200 || !strings.HasPrefix(string(res.body), `{"key":"`) || len(res.json(t)) != 1 {
			t.Errorf("token-mode login (want only a key): %d %s", res.status, res.body)
		}
		res = p.do("GET", "/api/v1/notes", "", "")
		if res.status != 401 || res.header.Get("WWW-Authenticate") != "Token" {
			t.Errorf("token-mode challenge: %d %q", res.status, res.header.Get("WWW-Authenticate"))
		}
		p.do("POST", "/api/auth/token/refresh/", "", jsonBody("refresh", "x")).want(t, "no JWT endpoints in token mode", 404, `{"detail":"Not found."}`)
		tokenPhoneFlow(t, p, acct, "Token")
		startertest.TokenClientFlow(t, srv.URL, "/api/auth/", "/api/v1/notes", acct)
	case "jwt":
		tokenPhoneFlow(t, p, acct, bearerChallenge)
	}
	startertest.AccountsClientFlow(t, srv.URL, "/api/auth/", smtp, startertest.RandomSuffix(t))

	// Commands act on the running server: changepassword ends every
	// login of the user, deactivate refuses new ones.
	access, refresh := "", ""
	if mode == "jwt" {
		access, refresh = jwtLogin(t, p, acct)
	}
	if err := srv.Command("changepassword", "--username", acct.Username, "--password", "Other-Horse-10"); err != nil {
		t.Fatalf("changepassword: %v", err)
	}
	login := func(pw string) int {
		return p.do("POST", "/api/auth/login/", "", jsonBody("username", acct.Username, "password", pw)).status
	}
	if login(acct.Password) != 400 || login("Other-Horse-10") != 200 {
		t.Error("changepassword did not take effect on the running server")
	}
	if mode == "jwt" {
		p.do("GET", "/api/v1/notes", "Bearer "+access, "").want(t, "access token after changepassword", 401, accessRevoked)
		p.do("POST", "/api/auth/token/refresh/", "", jsonBody("refresh", refresh)).want(t, "refresh token after changepassword", 401, blacklisted)
	}
	if err := srv.Command("deactivate", "--username", acct.Username); err != nil {
		t.Fatalf("deactivate: %v", err)
	}
	if got := login("Other-Horse-10"); got != 400 {
		t.Errorf("deactivated user logged in: %d", got)
	}
	srv.WantNoSecretsLogged(acct.Password, "Other-Horse-10", refresh, access)
}

// TestCookieModesRefused checks that the cookie modes fail at start with a
// message naming the supported ones, before touching the database.
func TestCookieModesRefused(t *testing.T) {
	for _, mode := range []string{"session", "all"} {
		env := map[string]string{"RESTAUTH_MODE": mode, "RESTAUTH_DATABASE_URL": "sqlite:" + t.TempDir() + "/x.db",
			"RESTAUTH_SECRET_KEY": "mobile-test-secret-key-0123456789abcdef"}
		err := run(context.Background(), nil, func(k string) string { return env[k] }, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err == nil || !strings.Contains(err.Error(), "only jwt") {
			t.Errorf("RESTAUTH_MODE=%s: %v", mode, err)
		}
	}
}
