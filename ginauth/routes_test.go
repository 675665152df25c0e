package ginauth_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/ginauth"
)

// wantAllow is the Allow header of every endpoint of fullConfig: the
// methods Mount registers for it, and the only ones not answered 405.
var wantAllow = map[string]string{
	"login/":                     "POST, OPTIONS",
	"logout/":                    "POST, OPTIONS",
	"user/":                      "GET, PUT, PATCH, HEAD, OPTIONS",
	"password/change/":           "POST, OPTIONS",
	"token/verify/":              "POST, OPTIONS",
	"token/refresh/":             "POST, OPTIONS",
	"registration/":              "POST, OPTIONS",
	"registration/verify-email/": "POST, OPTIONS",
	"registration/resend-email/": "POST, OPTIONS",
	"password/reset/":            "POST, OPTIONS",
	"password/reset/confirm/":    "POST, OPTIONS",
	"openapi.json/":              "GET, HEAD, OPTIONS",
}

// anyMethods are the methods Gin's Any registers.
var anyMethods = []string{
	http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodHead,
	http.MethodOptions, http.MethodDelete, http.MethodConnect, http.MethodTrace,
}

// fullConfig mounts every endpoint: tokens and JWT, registration and the
// mailed flows.
func fullConfig(t *testing.T) core.Config {
	cfg := testConfig(t)
	cfg.Methods = []core.Method{core.MethodToken, core.MethodJWT}
	cfg.SecretKey = []byte("6c1f0e0b9a7d4e2f8b3c5a1d7e9f0a2b4c6d8e0f1a3b5c7d")
	cfg.Accounts.Mailer = mail.NewOutbox()
	cfg.Accounts.SynchronousMail = true
	cfg.Accounts.FrontendURL = "https://app.example.com"
	return cfg
}

// liveServer serves h over real HTTP; its client never follows redirects,
// so that a redirect shows as one.
func liveServer(t *testing.T, h http.Handler) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return srv, c
}

// live is one answer read from a live server.
type live struct {
	code   int
	header http.Header
	body   string
}

func send(t *testing.T, srv *httptest.Server, c *http.Client, method, path, body string, header ...string) live {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return live{code: resp.StatusCode, header: resp.Header, body: string(b)}
}

// checkRouting asserts, under base (where the auth routes were mounted),
// that every endpoint answers its methods and 405 with the exact Allow for
// the others, with and without the trailing slash and never redirected,
// and that other paths under the prefix answer 404.
func checkRouting(t *testing.T, h http.Handler, a *ginauth.Auth, base string) {
	t.Helper()
	srv, c := liveServer(t, h)
	prefix := base + a.Core().Prefix()

	var paths []string
	for _, rt := range a.Core().Routes() {
		paths = append(paths, rt.Path)
		if got := strings.Join(rt.Methods, ", "); got != wantAllow[rt.Path] {
			t.Errorf("Routes(): %s Methods = %q, want %q", rt.Path, got, wantAllow[rt.Path])
		}
	}
	if len(paths) != len(wantAllow) {
		t.Fatalf("Routes() = %v, want the %d endpoints of wantAllow", paths, len(wantAllow))
	}

	for rel, allow := range wantAllow {
		served := strings.Split(allow, ", ")
		for _, path := range []string{prefix + rel, strings.TrimSuffix(prefix+rel, "/")} {
			for _, m := range anyMethods {
				w := send(t, srv, c, m, path, "")
				switch {
				case w.code >= 300 && w.code < 400:
					t.Errorf("%s %s redirected: %d Location %q", m, path, w.code, w.header.Get("Location"))
				case w.header.Get("Allow") != allow:
					t.Errorf("%s %s: %d Allow %q, want %q", m, path, w.code, w.header.Get("Allow"), allow)
				case slices.Contains(served, m):
					if w.code == http.StatusMethodNotAllowed || w.code == http.StatusNotFound {
						t.Errorf("%s %s (served): %d %s", m, path, w.code, w.body)
					}
					if m == http.MethodOptions && (w.code != http.StatusOK || !strings.Contains(w.body, `"name":`)) {
						t.Errorf("OPTIONS %s: %d %s, want 200 and the endpoint's metadata", path, w.code, w.body)
					}
				case w.code != http.StatusMethodNotAllowed:
					t.Errorf("%s %s (not served): %d %s, want 405", m, path, w.code, w.body)
				case m == http.MethodHead && w.body != "":
					t.Errorf("HEAD %s: 405 with a body %q", path, w.body)
				case m != http.MethodHead && w.body != `{"detail":"Method \"`+m+`\" not allowed."}`:
					t.Errorf("%s %s: 405 body %s", m, path, w.body)
				}
			}
		}
	}

	for _, rel := range []string{
		"", "nope", "nope/", "xxlogin", "loginxx/", "login/x", "login/x/", "Login/", "password",
		"password/", "password/x/", "password/change/x", "password/reset/confirm/x/y/",
		"registration/account-confirm-email/abc/", "/login/",
		// Not listed: a doubled trailing slash ("login//") with a method
		// the endpoint serves. Gin's tree recommends the single-slash form
		// there instead of trying the fallback routes, so
		// RedirectTrailingSlash redirects it, as it would any Gin route.
	} {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
			w := send(t, srv, c, m, prefix+rel, "")
			if w.code != http.StatusNotFound || w.body != `{"detail":"Not found."}` || w.header.Get("Location") != "" {
				t.Errorf("%s %s: %d %s Location %q, want 404 {\"detail\":\"Not found.\"}", m, prefix+rel, w.code, w.body, w.header.Get("Location"))
			}
		}
	}
}

