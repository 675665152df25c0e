package core_test

import (
	"encoding/json"
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

// csrfHeaderServer serves restauth's endpoints with the given methods
// (JWT cookies on, sessions in memory) and has user alice.
func csrfHeaderServer(t *testing.T, methods ...core.Method) *httptest.Server {
	t.Helper()
	h, _ := password.NewArgon2(password.FastArgon2Params())
	policy, _ := password.NewPolicy(password.WithHasher(h))
	auth, err := core.New(core.Config{
		Store: memstore.New(), Passwords: policy, SecretKey: []byte("csrf-header-test-secret-key-0123456789"),
		Methods: methods, InsecureCookies: true, Logger: slog.New(slog.DiscardHandler),
		Session: core.SessionConfig{Store: memstore.NewSessionStore()},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(auth.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// csrfHeaderDo sends method path with the header pairs and returns the
// response, its body read.
func csrfHeaderDo(t *testing.T, srv *httptest.Server, method, path, body string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// csrfCookieSet returns the csrftoken cookie res sets, or nil.
func csrfCookieSet(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == "csrftoken" {
			return c
		}
	}
	return nil
}

// TestCSRFCookieNotForHeaderClients: a request authenticated by an
// Authorization header restauth reads gets no csrftoken (as from
// dj-rest-auth, whose Bearer GET user/ sets no cookie), while a request
// that may rely on cookies still gets one, and login still rotates it.
func TestCSRFCookieNotForHeaderClients(t *testing.T) {
	srv := csrfHeaderServer(t, core.MethodJWT, core.MethodToken)
	res, body := csrfHeaderDo(t, srv, http.MethodPost, "/api/auth/login/", `{"username":"alice","password":"Secret-pass-123"}`)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", res.StatusCode, body)
	}
	if c := csrfCookieSet(res); c == nil || len(c.Value) != 64 {
		t.Fatalf("login did not set a csrftoken: %v", res.Cookies())
	}
	var out struct {
		Access string `json:"access"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Access == "" {
		t.Fatalf("login body %s", body)
	}
	var access string
	for _, c := range res.Cookies() {
		if c.Name == "access" {
			access = c.Value
		}
	}
	if access == "" {
		t.Fatal("login set no access cookie")
	}

	for _, tc := range []struct {
		name    string
		headers []string
		status  int
		cookie  bool
	}{
		{"Bearer", []string{"Authorization", "Bearer " + out.Access}, http.StatusOK, false},
		{"Bearer, two header lines", []string{"Authorization", "Bearer " + out.Access, "Authorization", "x"}, http.StatusUnauthorized, false},
		{"stale Bearer", []string{"Authorization", "Bearer " + out.Access + "x"}, http.StatusUnauthorized, false},
		{"Token keyword, any case", []string{"Authorization", "token " + strings.Repeat("a", 40)}, http.StatusUnauthorized, false},
		{"access cookie", []string{"Cookie", "access=" + access}, http.StatusOK, true},
		{"anonymous", nil, http.StatusUnauthorized, true},
		{"another scheme (a proxy's Basic)", []string{"Authorization", "Basic YWxpY2U6eA==", "Cookie", "access=" + access}, http.StatusUnauthorized, true},
		{"bearer in lower case (JWT header types are case-sensitive)", []string{"Authorization", "bearer " + out.Access}, http.StatusUnauthorized, true},
		{"empty Authorization", []string{"Authorization", ""}, http.StatusUnauthorized, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := csrfHeaderDo(t, srv, http.MethodGet, "/api/auth/user/", "", tc.headers...)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", res.StatusCode, tc.status, body)
			}
			c := csrfCookieSet(res)
			if got := c != nil; got != tc.cookie {
				t.Fatalf("csrftoken set: %v, want %v (%q)", got, tc.cookie, res.Header.Values("Set-Cookie"))
			}
			if c != nil && (len(c.Value) != 64 || c.MaxAge != 31449600 || c.Path != "/" || c.HttpOnly || c.SameSite != http.SameSiteLaxMode) {
				t.Errorf("csrftoken %+v", c)
			}
		})
	}

	// Login rotates the cookie whatever the request carries.
	res, body = csrfHeaderDo(t, srv, http.MethodPost, "/api/auth/login/", `{"username":"alice","password":"Secret-pass-123"}`,
		"Authorization", "Bearer "+out.Access)
	if res.StatusCode != http.StatusOK || csrfCookieSet(res) == nil {
		t.Errorf("login with a Bearer header: %d, cookies %q, %s", res.StatusCode, res.Header.Values("Set-Cookie"), body)
	}
}

// TestCSRFCookieTokenKeywordNeedsTokenMethod: "Token" is a header
// credential only where the token method is configured; in a JWT-only
// configuration the JWT method ignores it and cookies may still carry
// authentication, so the csrftoken is handed out.
func TestCSRFCookieTokenKeywordNeedsTokenMethod(t *testing.T) {
	srv := csrfHeaderServer(t, core.MethodJWT)
	res, body := csrfHeaderDo(t, srv, http.MethodGet, "/api/auth/user/", "", "Authorization", "Token "+strings.Repeat("a", 40))
	if res.StatusCode != http.StatusUnauthorized || csrfCookieSet(res) == nil {
		t.Errorf("status %d, cookies %q: %s", res.StatusCode, res.Header.Values("Set-Cookie"), body)
	}
}

// TestCSRFCookieSessionWithToken: with sessions and DB tokens, a Token
// client gets no csrftoken and a session client without one gets it.
func TestCSRFCookieSessionWithToken(t *testing.T) {
	srv := csrfHeaderServer(t, core.MethodSession, core.MethodToken)
	res, body := csrfHeaderDo(t, srv, http.MethodPost, "/api/auth/login/", `{"username":"alice","password":"Secret-pass-123"}`)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", res.StatusCode, body)
	}
	var out struct {
		Key string `json:"key"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.Key == "" {
		t.Fatalf("login body %s", body)
	}
	var sid string
	for _, c := range res.Cookies() {
		if c.Name == "sessionid" {
			sid = c.Value
		}
	}
	res, body = csrfHeaderDo(t, srv, http.MethodGet, "/api/auth/user/", "", "Authorization", "Token "+out.Key)
	if res.StatusCode != http.StatusOK || csrfCookieSet(res) != nil {
		t.Errorf("Token client: %d, cookies %q: %s", res.StatusCode, res.Header.Values("Set-Cookie"), body)
	}
	res, body = csrfHeaderDo(t, srv, http.MethodGet, "/api/auth/user/", "", "Cookie", "sessionid="+sid)
	if res.StatusCode != http.StatusOK || csrfCookieSet(res) == nil {
		t.Errorf("session client: %d, cookies %q: %s", res.StatusCode, res.Header.Values("Set-Cookie"), body)
	}
}
