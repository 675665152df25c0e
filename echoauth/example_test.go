package echoauth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/echoauth"
)

// Register mounts login/, logout/ and user/ under /api/auth/ and returns
// the middleware for the application's own routes.
func ExampleRegister() {
	e := echo.New()
	auth, err := echoauth.Register(e, core.Config{
		Store: memstore.New(), // sqlstore in production
	})
	if err != nil {
		log.Fatal(err)
	}

	api := e.Group("/api", auth.RequireUser())
	api.GET("/me", func(c echo.Context) error {
		u, _ := echoauth.User(c) // always set behind RequireUser
		return c.JSON(http.StatusOK, map[string]string{"username": u.Username})
	})

	// Anonymous callers pass; a bad token is still rejected.
	e.GET("/feed", func(c echo.Context) error {
		if u, ok := echoauth.User(c); ok {
			return c.JSON(http.StatusOK, map[string]string{"feed": "personal", "for": u.Username})
		}
		return c.JSON(http.StatusOK, map[string]string{"feed": "public"})
	}, auth.OptionalUser())

	_ = e // e.Start("127.0.0.1:8000")
}

// A client logs in at /api/auth/login/ and sends the key it gets back as
// "Authorization: Token <key>" to the application's routes: RequireUser
// turns anonymous callers away, OptionalUser lets them through, and both
// reject a bad token.
func Example() {
	e := echo.New()
	auth, err := echoauth.Register(e, core.Config{Store: memstore.New(), Passwords: fastPasswords()})
	if err != nil {
		log.Fatal(err)
	}
	e.GET("/api/hello", func(c echo.Context) error {
		u, _ := echoauth.User(c)
		return c.String(http.StatusOK, "Hello, "+u.Username+"!")
	}, auth.RequireUser())
	e.GET("/api/welcome", func(c echo.Context) error {
		if u, ok := echoauth.User(c); ok {
			return c.String(http.StatusOK, "Welcome back, "+u.Username+"!")
		}
		return c.String(http.StatusOK, "Welcome, stranger!")
	}, auth.OptionalUser())
	srv := httptest.NewServer(e)
	defer srv.Close()

	// Accounts are created by the application (or by registration/).
	_, err = auth.Core().CreateUser(context.Background(), core.NewUser{
		Username: "alice", Email: "alice@example.com", Password: "correct horse battery", EmailVerified: true,
	})
	if err != nil {
		log.Fatal(err)
	}

	status, _, body := call(srv.URL+"/api/auth/login/", "", `{"username":"alice","password":"correct horse battery"}`)
	var login struct{ Key string }
	if err := json.Unmarshal([]byte(body), &login); err != nil {
		log.Fatal(err)
	}
	fmt.Println("login:", status)

	for _, req := range []struct{ path, who, token string }{
		{"/api/hello", "anonymous", ""},
		{"/api/hello", "alice", login.Key},
		{"/api/hello", "unknown key", "0123456789abcdef0123456789abcdef01234567"},
		{"/api/welcome", "anonymous", ""},
		{"/api/welcome", "alice", login.Key},
		{"/api/welcome", "unknown key", "0123456789abcdef0123456789abcdef01234567"},
	} {
		status, _, body := call(srv.URL+req.path, req.token, "")
		fmt.Printf("GET %s (%s): %d %s\n", req.path, req.who, status, body)
	}
	// Output:
	// login: 200
	// GET /api/hello (anonymous): 401 {"detail":"Authentication credentials were not provided."}
	// GET /api/hello (alice): 200 Hello, alice!
	// GET /api/hello (unknown key): 401 {"detail":"Invalid token."}
	// GET /api/welcome (anonymous): 200 Welcome, stranger!
	// GET /api/welcome (alice): 200 Welcome back, alice!
	// GET /api/welcome (unknown key): 401 {"detail":"Invalid token."}
}

