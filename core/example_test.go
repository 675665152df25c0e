package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

// A plain net/http server: restauth's endpoints under /api/auth/, and an
// application route that only a logged-in user reaches.
func Example() {
	// Cheap hashing keeps the example fast; production keeps the default.
	hasher, _ := password.NewArgon2(password.FastArgon2Params())
	policy, _ := password.NewPolicy(password.WithHasher(hasher))
	auth, err := core.New(core.Config{
		Store:     memstore.New(), // sqlstore in production
		Passwords: policy,
		Logger:    slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	_, err = auth.CreateUser(context.Background(), core.NewUser{
		Username: "alice", Email: "alice@example.com", Password: "Correct-Horse-9", EmailVerified: true,
	})
	if err != nil {
		panic(err)
	}

	mux := http.NewServeMux()
	mux.Handle(auth.Prefix(), auth.Handler())
	mux.Handle("/api/hello/", auth.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, _ := core.UserFrom(r.Context())
		fmt.Fprintf(w, "Hello, %s!", user.Username)
	})))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// Log in as a dj-rest-auth client would: the answer is {"key": "..."}.
	res, err := http.Post(srv.URL+"/api/auth/login/", "application/json",
		strings.NewReader(`{"username":"alice","password":"Correct-Horse-9"}`))
	if err != nil {
		panic(err)
	}
	var login struct{ Key string }
	_ = json.NewDecoder(res.Body).Decode(&login)
	res.Body.Close()
	fmt.Println("login:", res.StatusCode, len(login.Key), "hex digits")

	get := func(authorization string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/hello/", nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		fmt.Println(res.StatusCode, string(body))
	}
	get("Token " + login.Key)
	get("")

	// Output:
	// login: 200 40 hex digits
	// 200 Hello, alice!
	// 401 {"detail":"Authentication credentials were not provided."}
}

// OptionalUser lets anonymous callers through; invalid credentials are
// still refused, as DRF does.
func ExampleAuth_OptionalUser() {
	auth, err := core.New(core.Config{Store: memstore.New(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		panic(err)
	}
	feed := auth.OptionalUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, ok := core.UserFrom(r.Context()); ok {
			fmt.Fprintf(w, "your feed, %s", user.Username)
			return
		}
		fmt.Fprint(w, "the public feed")
	}))
	for _, authorization := range []string{"", "Token 0123456789abcdef0123456789abcdef01234567"} {
		req := httptest.NewRequest(http.MethodGet, "/feed/", nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		feed.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Body.String())
	}
	// Output:
	// 200 the public feed
	// 401 {"detail":"Invalid token."}
}
