package core_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

// extFunc is an Extension made of a function.
type extFunc func(a *core.Auth) ([]core.Endpoint, error)

func (f extFunc) Endpoints(a *core.Auth) ([]core.Endpoint, error) { return f(a) }

// op describes one method for the OpenAPI document.
func op(id string) map[string]core.Operation {
	return map[string]core.Operation{http.MethodPost: {ID: id, Responses: map[int]core.Response{http.StatusOK: {Description: "ok"}}}}
}

// TestExtensionValidation: New refuses invalid endpoints, naming them.
func TestExtensionValidation(t *testing.T) {
	serve := func(*core.Call) error { return nil }
	good := core.Endpoint{Path: "things/{id}/", Access: core.AccessAuthenticated, Operations: op("thing"), Serve: serve}
	for name, eps := range map[string][]core.Endpoint{
		"no Serve":      {{Path: "a/", Access: core.AccessAnonymous, Operations: op("a")}},
		"no Access":     {{Path: "a/", Operations: op("a"), Serve: serve}},
		"no Operations": {{Path: "a/", Access: core.AccessAnonymous, Serve: serve}},
		"operation without ID": {{Path: "a/", Access: core.AccessAnonymous, Serve: serve,
			Operations: map[string]core.Operation{http.MethodPost: {}}}},
		"method CONNECT": {{Path: "a/", Access: core.AccessAnonymous, Serve: serve,
			Operations: map[string]core.Operation{http.MethodConnect: {ID: "x"}}}},
		"absolute path":     {{Path: "/a/", Access: core.AccessAnonymous, Operations: op("a"), Serve: serve}},
		"no trailing slash": {{Path: "a", Access: core.AccessAnonymous, Operations: op("a"), Serve: serve}},
		"odd segment":       {{Path: "a b/", Access: core.AccessAnonymous, Operations: op("a"), Serve: serve}},
		"dot segment":       {{Path: "a/../login/", Access: core.AccessAnonymous, Operations: op("a"), Serve: serve}},
		"placeholder twice": {{Path: "{x}/{x}/", Access: core.AccessAnonymous, Operations: op("a"), Serve: serve}},
		"core's path":       {{Path: "login/", Access: core.AccessAnonymous, Operations: op("a"), Serve: serve}},
		"core's unmounted":  {{Path: "token/refresh/", Access: core.AccessAnonymous, Operations: op("a"), Serve: serve}},
		"same shape twice":  {good, {Path: "things/{pk}/", Access: core.AccessAnonymous, Operations: op("b"), Serve: serve}},
	} {
		_, err := core.New(core.Config{Store: memstore.New(),
			Extensions: []core.Extension{extFunc(func(*core.Auth) ([]core.Endpoint, error) { return eps, nil })}})
		if err == nil || !strings.Contains(err.Error(), "Extensions[0]") {
			t.Errorf("%s: New = %v, want an error naming the extension", name, err)
		}
	}
	boom := errors.New("boom")
	if _, err := core.New(core.Config{Store: memstore.New(),
		Extensions: []core.Extension{extFunc(func(*core.Auth) ([]core.Endpoint, error) { return nil, boom })}}); !errors.Is(err, boom) {
		t.Errorf("an extension's error: %v", err)
	}
	if _, err := core.New(core.Config{Store: memstore.New(), Extensions: []core.Extension{nil}}); err == nil {
		t.Error("a nil extension was accepted")
	}
}

