package envconfig

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "app.db")
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	s, err := Load(env(map[string]string{VarDatabaseURL: db}), ModeToken, logger)
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr != DefaultAddr || s.Mode != ModeToken || s.EmailVerification != core.VerifyOptional ||
		s.FrontendURL != "http://127.0.0.1:8000" || len(s.TrustedOrigins) != 1 || s.TrustedOrigins[0] != "http://127.0.0.1:8000" ||
		s.InsecureCookies || s.SMTPAddr != "" {
		t.Errorf("defaults: %+v", s)
	}
	if len(s.SecretKey) < MinSecretKeyLength {
		t.Fatalf("generated key too short: %d", len(s.SecretKey))
	}
	if !strings.Contains(logs.String(), "RESTAUTH_SECRET_KEY is unset") || strings.Contains(logs.String(), string(s.SecretKey)) {
		t.Errorf("warning missing or leaks the key: %s", logs.String())
	}
	info, err := os.Stat(filepath.Join(dir, "app.db.secret"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", info, err)
	}
	// The key is generated once: a second load reads the same one, quietly.
	logs.Reset()
	again, err := Load(env(map[string]string{VarDatabaseURL: db}), ModeToken, logger)
	if err != nil || string(again.SecretKey) != string(s.SecretKey) || logs.Len() != 0 {
		t.Errorf("second load: key changed=%v err=%v logs=%q", string(again.SecretKey) != string(s.SecretKey), err, logs.String())
	}
}

func TestLoadExplicit(t *testing.T) {
	key := strings.Repeat("k", 40)
	s, err := Load(env(map[string]string{
		VarAddr: "0.0.0.0:9000", VarDatabaseURL: "postgres://u@db/app", VarSecretKey: key, VarMode: "token",
		VarEmailVerification: "mandatory", VarSMTPAddr: "mail:25", VarFrontendURL: "https://app.example.com/",
		VarInsecureCookies: "1", VarTrustedOrigins: "https://a.example, https://b.example/",
	}), ModeJWT, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Addr != "0.0.0.0:9000" || string(s.SecretKey) != key || s.Mode != ModeToken || s.EmailVerification != core.VerifyMandatory ||
		s.SMTPAddr != "mail:25" || s.FrontendURL != "https://app.example.com" || !s.InsecureCookies ||
		strings.Join(s.TrustedOrigins, " ") != "https://a.example https://b.example" {
		t.Errorf("settings: %+v", s)
	}
	cfg := core.Config{}
	if err := s.Apply(&cfg); err != nil || len(cfg.Methods) != 1 || cfg.Methods[0] != core.MethodToken || cfg.EmailVerification != core.VerifyMandatory {
		t.Errorf("apply: %v %+v", err, cfg)
	}
}

func TestLoadRejectsBadValuesWithoutEchoingSecrets(t *testing.T) {
	short := "too-short-secret"
	_, err := Load(env(map[string]string{VarMode: "magic", VarEmailVerification: "sometimes", VarFrontendURL: "ftp://x", VarSecretKey: short}), ModeToken, nil)
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{VarMode, VarEmailVerification, VarFrontendURL, VarSecretKey} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
	if strings.Contains(err.Error(), short) {
		t.Error("error echoes the secret")
	}
}

func TestApplyModes(t *testing.T) {
	s := Settings{Mode: ModeJWT, SecretKey: []byte(strings.Repeat("s", 40)), InsecureCookies: true,
		TrustedOrigins: []string{"http://localhost:5173"}, EmailVerification: core.VerifyNone}
	var cfg core.Config
	if err := s.Apply(&cfg); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Methods) != 1 || cfg.Methods[0] != core.MethodJWT || cfg.JWT.AccessCookie != "access" || cfg.JWT.RefreshCookie != "refresh" ||
		cfg.JWT.AccessLifetime.Minutes() != 15 || cfg.JWT.RefreshLifetime.Hours() != 7*24 || !cfg.JWT.ReturnExpiration ||
		!cfg.InsecureCookies || string(cfg.SecretKey) != string(s.SecretKey) || cfg.CSRF.TrustedOrigins[0] != "http://localhost:5173" ||
		cfg.EmailVerification != core.VerifyNone {
		t.Errorf("jwt mode: %+v", cfg)
	}
	for _, m := range []Mode{ModeSession, ModeAll} {
		if err := (Settings{Mode: m}).Apply(&core.Config{}); err == nil || !strings.Contains(err.Error(), "Session.Store") {
			t.Errorf("%s without a session store: got %v", m, err)
		}
	}
	cfg = core.Config{Session: core.SessionConfig{Store: sessions.NewCookieStore([]byte(strings.Repeat("x", 32)))}}
	if err := (Settings{Mode: ModeAll}).Apply(&cfg); err != nil || len(cfg.Methods) != 3 || cfg.Methods[0] != core.MethodJWT || cfg.Methods[2] != core.MethodSession {
		t.Errorf("all mode: %v %v", err, cfg.Methods)
	}
}

