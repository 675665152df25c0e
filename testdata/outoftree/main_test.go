package main

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
)

const password = "correct-Horse-battery-9"

// call sends a JSON request (no body when body is empty) with an optional
// DRF token and returns the status and the decoded JSON object.
func call(t *testing.T, method, url, token, body string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: status %d, body %q is not a JSON object", method, url, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode, out
}

// TestLoginThroughGinAndEcho drives the published modules through real
// HTTP servers: the protected route refuses anonymous callers and wrong
// passwords, a login through either framework returns a token both accept,
// and a logout through one revokes it for the other.
func TestLoginThroughGinAndEcho(t *testing.T) {
	a, err := newApp(core.Config{Store: memstore.New(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = a.auth.Close(t.Context()) })
	if _, err := a.auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Password: password}); err != nil {
		t.Fatal(err)
	}
	servers := map[string]*httptest.Server{
		"gin":  httptest.NewServer(a.gin),
		"echo": httptest.NewServer(a.echo),
	}
	for _, s := range servers {
		t.Cleanup(s.Close)
	}

	keys := map[string]string{}
	for _, via := range []string{"gin", "echo"} {
		base := servers[via].URL
		if status, _ := call(t, "GET", base+"/api/hello/", "", ""); status != http.StatusUnauthorized {
			t.Fatalf("%s: anonymous /api/hello/ = %d, want 401", via, status)
		}
		status, body := call(t, "POST", base+"/api/auth/login/", "", `{"username":"alice","password":"wrong-password-1"}`)
		if status != http.StatusBadRequest || body["non_field_errors"] == nil {
			t.Fatalf("%s: login with a wrong password = %d %v, want 400 with non_field_errors", via, status, body)
		}
		status, body = call(t, "POST", base+"/api/auth/login/", "", `{"username":"alice","password":"`+password+`"}`)
		key, _ := body["key"].(string)
		if status != http.StatusOK || key == "" {
			t.Fatalf("%s: login = %d %v, want 200 with a key", via, status, body)
		}
		keys[via] = key
	}

	// Each token works through both frameworks: one service, one store.
	for tokenFrom, key := range keys {
		for via, s := range servers {
			status, body := call(t, "GET", s.URL+"/api/hello/", key, "")
			if status != http.StatusOK || body["message"] != "Hello, alice!" || body["via"] != via {
				t.Fatalf("/api/hello/ on %s with the %s token = %d %v", via, tokenFrom, status, body)
			}
		}
	}

	// Logging out through Echo revokes the token for Gin too.
	if status, body := call(t, "POST", servers["echo"].URL+"/api/auth/logout/", keys["echo"], ""); status != http.StatusOK {
		t.Fatalf("logout = %d %v", status, body)
	}
	if status, _ := call(t, "GET", servers["gin"].URL+"/api/hello/", keys["echo"], ""); status != http.StatusUnauthorized {
		t.Fatalf("revoked token on gin = %d, want 401", status)
	}
	if status, _ := call(t, "GET", servers["gin"].URL+"/api/hello/", keys["gin"], ""); status != http.StatusOK {
		t.Fatalf("the other login's token on gin = %d, want 200", status)
	}
}
