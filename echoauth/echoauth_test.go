package echoauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/echoauth"
	"github.com/restauth/restauth/echoauth/echoauthtest"
)

// Both *echo.Echo and *echo.Group are routers.
var (
	_ echoauth.Router = (*echo.Echo)(nil)
	_ echoauth.Router = (*echo.Group)(nil)
)

func TestConformance(t *testing.T) {
	authtest.Run(t, echoauthtest.Server)
}

// testConfig is a valid config with cheap hashing.
func testConfig(t *testing.T) core.Config {
	t.Helper()
	argon, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(argon))
	if err != nil {
		t.Fatal(err)
	}
	return core.Config{Store: memstore.New(), Passwords: policy}
}

// serve sends one request to h and returns the recorder.
func serve(h http.Handler, method, path, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

// loginKey creates alice and logs her in through h under prefix.
func loginKey(t *testing.T, h http.Handler, a *core.Auth, prefix string) string {
	t.Helper()
	_, err := a.CreateUser(context.Background(), core.NewUser{
		Username: "alice", Email: "alice@example.com", Password: "Secret-pass-123", EmailVerified: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	w := serve(h, http.MethodPost, prefix+"login/", `{"username":"alice","password":"Secret-pass-123"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	return strings.TrimSuffix(strings.TrimPrefix(w.Body.String(), `{"key":"`), `"}`)
}

func TestUserWithoutMiddleware(t *testing.T) {
	e := echo.New()
	c := e.NewContext(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder())
	if u, ok := echoauth.User(c); ok || u != nil {
		t.Errorf("User on a bare context = %v, %v; want nil, false", u, ok)
	}
	if p, ok := echoauth.Principal(c); ok || p != nil {
		t.Errorf("Principal on a bare context = %v, %v; want nil, false", p, ok)
	}
	if u, ok := echoauth.User(nil); ok || u != nil {
		t.Errorf("User(nil) = %v, %v; want nil, false", u, ok)
	}
}

func TestRegisterInvalidConfig(t *testing.T) {
	for name, cfg := range map[string]core.Config{
		"no store":   {},
		"bad prefix": {Store: memstore.New(), Prefix: "api/auth"},
		"bad method": {Store: memstore.New(), Methods: []core.Method{"carrier-pigeon"}},
	} {
		t.Run(name, func(t *testing.T) {
			e := echo.New()
			a, err := echoauth.Register(e, cfg)
			if err == nil || a != nil {
				t.Fatalf("Register = %v, %v; want an error", a, err)
			}
			if n := len(e.Routes()); n != 0 {
				t.Errorf("a failed Register mounted %d routes", n)
			}
		})
	}
	if _, err := echoauth.Register(nil, testConfig(t)); err == nil {
		t.Error("Register(nil router) succeeded")
	}
}

func TestSkipper(t *testing.T) {
	e := echo.New()
	a, err := echoauth.Register(e, testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	mw := a.MiddlewareWithConfig(echoauth.MiddlewareConfig{
		Skipper: func(c echo.Context) bool { return c.Request().Header.Get("X-Internal") == "1" },
	})
	e.GET("/health", func(c echo.Context) error {
		_, ok := echoauth.User(c)
		return c.String(http.StatusOK, map[bool]string{true: "user", false: "anonymous"}[ok])
	}, mw)
	key := loginKey(t, e, a.Core(), "/api/auth/")

	if w := serve(e, http.MethodGet, "/health", "", "X-Internal", "1"); w.Code != http.StatusOK || w.Body.String() != "anonymous" {
		t.Errorf("skipped anonymous request: %d %s", w.Code, w.Body)
	}
	// A skipped request is not authenticated at all, even with a bad token.
	if w := serve(e, http.MethodGet, "/health", "", "X-Internal", "1", "Authorization", "Token deadbeef"); w.Code != http.StatusOK || w.Body.String() != "anonymous" {
		t.Errorf("skipped request with a bad token: %d %s", w.Code, w.Body)
	}
	if w := serve(e, http.MethodGet, "/health", ""); w.Code != http.StatusUnauthorized ||
		w.Body.String() != `{"detail":"Authentication credentials were not provided."}` || w.Header().Get("WWW-Authenticate") != "Token" {
		t.Errorf("not skipped, anonymous: %d %s %q", w.Code, w.Body, w.Header())
	}
	if w := serve(e, http.MethodGet, "/health", "", "Authorization", "Token "+key); w.Code != http.StatusOK || w.Body.String() != "user" {
		t.Errorf("not skipped, with token: %d %s", w.Code, w.Body)
	}
}

func TestRegisterOnGroup(t *testing.T) {
	e := echo.New()
	a, err := echoauth.Register(e.Group("/v1"), testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	key := loginKey(t, e, a.Core(), "/v1/api/auth/")
	if w := serve(e, http.MethodGet, "/v1/api/auth/user", "", "Authorization", "Token "+key); w.Code != http.StatusOK {
		t.Errorf("GET /v1/api/auth/user: %d %s", w.Code, w.Body)
	}
	if w := serve(e, http.MethodGet, "/v1/api/auth/nope/", ""); w.Code != http.StatusNotFound || w.Body.String() != `{"detail":"Not found."}` {
		t.Errorf("GET /v1/api/auth/nope/: %d %s", w.Code, w.Body)
	}
	if w := serve(e, http.MethodPost, "/api/auth/login/", `{"username":"alice","password":"Secret-pass-123"}`); w.Code != http.StatusNotFound {
		t.Errorf("POST /api/auth/login/ outside the group: %d %s", w.Code, w.Body)
	}
}

// An application that protects its whole /api group (as the echo-api
// example does) must not shadow the auth endpoints mounted on the Echo
// instance, nor their 404s.
func TestProtectedGroupAroundPrefix(t *testing.T) {
	e := echo.New()
	a, err := echoauth.Register(e, testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	api := e.Group("/api", a.RequireUser())
	api.GET("/me", func(c echo.Context) error {
		u, _ := echoauth.User(c)
		return c.String(http.StatusOK, u.Username)
	})
	key := loginKey(t, e, a.Core(), "/api/auth/")
	if w := serve(e, http.MethodGet, "/api/auth/nope/", ""); w.Code != http.StatusNotFound || w.Body.String() != `{"detail":"Not found."}` {
		t.Errorf("GET /api/auth/nope/: %d %s", w.Code, w.Body)
	}
	if w := serve(e, http.MethodGet, "/api/me", "", "Authorization", "Token "+key); w.Code != http.StatusOK || w.Body.String() != "alice" {
		t.Errorf("GET /api/me: %d %s", w.Code, w.Body)
	}
	if w := serve(e, http.MethodGet, "/api/me", ""); w.Code != http.StatusUnauthorized {
		t.Errorf("GET /api/me anonymous: %d %s", w.Code, w.Body)
	}
}

func TestNewAndMount(t *testing.T) {
	ca, err := core.New(testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	a := echoauth.New(ca)
	if a.Core() != ca {
		t.Fatal("Core() does not return the wrapped service")
	}
	e := echo.New()
	a.Mount(e)
	var fromRequest string
	e.GET("/me", func(c echo.Context) error {
		if u, ok := core.UserFrom(c.Request().Context()); ok {
			fromRequest = u.Username
		}
		p, _ := echoauth.Principal(c)
		return c.String(http.StatusOK, string(p.Method))
	}, a.RequireUser())
	key := loginKey(t, e, ca, "/api/auth/")
	w := serve(e, http.MethodGet, "/me", "", "Authorization", "Token "+key)
	if w.Code != http.StatusOK || w.Body.String() != string(core.MethodToken) || fromRequest != "alice" {
		t.Errorf("GET /me: %d %q, user in request context %q", w.Code, w.Body, fromRequest)
	}
}

// A rejection is written by core and never reaches Echo's error handler.
func TestRejectionBypassesErrorHandler(t *testing.T) {
	e := echo.New()
	handled := false
	e.HTTPErrorHandler = func(err error, c echo.Context) { handled = true }
	a, err := echoauth.Register(e, testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	reached := false
	e.GET("/secret", func(echo.Context) error { reached = true; return nil }, a.RequireUser())
	w := serve(e, http.MethodGet, "/secret", "", "Authorization", "Token deadbeef")
	if reached || handled || w.Code != http.StatusUnauthorized || w.Body.String() != `{"detail":"Invalid token."}` {
		t.Errorf("GET /secret with a bad token: reached=%v errorHandler=%v %d %s", reached, handled, w.Code, w.Body)
	}
}