func TestSecretKeyPath(t *testing.T) {
	for url, want := range map[string]string{
		"sqlite:data/app.db": "data/app.db.secret", "sqlite::memory:": "restauth.secret",
		"postgres://x/y": "restauth.secret", "mysql://x/y": "restauth.secret",
	} {
		if got := SecretKeyPath(url); got != want {
			t.Errorf("%s → %s, want %s", url, got, want)
		}
	}
}

func TestSMTPSettings(t *testing.T) {
	key := strings.Repeat("k", 40)
	load := func(extra map[string]string) (Settings, error) {
		m := map[string]string{VarSecretKey: key}
		for k, v := range extra {
			m[k] = v
		}
		return Load(env(m), ModeToken, nil)
	}
	s, err := load(map[string]string{VarSMTPAddr: "127.0.0.1:2525"})
	if err != nil || s.SMTP.Security != mail.SecurityNone || s.SMTP.From == "" {
		t.Errorf("loopback: %+v %v", s.SMTP, err)
	}
	s, err = load(map[string]string{VarSMTPAddr: "smtp.example.com:587", VarSMTPUser: "u", VarSMTPPassword: "p", VarSMTPFrom: "App <app@example.com>"})
	if err != nil || s.SMTP.Security != mail.SecurityStartTLS || s.SMTP.Username != "u" || s.SMTP.From != "App <app@example.com>" {
		t.Errorf("remote: %+v %v", s.SMTP, err)
	}
	s, err = load(map[string]string{VarSMTPAddr: "smtp.example.com:465", VarSMTPSecurity: "tls"})
	if err != nil || s.SMTP.Security != mail.SecurityImplicitTLS {
		t.Errorf("tls: %+v %v", s.SMTP, err)
	}
	if _, err := load(map[string]string{VarSMTPAddr: "smtp.example.com:25", VarSMTPSecurity: "maybe"}); err == nil {
		t.Error("bad security accepted")
	}
	if _, err := load(map[string]string{VarSMTPAddr: "no-port"}); err == nil {
		t.Error("address without port accepted")
	}

	var cfg core.Config
	s, _ = load(map[string]string{VarSMTPAddr: "127.0.0.1:2525"})
	if err := s.Apply(&cfg); err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Accounts.Mailer.(*mail.SMTPMailer); !ok || cfg.Accounts.FrontendURL != "http://127.0.0.1:8000" {
		t.Errorf("mailer %T, frontend %q", cfg.Accounts.Mailer, cfg.Accounts.FrontendURL)
	}
	s, _ = load(nil)
	cfg = core.Config{}
	if err := s.Apply(&cfg); err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Accounts.Mailer.(*mail.ConsoleMailer); !ok {
		t.Errorf("without SMTP: mailer %T, want the console", cfg.Accounts.Mailer)
	}
}

func TestOnOffSwitches(t *testing.T) {
	key := strings.Repeat("k", 40)
	for _, c := range []struct {
		throttle, username string
		offThrottle, email bool
	}{
		{"", "", false, false}, {"on", "on", false, false}, {"off", "off", true, true},
		{"OFF", " Off ", true, true}, {"1", "0", false, true}, {"false", "true", true, false},
	} {
		var logs bytes.Buffer
		s, err := Load(env(map[string]string{VarSecretKey: key, VarThrottle: c.throttle, VarUsername: c.username}), ModeToken,
			slog.New(slog.NewTextHandler(&logs, nil)))
		if err != nil || s.DisableThrottle != c.offThrottle || s.EmailOnly != c.email {
			t.Errorf("%q/%q: %+v %v", c.throttle, c.username, s, err)
			continue
		}
		if warned := strings.Contains(logs.String(), "RESTAUTH_THROTTLE=off"); warned != c.offThrottle {
			t.Errorf("%q: warning logged=%v", c.throttle, warned)
		}
		cfg := core.Config{}
		if err := s.Apply(&cfg); err != nil || cfg.Throttle.Disabled != c.offThrottle || cfg.EmailOnly != c.email {
			t.Errorf("%q/%q: apply: %v Disabled=%v EmailOnly=%v", c.throttle, c.username, err, cfg.Throttle.Disabled, cfg.EmailOnly)
		}
	}
	_, err := Load(env(map[string]string{VarSecretKey: key, VarThrottle: "sometimes", VarUsername: "maybe"}), ModeToken, nil)
	if err == nil || !strings.Contains(err.Error(), `RESTAUTH_THROTTLE="sometimes": want on or off`) ||
		!strings.Contains(err.Error(), `RESTAUTH_USERNAME="maybe": want on or off`) {
		t.Errorf("bad values: %v", err)
	}
	// On leaves the application's own choice alone.
	s, _ := Load(env(map[string]string{VarSecretKey: key}), ModeToken, nil)
	cfg := core.Config{EmailOnly: true, Throttle: core.ThrottleConfig{Disabled: true}}
	if err := s.Apply(&cfg); err != nil || !cfg.EmailOnly || !cfg.Throttle.Disabled {
		t.Errorf("apply with defaults overrode the config: %v %+v", err, cfg)
	}
}

