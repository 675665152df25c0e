package linkpages_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/linkpages"
	"github.com/restauth/restauth/core/linkpages/linkpagestest"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

const secretKey = "linkpages-test-secret-key-0123456789abcdef"

// server is a plain net/http server with restauth's endpoints and the
// link pages, mails in an outbox.
type server struct {
	base   string
	outbox *mail.Outbox
	pages  *linkpages.Pages
	logs   *bytes.Buffer
}

// newServer starts the server; frontend (default: the server itself)
// is where the mails link, origins what linkpages is told it answers at
// (default: the server).
func newServer(t *testing.T, frontend string, origins []string, mutate func(*core.Config)) *server {
	t.Helper()
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	if frontend == "" {
		frontend = base
	}
	if origins == nil {
		origins = []string{base}
	}
	hasher, _ := password.NewArgon2(password.FastArgon2Params())
	policy, _ := password.NewPolicy(password.WithHasher(hasher))
	s := &server{base: base, outbox: mail.NewOutbox(), logs: &bytes.Buffer{}}
	cfg := core.Config{
		Store: memstore.New(), Passwords: policy, SecretKey: []byte(secretKey),
		Logger:            slog.New(slog.NewTextHandler(s.logs, nil)),
		EmailVerification: core.VerifyMandatory,
		Accounts:          core.AccountConfig{Mailer: s.outbox, SynchronousMail: true, FrontendURL: frontend},
	}
	if mutate != nil {
		mutate(&cfg)
	}
	auth, err := core.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.pages, err = linkpages.New(auth, linkpages.Options{Origins: origins})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(auth.Prefix(), auth.Handler())
	for _, rt := range s.pages.Routes() {
		mux.Handle(rt.Path, rt.Handler)
	}
	ts.Config.Handler = mux
	ts.Start()
	t.Cleanup(ts.Close)
	return s
}

func (s *server) mailbox(n int) []string {
	var bodies []string
	for _, m := range s.outbox.Messages() {
		bodies = append(bodies, m.Text)
	}
	return bodies
}

// TestFlow verifies an address and resets a password through the pages,
// mounted in a net/http ServeMux, with the checks of linkpagestest.Flow
// (headers, forged and cross-site posts, used links).
func TestFlow(t *testing.T) {
	s := newServer(t, "", nil, nil)
	secrets := linkpagestest.Flow(t, s.base, "/api/auth/", s.mailbox, "net")
	for _, secret := range secrets {
		if strings.Contains(s.logs.String(), secret) {
			t.Errorf("the log contains a secret (%.6s…)", secret)
		}
	}
	if !strings.Contains(s.logs.String(), "email verified") || !strings.Contains(s.logs.String(), "password reset") {
		t.Errorf("core's events are missing from the log:\n%s", s.logs)
	}
}

// TestRoutes checks what is mounted: both pages for links to this server,
// none for links to another frontend or without the JSON endpoints.
func TestRoutes(t *testing.T) {
	s := newServer(t, "", nil, nil)
	rs := s.pages.Routes()
	if len(rs) != 2 || rs[0].Path != "/api/auth/registration/account-confirm-email/{key}/" || rs[1].Path != "/password-reset/confirm/{uid}/{token}/" {
		t.Fatalf("routes: %+v", rs)
	}
	colon := func(n string) string { return ":" + n }
	if got := rs[1].PathWith(colon); got != "/password-reset/confirm/:uid/:token/" {
		t.Errorf("PathWith: %s", got)
	}
	if got := strings.Join(rs[0].Methods, ","); got != "GET,HEAD,POST" {
		t.Errorf("methods: %s", got)
	}

	elsewhere := newServer(t, "https://app.example.test", nil, nil)
	if rs := elsewhere.pages.Routes(); len(rs) != 0 {
		t.Errorf("links to another frontend mounted %+v", rs)
	}
	linkpagestest.WantNotMounted(t, elsewhere.base, "/api/auth/")

	// An origin differing only in case or default port is the same.
	if rs := newServer(t, "HTTPS://App.Example.test:443/", []string{"https://app.example.test"}, nil).pages.Routes(); len(rs) != 2 {
		t.Errorf("normalized origins: %d routes", len(rs))
	}
	// No origins given: every link is served here.
	if rs := newServer(t, "https://app.example.test", []string{}, nil).pages.Routes(); len(rs) != 2 {
		t.Errorf("no origins: %d routes", len(rs))
	}
	noRegistration := newServer(t, "", nil, func(c *core.Config) { c.Accounts.DisableRegistration = true })
	if rs := noRegistration.pages.Routes(); len(rs) != 1 || rs[0].Name != "password-reset-confirm" {
		t.Errorf("without registration: %+v", rs)
	}
	noMail := newServer(t, "", nil, func(c *core.Config) {
		c.Accounts = core.AccountConfig{}
		c.EmailVerification = core.VerifyNone
	})
	if rs := noMail.pages.Routes(); len(rs) != 0 {
		t.Errorf("without a mailer: %+v", rs)
	}
}

