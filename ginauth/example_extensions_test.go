package ginauth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/ginauth"
)

// phones is the application's own table: one phone number per user.
type phones struct {
	mu   sync.Mutex
	byID map[int64]string
}

// save returns the core.Save that stores phone for the user it is given.
func (p *phones) save(phone string) core.Save {
	return func(_ context.Context, u *core.User) error {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.byID[u.ID] = phone
		return nil
	}
}

// readPhone reads "phone" (required unless partial) in international
// format, reporting a bad one as a field error.
func readPhone(f *core.Form, required bool) (string, bool) {
	phone, ok := f.String(core.StringField{Name: "phone", Required: required, MaxLength: 20})
	if ok && !strings.HasPrefix(phone, "+") {
		f.AddError("phone", "Enter the number in international format (+…).")
		return "", false
	}
	return phone, ok
}

// The extension points in one Gin app: a phone number on user/ and at
// registration, a roles claim in the JWTs, and an admin route for staff.
func Example_extensionPoints() {
	book := &phones{byID: map[int64]string{}}
	cfg := core.Config{
		Store:             memstore.New(), // sqlstore in production
		Methods:           []core.Method{core.MethodJWT},
		SecretKey:         []byte("example-secret-key-of-at-least-32-bytes"),
		EmailVerification: core.VerifyNone,
		Logger:            slog.New(slog.DiscardHandler),
		UserFields: core.UserFields{
			Render: func(_ context.Context, u *core.User) (map[string]any, error) {
				book.mu.Lock()
				defer book.mu.Unlock()
				return map[string]any{"phone": book.byID[u.ID]}, nil
			},
			Parse: func(_ context.Context, _ *core.User, f *core.Form, partial bool) (core.Save, error) {
				if phone, ok := readPhone(f, !partial); ok {
					return book.save(phone), nil
				}
				return nil, nil
			},
		},
		RegistrationFields: core.RegistrationFields{
			Parse: func(_ context.Context, f *core.Form) (core.Save, error) {
				if phone, ok := readPhone(f, true); ok {
					return book.save(phone), nil
				}
				return nil, nil
			},
		},
	}
	cfg.JWT.Claims = func(_ context.Context, u *core.User) (map[string]any, error) {
		if u.IsStaff {
			return map[string]any{"roles": []string{"admin"}}, nil
		}
		return map[string]any{"roles": []string{"member"}}, nil
	}
	argon, _ := password.NewArgon2(password.FastArgon2Params()) // fast for the example
	cfg.Passwords, _ = password.NewPolicy(password.WithHasher(argon))

	r := gin.New()
	auth, err := ginauth.Register(r, cfg)
	if err != nil {
		log.Fatal(err)
	}
	r.GET("/api/roles/", auth.RequireUser(), func(c *gin.Context) {
		p, _ := ginauth.Principal(c)
		c.JSON(http.StatusOK, gin.H{"roles": p.Claims["roles"]})
	})
	r.GET("/api/admin/", auth.RequireStaff(), func(c *gin.Context) {
		c.JSON(http.StatusOK, gin.H{"admin": true})
	})
	srv := httptest.NewServer(r)
	defer srv.Close()

	do := func(method, path, access, body string) string {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if access != "" {
			req.Header.Set("Authorization", "Bearer "+access)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return fmt.Sprintf("%d %s", res.StatusCode, b)
	}
	signUp := `{"username":"ann","email":"ann@example.com","password1":"Correct-Horse-9","password2":"Correct-Horse-9"`
	fmt.Println(do(http.MethodPost, "/api/auth/registration/", "", signUp+`,"phone":"0123"}`))
	answer := do(http.MethodPost, "/api/auth/registration/", "", signUp+`,"phone":"+44 20 7946 0000"}`)
	var login struct {
		Access string
		User   json.RawMessage
	}
	_ = json.Unmarshal([]byte(answer[4:]), &login)
	fmt.Println(answer[:3], string(login.User))
	fmt.Println(do(http.MethodGet, "/api/roles/", login.Access, ""))
	fmt.Println(do(http.MethodGet, "/api/admin/", login.Access, ""))
	// Output:
	// 400 {"phone":["Enter the number in international format (+…)."]}
	// 201 {"pk":1,"username":"ann","email":"ann@example.com","first_name":"","last_name":"","phone":"+44 20 7946 0000"}
	// 200 {"roles":["member"]}
	// 403 {"detail":"You do not have permission to perform this action."}
}
