package core_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

// TestWithMethods protects an app route with a narrower chain than the
// endpoints': only DB tokens, so a valid session is refused there, with the
// Token challenge of the narrower chain.
func TestWithMethods(t *testing.T) {
	h, _ := password.NewArgon2(password.FastArgon2Params())
	policy, _ := password.NewPolicy(password.WithHasher(h))
	store := memstore.New()
	auth, err := core.New(core.Config{
		Store: store, Passwords: policy, SecretKey: []byte("with-methods-test-secret-key-0123456789"),
		Methods: []core.Method{core.MethodSession, core.MethodToken},
		Session: core.SessionConfig{Store: memstore.NewSessionStore()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.WithMethods(core.MethodJWT); err == nil {
		t.Error("an unconfigured method was accepted")
	}
	if _, err := auth.WithMethods(); err == nil {
		t.Error("an empty chain was accepted")
	}
	tokenOnly, err := auth.WithMethods(core.MethodToken)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(auth.Prefix(), auth.Handler())
	mux.Handle("/api/mobile/", tokenOnly.RequireUser(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})))
	srv := httptest.NewServer(mux)
	defer srv.Close()

	if _, err := auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	res, err := srv.Client().Post(srv.URL+"/api/auth/login/", "application/json", strings.NewReader(`{"username":"alice","password":"Secret-pass-123"}`))
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("login: %v %v", res, err)
	}
	var sid string
	for _, c := range res.Cookies() {
		if c.Name == "sessionid" {
			sid = c.Value
		}
	}
	res.Body.Close()
	get := func(path, name, value string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.Header.Set(name, value)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if r := get("/api/auth/user/", "Cookie", "sessionid="+sid); r.StatusCode != http.StatusOK {
		t.Errorf("session on the endpoints: %d", r.StatusCode)
	}
	r := get("/api/mobile/", "Cookie", "sessionid="+sid)
	if r.StatusCode != http.StatusUnauthorized || r.Header.Get("WWW-Authenticate") != "Token" {
		t.Errorf("session on the token-only route: %d %q", r.StatusCode, r.Header.Get("WWW-Authenticate"))
	}
}