func TestMountRouting(t *testing.T) {
	r := gin.New()
	a, err := ginauth.Register(r, fullConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	checkRouting(t, r, a, "")
}

// Gin's path fixing must not redirect an auth path: every path under the
// prefix matches a route in every method's tree.
func TestMountNoRedirects(t *testing.T) {
	r := gin.New()
	r.RedirectTrailingSlash = true
	r.RedirectFixedPath = true
	r.HandleMethodNotAllowed = true
	a, err := ginauth.Register(r, fullConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	checkRouting(t, r, a, "")
}

func TestMountOnGroupRouting(t *testing.T) {
	r := gin.New()
	a, err := ginauth.Register(r.Group("/v1"), fullConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	checkRouting(t, r, a, "/v1")
	srv, c := liveServer(t, r)
	if w := send(t, srv, c, http.MethodPost, "/api/auth/login/", `{}`); w.code != http.StatusNotFound || w.header.Get("Allow") != "" {
		t.Errorf("POST /api/auth/login/ outside the group: %d %s", w.code, w.body)
	}
}

// The methods an endpoint serves run its handler, over both path forms:
// HEAD on user/ is GET without the body, and a login works without the
// trailing slash.
func TestMountServedMethods(t *testing.T) {
	r := gin.New()
	a, err := ginauth.Register(r, testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	srv, c := liveServer(t, r)
	key := loginKey(t, r, a.Core(), "/api/auth/")
	for _, path := range []string{"/api/auth/user/", "/api/auth/user"} {
		get := send(t, srv, c, http.MethodGet, path, "", "Authorization", "Token "+key)
		if get.code != http.StatusOK || !strings.Contains(get.body, `"username":"alice"`) {
			t.Errorf("GET %s: %d %s", path, get.code, get.body)
		}
		head := send(t, srv, c, http.MethodHead, path, "", "Authorization", "Token "+key)
		if head.code != http.StatusOK || head.body != "" || head.header.Get("Content-Length") != get.header.Get("Content-Length") {
			t.Errorf("HEAD %s: %d %q Content-Length %q, want 200, no body, GET's length %q",
				path, head.code, head.body, head.header.Get("Content-Length"), get.header.Get("Content-Length"))
		}
		anon := send(t, srv, c, http.MethodHead, path, "")
		if anon.code != http.StatusUnauthorized || anon.body != "" {
			t.Errorf("anonymous HEAD %s: %d %q", path, anon.code, anon.body)
		}
	}
	w := send(t, srv, c, http.MethodPost, "/api/auth/login", `{"username":"alice","password":"Secret-pass-123"}`)
	if w.code != http.StatusOK || !strings.HasPrefix(w.body, `{"key":`) {
		t.Errorf("POST /api/auth/login: %d %s", w.code, w.body)
	}
}

// Routes the application registers under the prefix, before or after
// Mount, win over the fallbacks; the auth routes keep theirs.
func TestMountAppRoutesUnderPrefix(t *testing.T) {
	r := gin.New()
	r.GET("/api/auth/early/", func(c *gin.Context) { c.String(http.StatusTeapot, "early") })
	if _, err := ginauth.Register(r, fullConfig(t)); err != nil {
		t.Fatal(err)
	}
	r.GET("/api/auth/social/:provider/", func(c *gin.Context) { c.String(http.StatusTeapot, "social "+c.Param("provider")) })
	r.DELETE("/api/auth/sessions/", func(c *gin.Context) { c.String(http.StatusTeapot, "sessions") })
	srv, c := liveServer(t, r)
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, "/api/auth/early/", "early"},
		{http.MethodGet, "/api/auth/social/github/", "social github"},
		{http.MethodDelete, "/api/auth/sessions/", "sessions"},
	} {
		if w := send(t, srv, c, tc.method, tc.path, ""); w.code != http.StatusTeapot || w.body != tc.body {
			t.Errorf("%s %s: %d %s, want the application's route", tc.method, tc.path, w.code, w.body)
		}
	}
	for _, tc := range []struct{ method, path string }{
		{http.MethodPost, "/api/auth/early/"},
		{http.MethodGet, "/api/auth/sessions/"},
		{http.MethodGet, "/api/auth/socialx/"},
	} {
		if w := send(t, srv, c, tc.method, tc.path, ""); w.code != http.StatusNotFound || w.body != `{"detail":"Not found."}` {
			t.Errorf("%s %s: %d %s, want restauth's 404", tc.method, tc.path, w.code, w.body)
		}
	}
	if w := send(t, srv, c, http.MethodDelete, "/api/auth/login/", ""); w.code != http.StatusMethodNotAllowed || w.header.Get("Allow") != "POST, OPTIONS" {
		t.Errorf("DELETE /api/auth/login/: %d %s Allow %q", w.code, w.body, w.header.Get("Allow"))
	}
}

// Mount's debug listing: one line per method an endpoint serves and path
// form, plus the fallbacks, instead of every method everywhere.
func TestMountDebugListing(t *testing.T) {
	var routes []string
	r := gin.New()
	a, err := ginauth.Register(r, fullConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	served := 0
	for _, rt := range a.Core().Routes() {
		served += 2 * len(rt.Methods)
	}
	fallbacks := 3 * len(anyMethods)
	for _, ri := range r.Routes() {
		routes = append(routes, ri.Method+" "+ri.Path)
	}
	if len(routes) != served+fallbacks {
		t.Errorf("%d routes registered, want %d served + %d fallbacks:\n%s", len(routes), served, fallbacks, strings.Join(routes, "\n"))
	}
	for _, m := range []string{"GET /api/auth/login/", "DELETE /api/auth/user/", "PUT /api/auth/login"} {
		if slices.Contains(routes, m) {
			t.Errorf("%s is registered; only the methods an endpoint serves are", m)
		}
	}
}
