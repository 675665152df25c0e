package ginauth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/ginauth"
)

// Register mounts login/, logout/ and user/ under /api/auth/ and returns
// the middleware for the application's own routes.
func ExampleRegister() {
	r := gin.New()
	auth, err := ginauth.Register(r, core.Config{
		Store: memstore.New(), // sqlstore in production
	})
	if err != nil {
		log.Fatal(err)
	}

	api := r.Group("/api", auth.RequireUser())
	api.GET("/me", func(c *gin.Context) {
		u, _ := ginauth.User(c) // always set behind RequireUser
		c.JSON(http.StatusOK, gin.H{"username": u.Username})
	})

	// Anonymous callers pass; a bad token is still rejected.
	r.GET("/feed", auth.OptionalUser(), func(c *gin.Context) {
		if u, ok := ginauth.User(c); ok {
			c.JSON(http.StatusOK, gin.H{"feed": "personal", "for": u.Username})
			return
		}
		c.JSON(http.StatusOK, gin.H{"feed": "public"})
	})

	_ = r // r.Run("127.0.0.1:8000")
}

// A client logs in at /api/auth/login/ and sends the key it gets back as
// "Authorization: Token <key>" to the application's routes: RequireUser
// turns anonymous callers away, OptionalUser lets them through, and both
// reject a bad token.
func Example() {
	// Cheap hashing keeps the example fast; production keeps the default
	// policy.
	argon, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		log.Fatal(err)
	}
	passwords, err := password.NewPolicy(password.WithHasher(argon))
	if err != nil {
		log.Fatal(err)
	}

	r := gin.New()
	auth, err := ginauth.Register(r, core.Config{Store: memstore.New(), Passwords: passwords})
	if err != nil {
		log.Fatal(err)
	}
	r.GET("/api/hello", auth.RequireUser(), func(c *gin.Context) {
		u, _ := ginauth.User(c)
		c.String(http.StatusOK, "Hello, %s!", u.Username)
	})
	r.GET("/api/welcome", auth.OptionalUser(), func(c *gin.Context) {
		if u, ok := ginauth.User(c); ok {
			c.String(http.StatusOK, "Welcome back, %s!", u.Username)
			return
		}
		c.String(http.StatusOK, "Welcome, stranger!")
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	// Accounts are created by the application (or by registration/).
	_, err = auth.Core().CreateUser(context.Background(), core.NewUser{
		Username: "alice", Email: "alice@example.com", Password: "correct horse battery", EmailVerified: true,
	})
	if err != nil {
		log.Fatal(err)
	}

	status, body := call(srv.URL+"/api/auth/login/", "", `{"username":"alice","password":"correct horse battery"}`)
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
		status, body := call(srv.URL+req.path, req.token, "")
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

// call sends a GET (or, with a body, a JSON POST) to url, with the token
// when there is one, and returns the status and body.
func call(url, token, body string) (int, string) {
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
	return resp.StatusCode, string(b)
}

// New wraps a core service built by the application, for example to share
// it between a Gin router and a plain net/http mux, and Mount serves it
// under a route group (here /v1/api/auth/).
func ExampleNew() {
	svc, err := core.New(core.Config{Store: memstore.New()})
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	auth := ginauth.New(svc)
	auth.Mount(r.Group("/v1"))

	mux := http.NewServeMux()
	mux.Handle(svc.Prefix(), svc.Handler())
	_ = auth
}

// RequireStaff lets through only staff users (Django's is_staff, DRF's
// IsAdminUser); Require takes any predicate on the caller. An anonymous
// caller gets RequireUser's answer, an authenticated one that is refused
// DRF's 403.
func ExampleAuth_RequireStaff() {
	argon, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		log.Fatal(err)
	}
	passwords, err := password.NewPolicy(password.WithHasher(argon))
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	auth, err := ginauth.Register(r, core.Config{Store: memstore.New(), Passwords: passwords})
	if err != nil {
		log.Fatal(err)
	}
	admin := r.Group("/admin", auth.RequireStaff())
	admin.GET("/stats", func(c *gin.Context) { c.String(http.StatusOK, "stats") })
	verified := func(p *core.Principal) bool { return p.User.EmailVerified }
	r.GET("/api/export", auth.Require(verified), func(c *gin.Context) { c.String(http.StatusOK, "export") })
	srv := httptest.NewServer(r)
	defer srv.Close()

	keys := map[string]string{}
	for _, nu := range []core.NewUser{
		{Username: "root", Password: "correct horse battery", IsStaff: true, IsSuperuser: true, EmailVerified: true},
		{Username: "alice", Password: "correct horse battery"},
	} {
		if _, err := auth.Core().CreateUser(context.Background(), nu); err != nil {
			log.Fatal(err)
		}
		_, body := call(srv.URL+"/api/auth/login/", "", `{"username":"`+nu.Username+`","password":"correct horse battery"}`)
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
		status, body := call(srv.URL+req.path, keys[req.who], "")
		fmt.Printf("GET %s (%s): %d %s\n", req.path, req.who, status, body)
	}
	// Output:
	// GET /admin/stats (anonymous): 401 {"detail":"Authentication credentials were not provided."}
	// GET /admin/stats (root): 200 stats
	// GET /admin/stats (alice): 403 {"detail":"You do not have permission to perform this action."}
	// GET /api/export (root): 200 export
	// GET /api/export (alice): 403 {"detail":"You do not have permission to perform this action."}
}