// TestLogoutOnPasswordChangeSwitch: off unless set on; a bad value is
// refused; off leaves the application's own choice alone.
func TestLogoutOnPasswordChangeSwitch(t *testing.T) {
	key := strings.Repeat("k", 40)
	for value, want := range map[string]bool{"": false, "off": false, "0": false, "on": true, " ON ": true, "1": true, "true": true} {
		s, err := Load(env(map[string]string{VarSecretKey: key, VarLogoutOnPasswordChange: value}), ModeToken, nil)
		if err != nil || s.LogoutOnPasswordChange != want {
			t.Errorf("%q: %v, %v; want %v", value, s.LogoutOnPasswordChange, err, want)
			continue
		}
		cfg := core.Config{}
		if err := s.Apply(&cfg); err != nil || cfg.LogoutOnPasswordChange != want {
			t.Errorf("%q: apply: %v, %v", value, cfg.LogoutOnPasswordChange, err)
		}
	}
	if _, err := Load(env(map[string]string{VarSecretKey: key, VarLogoutOnPasswordChange: "later"}), ModeToken, nil); err == nil ||
		!strings.Contains(err.Error(), `RESTAUTH_LOGOUT_ON_PASSWORD_CHANGE="later": want on or off`) {
		t.Errorf("bad value: %v", err)
	}
	s, _ := Load(env(map[string]string{VarSecretKey: key}), ModeToken, nil)
	cfg := core.Config{LogoutOnPasswordChange: true}
	if err := s.Apply(&cfg); err != nil || !cfg.LogoutOnPasswordChange {
		t.Errorf("apply with the default overrode the config: %v", err)
	}
}

func TestLinkPageOrigins(t *testing.T) {
	key := strings.Repeat("k", 40)
	for _, c := range []struct {
		pages, frontend string
		want            []string
		mount           bool
	}{
		{"", "", []string{"http://127.0.0.1:8000"}, true},
		{"auto", "https://api.example.com", []string{"http://127.0.0.1:8000"}, true},
		{" ON ", "https://api.example.com/app/", []string{"https://api.example.com"}, true},
		{"on", "", []string{"http://127.0.0.1:8000"}, true},
		{"off", "", []string{"http://127.0.0.1:8000"}, false},
	} {
		s, err := Load(env(map[string]string{VarSecretKey: key, VarLinkPages: c.pages, VarFrontendURL: c.frontend}), ModeToken, nil)
		if err != nil {
			t.Errorf("%q: %v", c.pages, err)
			continue
		}
		if got, mount := s.LinkPageOrigins(); fmt.Sprint(got) != fmt.Sprint(c.want) || mount != c.mount {
			t.Errorf("%s=%q with %s=%q: %q %v, want %q %v", VarLinkPages, c.pages, VarFrontendURL, c.frontend, got, mount, c.want, c.mount)
		}
	}
	_, err := Load(env(map[string]string{VarSecretKey: key, VarLinkPages: "yes"}), ModeToken, nil)
	if err == nil || !strings.Contains(err.Error(), `RESTAUTH_LINK_PAGES="yes": want auto, on or off`) {
		t.Errorf("bad value: %v", err)
	}
}