// TestNewErrors checks that New refuses what it cannot serve.
func TestNewErrors(t *testing.T) {
	auth := func(mutate func(*core.AccountConfig)) *core.Auth {
		ac := core.AccountConfig{Mailer: mail.NewOutbox(), FrontendURL: "http://127.0.0.1:8000"}
		mutate(&ac)
		a, err := core.New(core.Config{Store: memstore.New(), SecretKey: []byte(secretKey), Accounts: ac, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	if _, err := linkpages.New(nil, linkpages.Options{}); err == nil {
		t.Error("nil auth accepted")
	}
	plain := auth(func(*core.AccountConfig) {})
	for _, o := range []string{"127.0.0.1:8000", "ftp://x", "http://x/path", "http://u@x"} {
		if _, err := linkpages.New(plain, linkpages.Options{Origins: []string{o}}); err == nil {
			t.Errorf("origin %q accepted", o)
		}
	}
	query := auth(func(ac *core.AccountConfig) { ac.VerifyEmailURL = "http://127.0.0.1:8000/verify?key={key}" })
	if _, err := linkpages.New(query, linkpages.Options{Origins: []string{"http://127.0.0.1:8000"}}); err == nil || !strings.Contains(err.Error(), "outside the path") {
		t.Errorf("a key in the query of a link to this server: %v", err)
	}
	if p, err := linkpages.New(query, linkpages.Options{Origins: []string{"http://127.0.0.1:9000"}}); err != nil || len(p.Routes()) != 0 {
		t.Errorf("a key in the query of a link elsewhere: %v", err)
	}
	partial := auth(func(ac *core.AccountConfig) { ac.PasswordResetURL = "http://127.0.0.1:8000/reset/u{uid}/{token}/" })
	if _, err := linkpages.New(partial, linkpages.Options{}); err == nil || !strings.Contains(err.Error(), "whole path segment") {
		t.Errorf("a parameter inside a segment: %v", err)
	}
	custom := auth(func(ac *core.AccountConfig) {
		ac.PasswordResetURL = "http://127.0.0.1:8000/account/{token}/reset/{uid}"
	})
	p, err := linkpages.New(custom, linkpages.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rs := p.Routes(); len(rs) != 2 || rs[1].Path != "/account/{token}/reset/{uid}" {
		t.Errorf("custom reset link: %+v", rs)
	}
}

// TestRedactPath checks the access-log form of link paths, mounted or not.
func TestRedactPath(t *testing.T) {
	for _, s := range []*server{newServer(t, "", nil, nil), newServer(t, "https://app.example.test", nil, nil)} {
		for path, want := range map[string]string{
			"/api/auth/registration/account-confirm-email/MQ:1t:abc/": "/api/auth/registration/account-confirm-email/{key}/",
			"/api/auth/registration/account-confirm-email/MQ:1t:abc":  "/api/auth/registration/account-confirm-email/{key}/",
			"/password-reset/confirm/1/abc-0123/":                     "/password-reset/confirm/{uid}/{token}/",
			"/password-reset/confirm/anything/else/at/all":            "/password-reset/confirm/{uid}/{token}/",
			"/password-reset/confirm/":                                "/password-reset/confirm/",
			"/api/auth/registration/verify-email/":                    "/api/auth/registration/verify-email/",
			"/api/hello/":                                             "/api/hello/",
		} {
			if got := s.pages.RedactPath(path); got != want {
				t.Errorf("RedactPath(%s) = %s, want %s", path, got, want)
			}
		}
	}
}

// TestPage checks the page's HTML: the CSP allows exactly its inline
// stylesheet, a bad path answers 404, and the form posts to the page.
func TestPage(t *testing.T) {
	s := newServer(t, "", nil, nil)
	res, body := get(t, s.base+"/password-reset/confirm/1/abc-0123/")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET: %d %s", res.StatusCode, body)
	}
	style := regexp.MustCompile(`(?s)<style>(.*)</style>`).FindStringSubmatch(body)
	if style == nil {
		t.Fatalf("no <style> in:\n%s", body)
	}
	sum := sha256.Sum256([]byte(style[1]))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src "+hash+";") {
		t.Errorf("CSP %q does not allow the page's stylesheet %s", csp, hash)
	}
	if !strings.Contains(body, `<form method="post">`) || strings.Contains(body, "action=") || strings.Contains(body, "<script") {
		t.Errorf("the form must post to the page itself, without scripts:\n%s", body)
	}
	if !strings.Contains(body, `--accent: #2f6fde`) {
		t.Error("the page lacks gin-spa's stylesheet")
	}
	// Paths the mux sends to the page that are not the link's shape.
	for _, path := range []string{"/password-reset/confirm/1/abc-0123/extra/", "/password-reset/confirm/1/a%20b/"} {
		if res, body := get(t, s.base+path); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "This link is invalid") {
			t.Errorf("GET %s: %d %s", path, res.StatusCode, body)
		}
	}
}

// TestSecureCookie checks that the CSRF cookie is Secure for an https link.
func TestSecureCookie(t *testing.T) {
	s := newServer(t, "https://app.example.test", []string{}, nil)
	res, _ := get(t, s.base+"/password-reset/confirm/1/abc-0123/")
	cs := res.Cookies()
	if len(cs) != 1 || !cs[0].Secure || cs[0].Path != "/password-reset/confirm/" {
		t.Errorf("cookies: %+v", cs)
	}
}

// TestThrottled checks that the endpoint's limits reach the page: failed
// confirmations beyond the limit answer 429 with Retry-After and DRF's
// message, and the form stays.
func TestThrottled(t *testing.T) {
	s := newServer(t, "", nil, func(c *core.Config) {
		c.Throttle.ResetConfirmFailures = core.Rate{Limit: 2, Window: time.Minute}
	})
	link := s.base + "/password-reset/confirm/1/abc-0123/"
	res, body := get(t, link)
	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)[1]
	form := url.Values{"csrf": {token}, "new_password1": {"Correct-Horse-9"}, "new_password2": {"Correct-Horse-9"}}
	var status int
	for range 3 {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, link, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(res.Cookies()[0])
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		status, body = r.StatusCode, string(b)
		if status == http.StatusTooManyRequests {
			if r.Header.Get("Retry-After") == "" || !strings.Contains(body, "Request was throttled.") || !strings.Contains(body, "<form") {
				t.Errorf("throttled page: Retry-After %q\n%s", r.Header.Get("Retry-After"), body)
			}
			return
		}
		if status != http.StatusBadRequest || !strings.Contains(body, "This link is invalid") {
			t.Fatalf("bad link: %d %s", status, body)
		}
	}
	t.Errorf("never throttled: last %d", status)
}

