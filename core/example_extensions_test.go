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
	"sync"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

// exampleServer serves auth with cheap hashing and a quiet log, and
// returns a function sending one JSON request to it.
func exampleServer(cfg core.Config) (*core.Auth, func(method, path, auth, body string) string, func()) {
	hasher, _ := password.NewArgon2(password.FastArgon2Params())
	cfg.Passwords, _ = password.NewPolicy(password.WithHasher(hasher))
	cfg.Store = memstore.New()
	cfg.Logger = slog.New(slog.DiscardHandler)
	auth, err := core.New(cfg)
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle(auth.Prefix(), auth.Handler())
	mux.Handle("/api/roles/", auth.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := core.PrincipalFrom(r.Context())
		fmt.Fprintf(w, "roles: %v", p.Claims["roles"])
	})))
	srv := httptest.NewServer(mux)
	do := func(method, path, authorization, body string) string {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return fmt.Sprintf("%d %s", res.StatusCode, b)
	}
	return auth, do, srv.Close
}

// exampleKey logs in and returns the Authorization header of the token.
func exampleKey(do func(method, path, auth, body string) string, login string) string {
	answer := do(http.MethodPost, "/api/auth/login/", "", login)
	var body struct{ Key string }
	_ = json.Unmarshal([]byte(strings.SplitN(answer, " ", 2)[1]), &body)
	return "Token " + body.Key
}

// A phone number kept in the application's own table appears in user/
// and can be changed through it, with field errors in dj-rest-auth's shape.
func ExampleUserFields() {
	var mu sync.Mutex
	phones := map[int64]string{} // the application's table
	fields := core.UserFields{
		Render: func(_ context.Context, u *core.User) (map[string]any, error) {
			mu.Lock()
			defer mu.Unlock()
			return map[string]any{"phone": phones[u.ID]}, nil
		},
		Parse: func(_ context.Context, _ *core.User, f *core.Form, partial bool) (core.Save, error) {
			phone, ok := f.String(core.StringField{Name: "phone", Required: !partial, MaxLength: 16})
			if !ok {
				return nil, nil
			}
			if !strings.HasPrefix(phone, "+") {
				f.AddError("phone", "Enter a number in international format.")
				return nil, nil
			}
			return func(_ context.Context, u *core.User) error {
				mu.Lock()
				defer mu.Unlock()
				phones[u.ID] = phone
				return nil
			}, nil
		},
	}
	auth, do, stop := exampleServer(core.Config{UserFields: fields})
	defer stop()
	_, _ = auth.CreateUser(context.Background(), core.NewUser{Username: "alice", Password: "Correct-Horse-9"})
	key := exampleKey(do, `{"username":"alice","password":"Correct-Horse-9"}`)

	fmt.Println(do(http.MethodPatch, "/api/auth/user/", key, `{"phone":"0123"}`))
	fmt.Println(do(http.MethodPatch, "/api/auth/user/", key, `{"phone":"+44 20 7946 0000"}`))
	// Output:
	// 400 {"phone":["Enter a number in international format."]}
	// 200 {"pk":1,"username":"alice","email":"","first_name":"","last_name":"","phone":"+44 20 7946 0000"}
}

// Registration takes an extra member, checked with the others and stored
// with the new account; when storing it fails, no account is left behind.
func ExampleRegistrationFields() {
	accepted := map[int64]bool{}
	fields := core.RegistrationFields{
		Parse: func(_ context.Context, f *core.Form) (core.Save, error) {
			if v, _ := f.Value("accept_terms"); v != true {
				f.AddError("accept_terms", "You must accept the terms.")
				return nil, nil
			}
			return func(_ context.Context, u *core.User) error {
				accepted[u.ID] = true // one INSERT in a real application
				return nil
			}, nil
		},
	}
	_, do, stop := exampleServer(core.Config{RegistrationFields: fields, EmailVerification: core.VerifyNone})
	defer stop()
	signUp := `{"username":"bob","email":"bob@example.com","password1":"Correct-Horse-9","password2":"Correct-Horse-9"`
	fmt.Println(do(http.MethodPost, "/api/auth/registration/", "", signUp+`}`))
	answer := do(http.MethodPost, "/api/auth/registration/", "", signUp+`,"accept_terms":true}`)
	fmt.Println(answer[:3], accepted)
	// Output:
	// 400 {"accept_terms":["You must accept the terms."]}
	// 201 map[1:true]
}

// A roles claim in every access token, read back by an application
// handler from the principal.
func ExampleClaimsFunc() {
	cfg := core.Config{
		Methods:   []core.Method{core.MethodJWT},
		SecretKey: []byte("an-example-secret-of-at-least-32-bytes!"),
	}
	cfg.JWT.Claims = func(_ context.Context, u *core.User) (map[string]any, error) {
		if u.IsStaff {
			return map[string]any{"roles": []string{"admin"}}, nil
		}
		return map[string]any{"roles": []string{"member"}}, nil
	}
	auth, do, stop := exampleServer(cfg)
	defer stop()
	_, _ = auth.CreateUser(context.Background(), core.NewUser{Username: "carol", Password: "Correct-Horse-9", IsStaff: true})
	answer := do(http.MethodPost, "/api/auth/login/", "", `{"username":"carol","password":"Correct-Horse-9"}`)
	var login struct{ Access string }
	_ = json.Unmarshal([]byte(strings.SplitN(answer, " ", 2)[1]), &login)

	fmt.Println(do(http.MethodGet, "/api/roles/", "Bearer "+login.Access, ""))
	// Output:
	// 200 roles: [admin]
}

// Email-only accounts: sign up and log in by email; user/ has no username.
func ExampleConfig_emailOnly() {
	_, do, stop := exampleServer(core.Config{EmailOnly: true, EmailVerification: core.VerifyNone})
	defer stop()
	answer := do(http.MethodPost, "/api/auth/registration/", "",
		`{"email":"dana@example.com","password1":"Correct-Horse-9","password2":"Correct-Horse-9"}`)
	fmt.Println(answer[:3])
	key := exampleKey(do, `{"email":"dana@example.com","password":"Correct-Horse-9"}`)
	fmt.Println(do(http.MethodGet, "/api/auth/user/", key, ""))
	// Output:
	// 201
	// 200 {"pk":1,"email":"dana@example.com","first_name":"","last_name":""}
}

// Events reach the application after the answer: here, every login.
func ExampleEventFunc() {
	logins := make(chan string, 10)
	onEvent := func(_ context.Context, e core.Event) error {
		if e.Type == core.EventLogin {
			logins <- fmt.Sprintf("%s %s user=%d via %s", e.Type, e.Outcome, e.UserID, e.Method)
		}
		return nil
	}
	auth, do, stop := exampleServer(core.Config{OnEvent: onEvent})
	_, _ = auth.CreateUser(context.Background(), core.NewUser{Username: "erin", Password: "Correct-Horse-9"})
	exampleKey(do, `{"username":"erin","password":"Correct-Horse-9"}`)
	do(http.MethodPost, "/api/auth/login/", "", `{"username":"erin","password":"wrong"}`)
	stop()
	_ = auth.Close(context.Background()) // delivers what is queued
	close(logins)
	for l := range logins {
		fmt.Println(l)
	}
	// Output:
	// login success user=1 via token
	// login failure user=1 via
}