// TestThrottleSwitchThroughHTTP: the starters' path (Load, Apply, New)
// with RESTAUTH_THROTTLE=off accepts 100 registrations from one address
// within one minute; with the default, the 21st within the minute is 429
// (allauth's signup limit, 20 per minute per IP) and the next minute
// accepts again.
func TestThrottleSwitchThroughHTTP(t *testing.T) {
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	serve := func(t *testing.T, throttle string) *httptest.Server {
		t.Helper()
		s, err := Load(env(map[string]string{VarSecretKey: strings.Repeat("k", 40), VarThrottle: throttle}), ModeToken,
			slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		h, err := password.NewArgon2(password.FastArgon2Params())
		if err != nil {
			t.Fatal(err)
		}
		policy, err := password.NewPolicy(password.WithHasher(h))
		if err != nil {
			t.Fatal(err)
		}
		cfg := core.Config{Store: memstore.New(), Passwords: policy, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }}
		if err := s.Apply(&cfg); err != nil {
			t.Fatal(err)
		}
		cfg.Accounts.Mailer, cfg.Accounts.SynchronousMail = mail.NewOutbox(), true // not the console
		a, err := core.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(a.Handler())
		t.Cleanup(srv.Close)
		return srv
	}
	register := func(t *testing.T, srv *httptest.Server, i int) *http.Response {
		t.Helper()
		body := fmt.Sprintf(`{"username":"client%d","email":"client%d@example.com","password1":"Quiet-harbor-71","password2":"Quiet-harbor-71"}`, i, i)
		res, err := http.Post(srv.URL+core.DefaultPrefix+"registration/", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}

	t.Run("off", func(t *testing.T) {
		srv := serve(t, "off")
		for i := range 100 {
			if res := register(t, srv, i); res.StatusCode != http.StatusCreated {
				t.Fatalf("registration %d: %d", i+1, res.StatusCode)
			}
		}
	})
	t.Run("default", func(t *testing.T) {
		srv := serve(t, "")
		for i := range 20 {
			if res := register(t, srv, i); res.StatusCode != http.StatusCreated {
				t.Fatalf("registration %d: %d", i+1, res.StatusCode)
			}
		}
		res := register(t, srv, 20)
		if retry, _ := strconv.Atoi(res.Header.Get("Retry-After")); res.StatusCode != http.StatusTooManyRequests || retry < 1 || retry > 60 {
			t.Fatalf("registration 21: %d Retry-After %q, want 429 within the minute", res.StatusCode, res.Header.Get("Retry-After"))
		}
		now = now.Add(time.Minute)
		if res := register(t, srv, 21); res.StatusCode != http.StatusCreated {
			t.Errorf("next minute: %d", res.StatusCode)
		}
	})
}

// TestVariablesDocumented: every variable of the contract is listed by
// Variables (the help text), in the package documentation and in the
// README's "Starters' environment".
func TestVariablesDocumented(t *testing.T) {
	src, err := os.ReadFile("envconfig.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, envSection, _ := strings.Cut(string(readme), "## Starters' environment")
	envSection, _, _ = strings.Cut(envSection, "\n## ")
	doc, _, _ := strings.Cut(string(src), "package envconfig")
	listed := map[string]bool{}
	for _, v := range Variables() {
		listed[v.Name] = true
		if v.Meaning == "" || v.Default == "" {
			t.Errorf("%s: meaning %q default %q", v.Name, v.Meaning, v.Default)
		}
	}
	all := []string{VarAddr, VarDatabaseURL, VarSecretKey, VarMode, VarEmailVerification, VarSMTPAddr, VarFrontendURL,
		VarInsecureCookies, VarTrustedOrigins, VarSMTPFrom, VarSMTPSecurity, VarSMTPUser, VarSMTPPassword, VarThrottle, VarUsername,
		VarGitHubClientID, VarGitHubClientSecret, VarGitHubRedirectURI, VarGitHubURL, VarGoogleClientID, VarGoogleClientSecret,
		VarGoogleRedirectURI, VarOIDCIssuer, VarOIDCClientID, VarOIDCClientSecret, VarOIDCRedirectURI, VarSocialEmailLinking,
		VarRedisURL, VarDatabaseSchema, VarLinkPages, VarLogoutOnPasswordChange}
	if len(listed) != len(all) {
		t.Errorf("Variables lists %d, the contract has %d", len(listed), len(all))
	}
	for _, name := range all {
		if !listed[name] {
			t.Errorf("%s missing from Variables", name)
		}
		if !strings.Contains(doc, "//\t"+name+" ") {
			t.Errorf("%s missing from the package documentation", name)
		}
		if !strings.Contains(envSection, "`"+name+"`") {
			t.Errorf("%s missing from the README's Starters' environment", name)
		}
	}
}
