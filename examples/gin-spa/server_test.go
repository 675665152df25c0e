package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/envconfig"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/mail/smtptest"
	"github.com/restauth/restauth/core/memstore"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// testRouter builds the router on an in-memory store in jwt mode, with the
// development mailbox when mailbox is not nil.
func testRouter(t *testing.T, mailbox *devMailbox) http.Handler {
	t.Helper()
	cfg := core.Config{
		Store: memstore.New(), Logger: quiet, Methods: []core.Method{core.MethodJWT},
		SecretKey: []byte("unit-test-secret-key-0123456789abcdef"),
	}
	if mailbox != nil {
		cfg.Accounts.Mailer = mailbox
		cfg.Accounts.FrontendURL = "http://127.0.0.1:8000"
	}
	h, _, err := newRouter(cfg, mailbox, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func serve(h http.Handler, method, target, remoteAddr string, header http.Header) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	if remoteAddr != "" {
		req.RemoteAddr = remoteAddr
	}
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestSPAAssets(t *testing.T) {
	h := testRouter(t, nil)
	for path, typ := range map[string]string{"/": "text/html", "/app.js": "text/javascript", "/style.css": "text/css"} {
		rec := serve(h, http.MethodGet, path, "", nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), typ) {
			t.Errorf("GET %s: %d %q", path, rec.Code, rec.Header().Get("Content-Type"))
		}
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", path, csp)
		}
		etag := rec.Header().Get("ETag")
		if rec := serve(h, http.MethodGet, path, "", http.Header{"If-None-Match": {etag}}); etag == "" || rec.Code != http.StatusNotModified {
			t.Errorf("GET %s with If-None-Match %s: %d", path, etag, rec.Code)
		}
	}
	if rec := serve(h, http.MethodGet, "/dev/mails", "127.0.0.1:1234", nil); rec.Code != http.StatusNotFound {
		t.Errorf("/dev/mails without the development mailbox: %d", rec.Code)
	}
}

func TestDevMailsPage(t *testing.T) {
	box := newDevMailbox(mail.NewOutbox(), 3)
	h := testRouter(t, box)
	empty := serve(h, http.MethodGet, "/dev/mails", "127.0.0.1:1234", nil).Body.String()
	if !strings.Contains(empty, "<p>No mail yet.") || strings.Contains(empty, "The last") {
		t.Errorf("empty mailbox:\n%s", empty)
	}
	for i := range 5 {
		msg := mail.Message{To: "a@example.com", Subject: fmt.Sprintf("mail %d", i),
			Text: fmt.Sprintf("Open http://127.0.0.1:8000/#/k/%d/ now <b>", i)}
		if err := box.Send(context.Background(), msg); err != nil {
			t.Fatal(err)
		}
	}
	rec := serve(h, http.MethodGet, "/dev/mails", "127.0.0.1:1234", nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" {
		t.Fatalf("GET /dev/mails: %d %v", rec.Code, rec.Header())
	}
	if !strings.Contains(body, `<a href="http://127.0.0.1:8000/#/k/4/">`) || !strings.Contains(body, "now &lt;b&gt;") {
		t.Errorf("links or escaping wrong:\n%s", body)
	}
	if !strings.Contains(body, "The last 3 mails the server sent") || strings.Contains(body, "No mail yet") {
		t.Errorf("the mailbox's count is wrong:\n%s", body)
	}
	if strings.Contains(body, "mail 1") || strings.Index(body, "mail 4") > strings.Index(body, "mail 2") {
		t.Errorf("want the last 3 mails, newest first:\n%s", body)
	}
	for _, remote := range []string{"203.0.113.7:4000", "[2001:db8::1]:4000"} {
		if rec := serve(h, http.MethodGet, "/dev/mails", remote, http.Header{"X-Forwarded-For": {"127.0.0.1"}}); rec.Code != http.StatusNotFound {
			t.Errorf("/dev/mails from %s: %d, want 404", remote, rec.Code)
		}
	}
	if rec := serve(h, http.MethodHead, "/dev/mails", "[::1]:4000", nil); rec.Code != http.StatusOK {
		t.Errorf("HEAD /dev/mails: %d", rec.Code)
	}
}