func get(t *testing.T, link string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestEnforcedCSRF checks that the page's in-process call passes core's
// CSRF check on anonymous requests (JWT cookies with
// EnforceCSRFOnUnauthenticated), which a JSON call without a csrftoken
// fails.
func TestEnforcedCSRF(t *testing.T) {
	s := newServer(t, "", nil, func(c *core.Config) {
		c.Methods = []core.Method{core.MethodJWT}
		c.JWT.AccessCookie, c.JWT.RefreshCookie = "access", "refresh"
		c.JWT.EnforceCSRFOnUnauthenticated = true
	})
	register := func(csrf string) int {
		body := `{"username":"erin","email":"erin@example.com","password1":"Correct-Horse-9","password2":"Correct-Horse-9"}`
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.base+"/api/auth/registration/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if csrf != "" {
			req.Header.Set("X-CSRFToken", csrf)
			req.AddCookie(&http.Cookie{Name: "csrftoken", Value: csrf})
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := register(""); got != http.StatusForbidden {
		t.Fatalf("registration without a csrftoken: %d, want 403", got)
	}
	if got := register(strings.Repeat("a", 64)); got != http.StatusCreated {
		t.Fatalf("registration with a csrftoken: %d", got)
	}
	link := linkpagestest.VerifyLinkRe.FindString(s.mailbox(1)[0])
	res, body := get(t, link)
	token := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)[1]
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, link, strings.NewReader(url.Values{"csrf": {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(res.Cookies()[0])
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || !strings.Contains(string(b), "Your e-mail address is confirmed.") {
		t.Errorf("verification through the page: %d %s", r.StatusCode, b)
	}
	if cs := r.Cookies(); len(cs) != 0 {
		t.Errorf("the page passed on core's cookies: %v", cs)
	}
}