// With an ErrorHandler that returns the error it is given, rejections are
// answered by the application's HTTPErrorHandler, here in its own
// envelope. The error is an *echo.HTTPError carrying the *core.Error that
// core would have written; the headers of core's answer (WWW-Authenticate
// here) are already on the response.
func ExampleAuth_MiddlewareWithConfig() {
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		he := echo.NewHTTPError(http.StatusInternalServerError)
		errors.As(err, &he)
		detail := http.StatusText(he.Code)
		var rejection *core.Error
		if errors.As(err, &rejection) {
			detail = rejection.Detail
		}
		_ = c.JSON(he.Code, map[string]any{"error": map[string]any{"status": he.Code, "message": detail}})
	}
	auth, err := echoauth.Register(e, core.Config{Store: memstore.New()})
	if err != nil {
		log.Fatal(err)
	}
	e.GET("/api/hello", func(c echo.Context) error {
		u, _ := echoauth.User(c)
		return c.String(http.StatusOK, "Hello, "+u.Username+"!")
	}, auth.MiddlewareWithConfig(echoauth.MiddlewareConfig{
		ErrorHandler: func(c echo.Context, err error) error { return err },
		// Health checks from the load balancer are not authenticated.
		Skipper: func(c echo.Context) bool { return c.Request().Header.Get("X-Health-Check") != "" },
	}))
	srv := httptest.NewServer(e)
	defer srv.Close()

	status, header, body := call(srv.URL+"/api/hello", "", "")
	fmt.Println(status, header.Get("WWW-Authenticate"), strings.TrimSpace(body))
	status, _, body = call(srv.URL+"/api/hello", "0123456789abcdef0123456789abcdef01234567", "")
	fmt.Println(status, strings.TrimSpace(body))
	// Output:
	// 401 Token {"error":{"message":"Authentication credentials were not provided.","status":401}}
	// 401 {"error":{"message":"Invalid token.","status":401}}
}

// New wraps a core service built by the application and Mount serves it
// under a group (here /v1/api/auth/).
func ExampleNew() {
	svc, err := core.New(core.Config{Store: memstore.New()})
	if err != nil {
		log.Fatal(err)
	}
	e := echo.New()
	echoauth.New(svc).Mount(e.Group("/v1"))
}

// fastPasswords is a password policy with cheap hashing, to keep the
// examples fast; production keeps the default policy.
func fastPasswords() *password.Policy {
	argon, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		log.Fatal(err)
	}
	p, err := password.NewPolicy(password.WithHasher(argon))
	if err != nil {
		log.Fatal(err)
	}
	return p
}

// call sends a GET (or, with a body, a JSON POST) to url, with the token
// when there is one, and returns the status, headers and body.
func call(url, token, body string) (int, http.Header, string) {
	method := http.MethodGet
	if body != "" {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		log.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		log.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

// RequireStaff lets through only staff users (Django's is_staff, DRF's
// IsAdminUser); Require takes any predicate on the caller. An anonymous
// caller gets RequireUser's answer, an authenticated one that is refused
// DRF's 403.
func ExampleAuth_RequireStaff() {
	e := echo.New()
	auth, err := echoauth.Register(e, core.Config{Store: memstore.New(), Passwords: fastPasswords()})
	if err != nil {
		log.Fatal(err)
	}
	admin := e.Group("/admin", auth.RequireStaff())
	admin.GET("/stats", func(c echo.Context) error { return c.String(http.StatusOK, "stats") })
	verified := func(p *core.Principal) bool { return p.User.EmailVerified }
	e.GET("/api/export", func(c echo.Context) error { return c.String(http.StatusOK, "export") }, auth.Require(verified))
	srv := httptest.NewServer(e)
	defer srv.Close()

	keys := map[string]string{}
	for _, nu := range []core.NewUser{
		{Username: "root", Password: "correct horse battery", IsStaff: true, IsSuperuser: true, EmailVerified: true},
		{Username: "alice", Password: "correct horse battery"},
	} {
		if _, err := auth.Core().CreateUser(context.Background(), nu); err != nil {
			log.Fatal(err)
		}
		_, _, body := call(srv.URL+"/api/auth/login/", "", `{"username":"`+nu.Username+`","password":"correct horse battery"}`)
		var login struct{ Key string }
		if err := json.Unmarshal([]byte(body), &login); err != nil {
			log.Fatal(err)
		}
		keys[nu.Username] = login.Key
	}
	for _, req := range []struct{ path, who string }{
		{"/admin/stats", "anonymous"},
		{"/admin/stats", "root"},
		{"/admin/stats", "alice"},
		{"/api/export", "root"},
		{"/api/export", "alice"},
	} {
		status, _, body := call(srv.URL+req.path, keys[req.who], "")
		fmt.Printf("GET %s (%s): %d %s\n", req.path, req.who, status, body)
	}
	// Output:
	// GET /admin/stats (anonymous): 401 {"detail":"Authentication credentials were not provided."}
	// GET /admin/stats (root): 200 stats
	// GET /admin/stats (alice): 403 {"detail":"You do not have permission to perform this action."}
	// GET /api/export (root): 200 export
	// GET /api/export (alice): 403 {"detail":"You do not have permission to perform this action."}
}