func TestAccessLifetime(t *testing.T) {
	for v, ok := range map[string]bool{"": true, "30s": true, "1s": true, "500ms": false, "x": false, "-1m": false, "168h": false} {
		cfg := core.Config{JWT: core.JWTConfig{RefreshLifetime: 7 * 24 * time.Hour}}
		err := applySPASettings(&cfg, envconfig.Settings{FrontendURL: "https://app.example.com"},
			func(k string) string { return map[string]string{varAccessLifetime: v}[k] })
		if (err == nil) != ok {
			t.Errorf("%s=%q: error %v", varAccessLifetime, v, err)
		}
		if err == nil && cfg.Accounts.VerifyEmailURL != "https://app.example.com/#/registration/account-confirm-email/{key}/" {
			t.Errorf("VerifyEmailURL = %q", cfg.Accounts.VerifyEmailURL)
		}
	}
}

// TestSMTPReplacesDevMailbox runs the starter with RESTAUTH_SMTP_ADDR: mails
// go to the SMTP server with links to the SPA's routes, and /dev/mails does
// not exist.
func TestSMTPReplacesDevMailbox(t *testing.T) {
	smtp := smtptest.NewServer(t)
	srv := startServer(t, map[string]string{"RESTAUTH_SMTP_ADDR": smtp.Addr()})
	res, err := http.Get(srv.base + "/dev/mails")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("/dev/mails with SMTP configured: %d, want 404", res.StatusCode)
	}
	body := `{"username":"smtp_user","email":"smtp@example.com","password1":"Correct-Horse-9","password2":"Correct-Horse-9"}`
	res, err = http.Post(srv.base+"/api/auth/registration/", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("registration: %d", res.StatusCode)
	}
	msgs := smtp.WaitForMessages(1, 10*time.Second)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, srv.base+"/#/registration/account-confirm-email/") {
		t.Fatalf("want one mail with a link to the SPA, got %d: %+v", len(msgs), msgs)
	}
}

// TestRefreshResponseLost runs the starter and loses the answer of a
// refresh, as when a tab closes or the connection drops while it is in
// flight: the browser keeps the old refresh cookie and presents it again.
// Within refreshReuseGrace that gets new cookies of the same login, which
// then keeps working; strict reuse detection would have ended the login in
// every tab.
func TestRefreshResponseLost(t *testing.T) {
	srv := startServer(t, nil)
	if err := srv.command(t, "createuser", "--username", "lin", "--email", "lin@example.com", "--password", "Correct-Horse-9"); err != nil {
		t.Fatal(err)
	}
	post := func(path, body string, cookies ...*http.Cookie) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, srv.base+"/api/auth/"+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for _, c := range cookies {
			req.AddCookie(c)
			if c.Name == "csrftoken" {
				req.Header.Set("X-CSRFToken", c.Value)
			}
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	cookieOf := func(res *http.Response, name string) *http.Cookie {
		t.Helper()
		for _, c := range res.Cookies() {
			if c.Name == name && c.Value != "" {
				return c
			}
		}
		t.Fatalf("%s %s: no %s cookie", res.Request.Method, res.Request.URL.Path, name)
		return nil
	}
	login := post("login/", `{"username":"lin","password":"Correct-Horse-9"}`)
	if login.StatusCode != http.StatusOK {
		t.Fatalf("login: %d", login.StatusCode)
	}
	csrf, old := cookieOf(login, "csrftoken"), cookieOf(login, "refresh")
	if res := post("token/refresh/", "{}", csrf, old); res.StatusCode != http.StatusOK {
		t.Fatalf("refresh: %d", res.StatusCode) // its answer is lost
	}
	again := post("token/refresh/", "{}", csrf, old)
	if again.StatusCode != http.StatusOK {
		t.Fatalf("the old refresh cookie again, at once: %d, want 200 (JWT.ReuseGrace %v)", again.StatusCode, refreshReuseGrace)
	}
	if res := post("token/refresh/", "{}", csrf, cookieOf(again, "refresh")); res.StatusCode != http.StatusOK {
		t.Errorf("refresh with the cookie the retry got: %d, want 200: the login must survive", res.StatusCode)
	}
}
