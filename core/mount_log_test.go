package core_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/memstore"
)

// mountRecords builds a service from cfg and returns the records New
// logged, decoded from JSON.
func mountRecords(t *testing.T, cfg core.Config) (*core.Auth, []map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	cfg.Logger = slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if cfg.Store == nil {
		cfg.Store = memstore.New()
	}
	a, err := core.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		recs = append(recs, rec)
	}
	return a, recs
}

// TestMountLogMinimalWiring: with the README's minimal wiring, New says in
// one Info record what it mounted and in one record per endpoint why each
// other one is missing and which setting mounts it (Warn for the account
// endpoints a Mailer would mount, Info for the JWT ones, which a token app
// leaves out by choice); the missing ones do answer 404.
func TestMountLogMinimalWiring(t *testing.T) {
	a, recs := mountRecords(t, core.Config{})
	var info []map[string]any
	warned := map[string]map[string]any{}
	for _, r := range recs {
		switch r["level"] {
		case "INFO":
			if r["msg"] == "restauth: endpoints mounted" {
				info = append(info, r)
			}
			if ep, _ := r["endpoint"].(string); strings.Contains(ep, "/token/") {
				warned[ep] = r
			}
		case "WARN":
			if r["msg"] != "restauth: endpoint not mounted" {
				t.Errorf("unexpected warning %v", r)
				continue
			}
			if ep := r["endpoint"].(string); strings.Contains(ep, "/token/") {
				t.Errorf("%s: a JWT endpoint a token app leaves out is not a warning", ep)
			}
			warned[r["endpoint"].(string)] = r
		}
	}
	if len(info) != 1 || info[0]["endpoints"] != "login/ logout/ user/ password/change/ openapi.json/" || info[0]["prefix"] != "/api/auth/" {
		t.Fatalf("mounted record: %v", info)
	}
	want := map[string]string{ // endpoint → a word of the setting that mounts it
		"/api/auth/token/verify/":              "MethodJWT",
		"/api/auth/token/refresh/":             "MethodJWT",
		"/api/auth/registration/":              "Accounts.Mailer",
		"/api/auth/registration/verify-email/": "Accounts.Mailer",
		"/api/auth/registration/resend-email/": "Accounts.Mailer",
		"/api/auth/password/reset/":            "Accounts.Mailer",
		"/api/auth/password/reset/confirm/":    "Accounts.Mailer",
	}
	if len(warned) != len(want) {
		t.Errorf("warned about %d endpoints, want %d: %v", len(warned), len(want), warned)
	}
	for ep, setting := range want {
		r, ok := warned[ep]
		if !ok {
			t.Errorf("no warning for %s", ep)
			continue
		}
		if s, _ := r["setting"].(string); !strings.Contains(s, setting) {
			t.Errorf("%s: setting %q does not name %s", ep, s, setting)
		}
		if reason, _ := r["reason"].(string); reason == "" {
			t.Errorf("%s: no reason", ep)
		}
	}
	if r := warned["/api/auth/registration/"]; r != nil && !strings.Contains(r["setting"].(string), "VerifyNone") {
		t.Errorf("registration/: the setting does not mention the mail-less way: %v", r["setting"])
	}

	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	for _, p := range []string{"registration/", "password/reset/"} {
		res, err := http.Post(srv.URL+"/api/auth/"+p, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want the 404 the log explains", p, res.StatusCode)
		}
	}
}

// TestMountLogFullWiring: with JWT and a Mailer every endpoint is mounted,
// the Info record lists them as Routes does, and nothing is warned about.
func TestMountLogFullWiring(t *testing.T) {
	a, recs := mountRecords(t, core.Config{
		Methods:   []core.Method{core.MethodJWT},
		SecretKey: []byte("mount-log-test-secret-key-0123456789abcdef"),
		Accounts:  core.AccountConfig{Mailer: mail.NewOutbox(), FrontendURL: "https://app.example"},
		Prefix:    "/auth/",
	})
	defer a.Close(t.Context())
	var paths []string
	for _, r := range a.Routes() {
		paths = append(paths, r.Path)
	}
	if len(paths) != 12 {
		t.Errorf("Routes: %v, want the 12 endpoints", paths)
	}
	n := 0
	for _, r := range recs {
		if r["level"] == "WARN" {
			t.Errorf("warning with everything mounted: %v", r)
		}
		if r["msg"] == "restauth: endpoints mounted" {
			n++
			if r["endpoints"] != strings.Join(paths, " ") || r["prefix"] != "/auth/" {
				t.Errorf("mounted record %v, want %v under /auth/", r, paths)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d mounted records, want 1", n)
	}
}

// TestMountLogReasons: the reason follows the setting that left the
// endpoint out.
func TestMountLogReasons(t *testing.T) {
	_, recs := mountRecords(t, core.Config{
		SecretKey: []byte("mount-log-test-secret-key-0123456789abcdef"),
		Accounts:  core.AccountConfig{Mailer: mail.NewOutbox(), FrontendURL: "https://app.example", DisableRegistration: true},
	})
	got := map[string]string{}
	for _, r := range recs {
		if r["msg"] == "restauth: endpoint not mounted" {
			got[r["endpoint"].(string)] = r["setting"].(string)
			if r["level"] != "INFO" {
				t.Errorf("%v: a deliberate choice logged above Info", r)
			}
		}
	}
	for _, ep := range []string{"registration/", "registration/verify-email/", "registration/resend-email/"} {
		if !strings.Contains(got["/api/auth/"+ep], "DisableRegistration") {
			t.Errorf("%s: %q, want DisableRegistration named", ep, got["/api/auth/"+ep])
		}
	}
	if _, ok := got["/api/auth/password/reset/"]; ok || len(got) != 5 {
		t.Errorf("warnings %v: want the three registration endpoints and the two token endpoints", got)
	}

	_, recs = mountRecords(t, core.Config{EmailVerification: core.VerifyNone})
	for _, r := range recs {
		if r["msg"] == "restauth: endpoints mounted" && !strings.Contains(r["endpoints"].(string), "registration/") {
			t.Errorf("VerifyNone without a Mailer mounts registration/: %v", r)
		}
		if r["endpoint"] == "/api/auth/registration/" {
			t.Errorf("registration/ reported missing: %v", r)
		}
	}
}
