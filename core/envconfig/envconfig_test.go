package envconfig

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
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