// TestExtensionEndpoints: an extension's endpoints are served through
// Handler with core's request cycle: 405 with Allow, authentication,
// path values, the body decoder, errors in dj-rest-auth's shape, the 503
// of a store failure, and events with the provider.
func TestExtensionEndpoints(t *testing.T) {
	store := memstore.New()
	var logs bytes.Buffer
	var seen []string
	ext := extFunc(func(a *core.Auth) ([]core.Endpoint, error) {
		return []core.Endpoint{
			{Path: "echo/{id}/name/{name}/", Name: "Echo", Access: core.AccessAnonymous, Operations: op("echo"),
				Serve: func(c *core.Call) error {
					f, err := c.Form()
					if err != nil {
						return err
					}
					v, _ := f.String(core.StringField{Name: "v", Required: true})
					if err := f.Err(); err != nil {
						return err
					}
					seen = append(seen, c.PathValue("id")+"|"+c.PathValue("name")+"|"+v+"|"+c.PathValue("missing"))
					core.WriteJSON(c.ResponseWriter(), http.StatusOK, map[string]string{"ok": "1"})
					return nil
				}},
			{Path: "whoami/", Access: core.AccessAuthenticated, Operations: map[string]core.Operation{http.MethodGet: {ID: "whoami"}},
				Serve: func(c *core.Call) error {
					core.WriteJSON(c.ResponseWriter(), http.StatusOK, map[string]string{"username": c.Principal().User.Username})
					return nil
				}},
			{Path: "login-as/{name}/", Access: core.AccessAnonymous, LogsIn: true, Operations: op("loginAs"),
				Serve: func(c *core.Call) error {
					u, err := a.Config().Store.UserByUsername(c.Request().Context(), c.PathValue("name"))
					if err != nil {
						return fmt.Errorf("%w: %w", core.ErrUnavailable, err)
					}
					c.Report(core.Event{Type: core.EventSocialConnect, Outcome: core.OutcomeSuccess, User: u, Provider: "test"})
					return c.Login(u, core.LoginOptions{Provider: "test"})
				}},
		}, nil
	})
	a, err := core.New(core.Config{Store: store, Extensions: []core.Extension{ext},
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), PasswordValidators: []password.Validator{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateUser(context.Background(), core.NewUser{Username: "ann", Password: "pw-12345678", SkipPasswordValidation: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	do := func(method, path, body string, header ...string) (int, string, http.Header) {
		req, _ := http.NewRequest(method, srv.URL+"/api/auth/"+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	if st, body, _ := do(http.MethodPost, "echo/7/name/zoë/", `{"v":"x"}`); st != 200 || body != `{"ok":"1"}` {
		t.Errorf("echo: %d %s", st, body)
	}
	if st, _, _ := do(http.MethodPost, "echo/8/name/bob", `{"v":"y"}`); st != 200 {
		t.Errorf("echo without the trailing slash: %d", st)
	}
	if strings.Join(seen, ",") != "7|zoë|x|,8|bob|y|" {
		t.Errorf("path values %v", seen)
	}
	if st, body, _ := do(http.MethodPost, "echo/7/name/zoë/", `{}`); st != 400 || body != `{"v":["This field is required."]}` {
		t.Errorf("field error: %d %s", st, body)
	}
	if st, body, _ := do(http.MethodPost, "echo/7/name/zoë/", `{"v":`); st != 400 || !strings.HasPrefix(body, `{"detail":"JSON parse error`) {
		t.Errorf("parse error: %d %s", st, body)
	}
	if st, _, h := do(http.MethodGet, "echo/7/name/zoë/", ""); st != 405 || h.Get("Allow") != "POST, OPTIONS" {
		t.Errorf("GET: %d, Allow %q", st, h.Get("Allow"))
	}
	for _, p := range []string{"echo/7/name/", "echo//name/x/", "echo/7/name/x/y/"} {
		if st, _, _ := do(http.MethodPost, p, `{"v":"x"}`); st != 404 {
			t.Errorf("POST %s: %d, want 404", p, st)
		}
	}
	if st, body, _ := do(http.MethodGet, "whoami/", ""); st != 401 || body != `{"detail":"Authentication credentials were not provided."}` {
		t.Errorf("anonymous whoami: %d %s", st, body)
	}
	st, body, _ := do(http.MethodPost, "login-as/ann/", "")
	if st != 200 || !strings.HasPrefix(body, `{"key":"`) {
		t.Fatalf("Call.Login: %d %s", st, body)
	}
	key := strings.TrimSuffix(strings.TrimPrefix(body, `{"key":"`), `"}`)
	if st, body, _ := do(http.MethodGet, "whoami/", "", "Authorization", "Token "+key); st != 200 || body != `{"username":"ann"}` {
		t.Errorf("whoami with the key: %d %s", st, body)
	}
	if st, _, h := do(http.MethodPost, "login-as/nobody/", ""); st != 503 || h.Get("Retry-After") == "" {
		t.Errorf("store failure: %d", st)
	}
	if !strings.Contains(logs.String(), "event=login outcome=success user_id=1") || !strings.Contains(logs.String(), "provider=test") ||
		!strings.Contains(logs.String(), "event=social_connect") {
		t.Errorf("events:\n%s", logs.String())
	}
	var mounted []string
	for _, rt := range a.Routes() {
		if rt.Path == "echo/{id}/name/{name}/" {
			mounted = append(mounted, rt.PathWith(func(n string) string { return ":" + n }))
			if !rt.Match("echo/1/name/x/") || rt.Match("echo/1/name/") || rt.Match("echo/1/x/y/") {
				t.Error("Route.Match")
			}
		}
	}
	if strings.Join(mounted, "") != "echo/:id/name/:name/" {
		t.Errorf("PathWith: %v", mounted)
	}
	doc, err := a.OpenAPI()
	if err != nil || !strings.Contains(string(doc), `"/api/auth/echo/{id}/name/{name}/"`) {
		t.Errorf("OpenAPI: %v", err)
	}
}

// TestLoginRefusals: Call.Login refuses an inactive user and, with
// mandatory verification, an unverified one, like login/.
func TestLoginRefusals(t *testing.T) {
	store := memstore.New()
	ext := extFunc(func(a *core.Auth) ([]core.Endpoint, error) {
		return []core.Endpoint{{Path: "login-as/{name}/", Access: core.AccessAnonymous, LogsIn: true, Operations: op("loginAs"),
			Serve: func(c *core.Call) error {
				u, err := store.UserByUsername(c.Request().Context(), c.PathValue("name"))
				if err != nil {
					return err
				}
				return c.Login(u, core.LoginOptions{})
			}}}, nil
	})
	a, err := core.New(core.Config{Store: store, Extensions: []core.Extension{ext}, EmailVerification: core.VerifyMandatory,
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.CreateUser(ctx, core.NewUser{Username: "unverified", Email: "u@example.com"}); err != nil {
		t.Fatal(err)
	}
	off, err := a.CreateUser(ctx, core.NewUser{Username: "off", Email: "o@example.com", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Deactivate(ctx, off.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateUser(ctx, core.NewUser{Username: "ok", Email: "k@example.com", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	for name, want := range map[string]string{
		"unverified": `{"non_field_errors":["E-mail is not verified."]}`,
		"off":        `{"non_field_errors":["Unable to log in with provided credentials."]}`,
	} {
		resp, err := http.Post(srv.URL+"/api/auth/login-as/"+name+"/", "application/json", nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || string(b) != want {
			t.Errorf("%s: %d %s", name, resp.StatusCode, b)
		}
	}
	resp, err := http.Post(srv.URL+"/api/auth/login-as/ok/", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("verified, active user: %d", resp.StatusCode)
	}
}

// TestGenerateUsername: NewUser.GenerateUsername makes a unique username
// from the suggestion, else the email, and accepts suggestions that are
// not valid usernames.
func TestGenerateUsername(t *testing.T) {
	a, err := core.New(core.Config{Store: memstore.New(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var names []string
	for _, nu := range []core.NewUser{
		{Username: "Octo Cat!", GenerateUsername: true},
		{Username: "octocat", GenerateUsername: true},
		{Email: "jane.doe@example.com", GenerateUsername: true},
		{GenerateUsername: true},
	} {
		u, err := a.CreateUser(ctx, nu)
		if err != nil {
			t.Fatalf("CreateUser(%+v): %v", nu, err)
		}
		names = append(names, u.Username)
	}
	if names[0] != "octocat" || !strings.HasPrefix(names[1], "octocat") || len(names[1]) != len("octocat")+4 ||
		names[2] != "jane.doe" || names[3] != "user" {
		t.Errorf("generated %v", names)
	}
	if _, err := a.CreateUser(ctx, core.NewUser{Email: "jane.doe@example.com", GenerateUsername: true}); err == nil {
		t.Error("a taken email was accepted")
	}
}
