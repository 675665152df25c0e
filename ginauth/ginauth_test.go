package ginauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/ginauth"
	"github.com/restauth/restauth/ginauth/ginauthtest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

func TestConformance(t *testing.T) {
	authtest.Run(t, ginauthtest.Server)
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
	body := w.Body.String()
	return strings.TrimSuffix(strings.TrimPrefix(body, `{"key":"`), `"}`)
}

func TestUserWithoutMiddleware(t *testing.T) {
	c, _ := gin.CreateTestContext(httptest.NewRecorder())
	if u, ok := ginauth.User(c); ok || u != nil {
		t.Errorf("User on a bare context = %v, %v; want nil, false", u, ok)
	}
	c.Request = httptest.NewRequest(http.MethodGet, "/", nil)
	if p, ok := ginauth.Principal(c); ok || p != nil {
		t.Errorf("Principal on an anonymous request = %v, %v; want nil, false", p, ok)
	}
	if u, ok := ginauth.User(nil); ok || u != nil {
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
			r := gin.New()
			a, err := ginauth.Register(r, cfg)
			if err == nil || a != nil {
				t.Fatalf("Register = %v, %v; want an error", a, err)
			}
			if n := len(r.Routes()); n != 0 {
				t.Errorf("a failed Register mounted %d routes", n)
			}
		})
	}
	if _, err := ginauth.Register(nil, testConfig(t)); err == nil {
		t.Error("Register(nil router) succeeded")
	}
}

func TestRegisterRouteConflict(t *testing.T) {
	r := gin.New()
	r.POST("/api/auth/login/", func(*gin.Context) {})
	if _, err := ginauth.Register(r, testConfig(t)); err == nil || !strings.Contains(err.Error(), "ginauth") {
		t.Fatalf("Register over an existing route: err = %v, want a ginauth error", err)
	}
}

func TestRegisterOnGroup(t *testing.T) {
	r := gin.New()
	a, err := ginauth.Register(r.Group("/v1"), testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	r.GET("/api/auth/elsewhere", func(c *gin.Context) { c.String(http.StatusTeapot, "app") })
	key := loginKey(t, r, a.Core(), "/v1/api/auth/")
	if w := serve(r, http.MethodGet, "/v1/api/auth/user", "", "Authorization", "Token "+key); w.Code != http.StatusOK {
		t.Errorf("GET /v1/api/auth/user: %d %s", w.Code, w.Body)
	}
	if w := serve(r, http.MethodGet, "/v1/api/auth/nope/", ""); w.Code != http.StatusNotFound || w.Body.String() != `{"detail":"Not found."}` {
		t.Errorf("GET /v1/api/auth/nope/: %d %s", w.Code, w.Body)
	}
	if w := serve(r, http.MethodPost, "/api/auth/login/", `{"username":"alice","password":"Secret-pass-123"}`); w.Code != http.StatusNotFound {
		t.Errorf("POST /api/auth/login/ outside the group: %d %s", w.Code, w.Body)
	}
	if w := serve(r, http.MethodGet, "/api/auth/elsewhere", ""); w.Code != http.StatusTeapot {
		t.Errorf("app route next to the group: %d %s", w.Code, w.Body)
	}
}

func TestAppRoutesUnderPrefix(t *testing.T) {
	r := gin.New()
	if _, err := ginauth.Register(r, testConfig(t)); err != nil {
		t.Fatal(err)
	}
	r.GET("/api/auth/social/", func(c *gin.Context) { c.String(http.StatusTeapot, "social") })
	if w := serve(r, http.MethodGet, "/api/auth/social/", ""); w.Code != http.StatusTeapot {
		t.Errorf("app route under the prefix: %d %s", w.Code, w.Body)
	}
	if w := serve(r, http.MethodGet, "/api/auth/socialx/", ""); w.Code != http.StatusNotFound || w.Body.String() != `{"detail":"Not found."}` {
		t.Errorf("unknown path next to an app route: %d %s", w.Code, w.Body)
	}
}

func TestNewAndMount(t *testing.T) {
	ca, err := core.New(testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	a := ginauth.New(ca)
	if a.Core() != ca {
		t.Fatal("Core() does not return the wrapped service")
	}
	r := gin.New()
	a.Mount(r)
	var fromRequest, fromCopy string
	r.GET("/me", a.RequireUser(), func(c *gin.Context) {
		if u, ok := core.UserFrom(c.Request.Context()); ok {
			fromRequest = u.Username
		}
		// gin's documented way to hand the context to a goroutine.
		if u, ok := ginauth.User(c.Copy()); ok {
			fromCopy = u.Username
		}
		p, _ := ginauth.Principal(c)
		c.String(http.StatusOK, string(p.Method))
	})
	key := loginKey(t, r, ca, "/api/auth/")
	w := serve(r, http.MethodGet, "/me", "", "Authorization", "Token "+key)
	if w.Code != http.StatusOK || w.Body.String() != string(core.MethodToken) || fromRequest != "alice" || fromCopy != "alice" {
		t.Errorf("GET /me: %d %q, user in request context %q, in c.Copy() %q", w.Code, w.Body, fromRequest, fromCopy)
	}
}

func TestRejectionAbortsChain(t *testing.T) {
	r := gin.New()
	a, err := ginauth.Register(r, testConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	reached := false
	r.GET("/secret", a.RequireUser(), func(c *gin.Context) { reached = true })
	w := serve(r, http.MethodGet, "/secret", "", "Authorization", "Token deadbeef")
	if reached || w.Code != http.StatusUnauthorized || w.Body.String() != `{"detail":"Invalid token."}` {
		t.Errorf("GET /secret with a bad token: reached=%v %d %s", reached, w.Code, w.Body)
	}
}
