package core_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

// TestRequire runs the authorization suite on core's own net/http
// middleware, the reference for the adapters.
func TestRequire(t *testing.T) {
	authtest.RunRequire(t, authtest.NetHTTPRequire)
}

// requireAuth returns a token-authenticating service on a memory store,
// with users admin (staff) and bob and their token keys.
func requireAuth(t *testing.T, logs io.Writer) (a *core.Auth, login func(h http.Handler, name string) string) {
	t.Helper()
	h, _ := password.NewArgon2(password.FastArgon2Params())
	policy, _ := password.NewPolicy(password.WithHasher(h))
	a, err := core.New(core.Config{Store: memstore.New(), Passwords: policy, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, nu := range []core.NewUser{
		{Username: "admin", Password: "Secret-pass-123", IsStaff: true},
		{Username: "bob", Password: "Secret-pass-123"},
	} {
		if _, err := a.CreateUser(t.Context(), nu); err != nil {
			t.Fatal(err)
		}
	}
	return a, func(h http.Handler, name string) string {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/api/auth/login/", strings.NewReader(`{"username":"`+name+`","password":"Secret-pass-123"}`))
		r.Header.Set("Content-Type", "application/json")
		h.ServeHTTP(w, r)
		var body struct{ Key string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Key == "" {
			t.Fatalf("login %s: %d %s", name, w.Code, w.Body)
		}
		return body.Key
	}
}

// TestRequireEdges: a nil predicate only requires authentication, and a
// panicking predicate is a logged 500, not a dropped connection.
func TestRequireEdges(t *testing.T) {
	var logs bytes.Buffer
	a, login := requireAuth(t, &logs)
	mux := http.NewServeMux()
	mux.Handle(a.Prefix(), a.Handler())
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, _ := core.UserFrom(r.Context())
		_, _ = io.WriteString(w, u.Username)
	})
	mux.Handle("/any/", a.Require(nil)(ok))
	mux.Handle("/panic/", a.Require(func(*core.Principal) bool { panic("predicate bug") })(ok))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	bobKey := login(mux, "bob")
	get := func(path, key string) (int, string) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Token "+key)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, body := get("/any/", bobKey); code != http.StatusOK || body != "bob" {
		t.Errorf("Require(nil), bob: %d %s", code, body)
	}
	if code, body := get("/any/", ""); code != http.StatusUnauthorized || body != `{"detail":"Authentication credentials were not provided."}` {
		t.Errorf("Require(nil), anonymous: %d %s", code, body)
	}
	if code, body := get("/panic/", bobKey); code != http.StatusInternalServerError || body != `{"detail":"A server error occurred."}` {
		t.Errorf("panicking predicate: %d %s", code, body)
	}
	if !strings.Contains(logs.String(), "predicate bug") {
		t.Errorf("the panic was not logged: %s", logs.String())
	}
	if code, _ := get("/panic/", ""); code != http.StatusUnauthorized {
		t.Errorf("panicking predicate, anonymous: %d, want 401 (the predicate never runs)", code)
	}
}

// TestAuthorize checks the decision on a principal at hand and the
// resolved rejections of CheckAllow.
func TestAuthorize(t *testing.T) {
	a, login := requireAuth(t, io.Discard)
	admin, err := a.Config().Store.UserByUsername(t.Context(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	if !admin.IsStaff {
		t.Fatal("CreateUser did not store IsStaff")
	}
	var e *core.Error
	if _, err := a.Authorize(t.Context(), nil, core.IsStaff); !errors.As(err, &e) || e.Kind != core.KindAuthentication ||
		e.Detail != "Authentication credentials were not provided." {
		t.Errorf("Authorize(nil principal) = %v, want the not-authenticated failure", err)
	}
	p := &core.Principal{User: admin, Method: core.MethodToken}
	if got, err := a.Authorize(t.Context(), p, core.IsStaff); err != nil || got != p {
		t.Errorf("Authorize(admin, IsStaff) = %v, %v; want the same principal", got, err)
	}
	if _, err := a.Authorize(t.Context(), p, core.IsSuperuser); !errors.As(err, &e) || e.Status != http.StatusForbidden ||
		e.Detail != "You do not have permission to perform this action." {
		t.Errorf("Authorize(admin, IsSuperuser) = %v, want 403 PermissionDenied", err)
	}
	// Stateless: only the ID is known until Authorize loads the user.
	stateless := &core.Principal{User: &core.User{ID: admin.ID, IsActive: true}, Method: core.MethodJWT, Stateless: true}
	got, err := a.Authorize(t.Context(), stateless, core.IsStaff)
	if err != nil || got.User.Username != "admin" || got.Stateless || !stateless.Stateless || stateless.User.Username != "" {
		t.Errorf("Authorize(stateless admin) = %+v, %v; want a loaded copy, the argument unchanged", got, err)
	}
	gone := &core.Principal{User: &core.User{ID: admin.ID + 100, IsActive: true}, Method: core.MethodJWT, Stateless: true}
	if _, err := a.Authorize(t.Context(), gone, core.IsStaff); !errors.As(err, &e) || e.Kind != core.KindAuthentication || e.Code != "user_not_found" {
		t.Errorf("Authorize(deleted stateless user) = %v, want user_not_found", err)
	}

	bobKey := login(a.Handler(), "bob")
	r := httptest.NewRequest(http.MethodGet, "/admin/", nil)
	r.Header.Set("Authorization", "Token "+bobKey)
	_, _, err = a.CheckAllow(httptest.NewRecorder(), r, core.IsStaff)
	if !errors.As(err, &e) || e.Kind != core.KindStatus || e.Status != http.StatusForbidden || e.Header.Get("Cache-Control") != "no-store" ||
		e.Header.Get("WWW-Authenticate") != "" {
		t.Errorf("CheckAllow(bob) = %#v, want a resolved 403", err)
	}
	_, _, err = a.CheckAllow(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/admin/", nil), core.IsStaff)
	if !errors.As(err, &e) || e.Status != http.StatusUnauthorized || e.Header.Get("WWW-Authenticate") != "Token" {
		t.Errorf("CheckAllow(anonymous) = %#v, want a resolved 401 with the challenge", err)
	}
}
