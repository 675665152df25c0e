// Package envconfig reads the starters' environment contract (the
// RESTAUTH_* variables) into settings and applies them to a core.Config.
// The variables are a public interface: every example server reads the same
// ones, so each can be run and tested the same way.
//
//	RESTAUTH_ADDR                listen address             127.0.0.1:8000
//	RESTAUTH_DATABASE_URL        sqlite:PATH, postgres://…, mysql://…   sqlite:restauth.db
//	RESTAUTH_SECRET_KEY          signing secret (≥ 32 bytes) generated once, persisted next to the db
//	RESTAUTH_MODE                jwt, token, session or all  per example
//	RESTAUTH_EMAIL_VERIFICATION  none, optional, mandatory  optional
//	RESTAUTH_SMTP_ADDR           host:port of an SMTP server unset: mails printed to stdout
//	RESTAUTH_FRONTEND_URL        base URL for links in mails http:// + RESTAUTH_ADDR
//	RESTAUTH_INSECURE_COOKIES    1 drops Secure for plain-HTTP development
//	RESTAUTH_TRUSTED_ORIGINS     comma-separated origins for cookie-authenticated writes  the frontend URL's origin
//	RESTAUTH_THROTTLE            on or off: rate limits     on
//	RESTAUTH_USERNAME            on or off: off identifies accounts by email alone  on
//
// RESTAUTH_THROTTLE=off turns every rate limit off (core.ThrottleConfig's
// Disabled), for a client's test suite that registers and logs in many
// times from one address; never in production. RESTAUTH_USERNAME=off is
// allauth's username-less mode (core.Config.EmailOnly): registration and
// login take an email and no username, and the management commands take
// --email instead of --username.
//
// Optional SMTP details, read only when RESTAUTH_SMTP_ADDR is set:
//
//	RESTAUTH_SMTP_FROM           sender                     restauth <webmaster@localhost>
//	RESTAUTH_SMTP_SECURITY       none, starttls or tls      none for a loopback host, else starttls
//	RESTAUTH_SMTP_USER           AUTH PLAIN user            unset: no AUTH
//	RESTAUTH_SMTP_PASSWORD       AUTH PLAIN password
package envconfig

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// Variable names of the contract.
const (
	VarAddr              = "RESTAUTH_ADDR"
	VarDatabaseURL       = "RESTAUTH_DATABASE_URL"
	VarSecretKey         = "RESTAUTH_SECRET_KEY"
	VarMode              = "RESTAUTH_MODE"
	VarEmailVerification = "RESTAUTH_EMAIL_VERIFICATION"
	VarSMTPAddr          = "RESTAUTH_SMTP_ADDR"
	VarFrontendURL       = "RESTAUTH_FRONTEND_URL"
	VarInsecureCookies   = "RESTAUTH_INSECURE_COOKIES"
	VarTrustedOrigins    = "RESTAUTH_TRUSTED_ORIGINS"
	VarSMTPFrom          = "RESTAUTH_SMTP_FROM"
	VarSMTPSecurity      = "RESTAUTH_SMTP_SECURITY"
	VarSMTPUser          = "RESTAUTH_SMTP_USER"
	VarSMTPPassword      = "RESTAUTH_SMTP_PASSWORD"
	VarThrottle          = "RESTAUTH_THROTTLE"
	VarUsername          = "RESTAUTH_USERNAME"
)

// Defaults of the contract.
const (
	DefaultAddr        = "127.0.0.1:8000"
	DefaultDatabaseURL = "sqlite:restauth.db"
	DefaultSMTPFrom    = "restauth <webmaster@localhost>"
	// MinSecretKeyLength is the minimum length of RESTAUTH_SECRET_KEY in bytes.
	MinSecretKeyLength = 32
)

// Mode is the value of RESTAUTH_MODE.
type Mode string

// The modes of the contract.
const (
	ModeJWT     Mode = "jwt"
	ModeToken   Mode = "token"
	ModeSession Mode = "session"
	ModeAll     Mode = "all"
)

// Settings is the parsed environment.
type Settings struct {
	Addr              string
	DatabaseURL       string
	SecretKey         []byte
	Mode              Mode
	EmailVerification core.EmailVerification
	SMTPAddr          string
	SMTP              mail.SMTPConfig // filled when SMTPAddr is set
	FrontendURL       string
	InsecureCookies   bool
	TrustedOrigins    []string
	// DisableThrottle is RESTAUTH_THROTTLE=off.
	DisableThrottle bool
	// EmailOnly is RESTAUTH_USERNAME=off.
	EmailOnly bool
}

// Variable describes one variable of the contract, for help texts.
type Variable struct {
	Name    string
	Meaning string
	Default string
}

// Variables returns every variable of the contract with its meaning and
// default, for help texts; each SMTP detail follows RESTAUTH_SMTP_ADDR and
// is read only when it is set.
func Variables() []Variable {
	return []Variable{
		{VarAddr, "listen address", DefaultAddr},
		{VarDatabaseURL, "sqlite:PATH, postgres://… or mysql://user:pass@host:port/db", DefaultDatabaseURL},
		{VarSecretKey, "signing secret, at least 32 bytes", "generated once and saved beside the database, with a warning"},
		{VarMode, "jwt, token, session or all", "set by each starter"},
		{VarEmailVerification, "none, optional or mandatory", string(core.VerifyOptional)},
		{VarSMTPAddr, "host:port of an SMTP server", "unset: mails are printed to stdout"},
		{VarSMTPFrom, "sender of the mails", DefaultSMTPFrom},
		{VarSMTPSecurity, "none, starttls or tls", "none for a loopback host, else starttls"},
		{VarSMTPUser, "SMTP AUTH PLAIN user", "unset: no AUTH"},
		{VarSMTPPassword, "SMTP AUTH PLAIN password", "unset"},
		{VarFrontendURL, "base URL of the links in mails", "http:// + " + VarAddr},
		{VarInsecureCookies, "1 drops Secure from cookies, for plain-HTTP development", "unset"},
		{VarTrustedOrigins, "comma-separated origins allowed to write with cookie authentication", "the frontend URL's origin"},
		{VarThrottle, "on or off: off turns every rate limit off (testing a client; never in production)", "on"},
		{VarUsername, "on or off: off identifies accounts by email alone (allauth's username-less mode)", "on"},
	}
}

// Load reads the RESTAUTH_* variables through getenv (os.Getenv in a
// server, a map in tests). defaultMode is the example's own default for
// RESTAUTH_MODE. When RESTAUTH_SECRET_KEY is unset, a random key is
// generated once and persisted next to the database (see SecretKeyPath), and
// a warning is logged: fine for development, wrong for several instances.
// Every problem is reported at once, without echoing secret values.
func Load(getenv func(string) string, defaultMode Mode, logger *slog.Logger) (Settings, error) {
	if logger == nil {
		logger = slog.Default()
	}
	s := Settings{
		Addr:              or(getenv(VarAddr), DefaultAddr),
		DatabaseURL:       or(getenv(VarDatabaseURL), DefaultDatabaseURL),
		Mode:              Mode(or(getenv(VarMode), string(defaultMode))),
		EmailVerification: core.EmailVerification(or(getenv(VarEmailVerification), string(core.VerifyOptional))),
		SMTPAddr:          getenv(VarSMTPAddr),
		InsecureCookies:   getenv(VarInsecureCookies) == "1",
	}
	var errs []error
	var err error
	if s.DisableThrottle, err = offSwitch(getenv, VarThrottle); err != nil {
		errs = append(errs, err)
	}
	if s.EmailOnly, err = offSwitch(getenv, VarUsername); err != nil {
		errs = append(errs, err)
	}
	if s.SMTPAddr != "" {
		if err := s.loadSMTP(getenv); err != nil {
			errs = append(errs, err)
		}
	}
	switch s.Mode {
	case ModeJWT, ModeToken, ModeSession, ModeAll:
	default:
		errs = append(errs, fmt.Errorf("%s=%q: want jwt, token, session or all", VarMode, s.Mode))
	}
	switch s.EmailVerification {
	case core.VerifyNone, core.VerifyOptional, core.VerifyMandatory:
	default:
		errs = append(errs, fmt.Errorf("%s=%q: want none, optional or mandatory", VarEmailVerification, s.EmailVerification))
	}
	s.FrontendURL = strings.TrimRight(or(getenv(VarFrontendURL), "http://"+s.Addr), "/")
	front, err := url.Parse(s.FrontendURL)
	if err != nil || (front.Scheme != "http" && front.Scheme != "https") || front.Host == "" {
		errs = append(errs, fmt.Errorf("%s=%q: want an absolute http(s) URL", VarFrontendURL, s.FrontendURL))
	}
	if v := getenv(VarTrustedOrigins); v != "" {
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimSpace(o); o != "" {
				s.TrustedOrigins = append(s.TrustedOrigins, strings.TrimRight(o, "/"))
			}
		}
	} else if front != nil && front.Host != "" {
		s.TrustedOrigins = []string{front.Scheme + "://" + front.Host}
	}
	if key := getenv(VarSecretKey); key != "" {
		if len(key) < MinSecretKeyLength {
			errs = append(errs, fmt.Errorf("%s is %d bytes long: want at least %d", VarSecretKey, len(key), MinSecretKeyLength))
		}
		s.SecretKey = []byte(key)
	} else if len(errs) == 0 {
		path := SecretKeyPath(s.DatabaseURL)
		key, created, err := loadOrCreateSecret(path)
		if err != nil {
			errs = append(errs, err)
		} else {
			s.SecretKey = key
			if created {
				logger.Warn("restauth: RESTAUTH_SECRET_KEY is unset; generated a key and saved it for development. Set RESTAUTH_SECRET_KEY in production and share it between instances.", "path", path)
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return s, fmt.Errorf("restauth: environment: %w", err)
	}
	if s.DisableThrottle {
		logger.Warn("restauth: RESTAUTH_THROTTLE=off: every rate limit is off. Use it to test a client, never in production.")
	}
	return s, nil
}

// offSwitch reads an on/off variable: it reports true when the variable
// is off, false when it is on or unset.
func offSwitch(getenv func(string) string, name string) (bool, error) {
	switch v := strings.ToLower(strings.TrimSpace(getenv(name))); v {
	case "", "on", "1", "true":
		return false, nil
	case "off", "0", "false":
		return true, nil
	}
	return false, fmt.Errorf("%s=%q: want on or off", name, getenv(name))
}

// Apply sets the fields of cfg that the environment decides: the
// authentication methods of the mode, the secret key, cookie security,
// trusted origins, email verification, the frontend URL of mail links and
// the mailer (SMTP when RESTAUTH_SMTP_ADDR is set, else mails are printed
// to stdout). RESTAUTH_THROTTLE=off sets Throttle.Disabled and
// RESTAUTH_USERNAME=off sets EmailOnly; when on, they leave cfg's own
// values. In jwt mode it applies the starters' recommended settings:
// cookies "access" and "refresh" (HttpOnly, SameSite=Lax, Secure unless
// RESTAUTH_INSECURE_COOKIES=1), access lifetime 15 minutes, refresh 7 days,
// rotation with reuse detection, expirations in login bodies. Session and
// all modes need cfg.Session.Store set beforehand.
func (s Settings) Apply(cfg *core.Config) error {
	switch s.Mode {
	case ModeToken:
		cfg.Methods = []core.Method{core.MethodToken}
	case ModeJWT:
		cfg.Methods = []core.Method{core.MethodJWT}
		applyJWTDefaults(cfg)
	case ModeSession:
		cfg.Methods = []core.Method{core.MethodSession}
	case ModeAll:
		// The seed's combined example: JWT cookies for browsers, Token for
		// mobile clients, sessions for admins; JWT first decides 401.
		cfg.Methods = []core.Method{core.MethodJWT, core.MethodToken, core.MethodSession}
		applyJWTDefaults(cfg)
	default:
		return fmt.Errorf("restauth: %s=%q is not a mode", VarMode, s.Mode)
	}
	if usesSession(cfg) && cfg.Session.Store == nil {
		return fmt.Errorf("restauth: %s=%s needs Config.Session.Store (the starters use sqlstore's SessionStore)", VarMode, s.Mode)
	}
	cfg.SecretKey = s.SecretKey
	cfg.InsecureCookies = s.InsecureCookies
	cfg.CSRF.TrustedOrigins = s.TrustedOrigins
	cfg.EmailVerification = s.EmailVerification
	cfg.Accounts.FrontendURL = s.FrontendURL
	if s.DisableThrottle {
		cfg.Throttle.Disabled = true
	}
	if s.EmailOnly {
		cfg.EmailOnly = true
	}
	if s.SMTPAddr != "" {
		m, err := mail.NewSMTP(s.SMTP)
		if err != nil {
			return fmt.Errorf("restauth: %s: %w", VarSMTPAddr, err)
		}
		cfg.Accounts.Mailer = m
	} else {
		cfg.Accounts.Mailer = mail.NewConsole(os.Stdout, cfg.Logger)
	}
	return nil
}

// applyJWTDefaults sets the starters' JWT settings.
func applyJWTDefaults(cfg *core.Config) {
	cfg.JWT.AccessCookie = "access"
	cfg.JWT.RefreshCookie = "refresh"
	cfg.JWT.AccessLifetime = 15 * time.Minute
	cfg.JWT.RefreshLifetime = 7 * 24 * time.Hour
	cfg.JWT.ReturnExpiration = true
	cfg.JWT.UpdateLastLogin = true
}

// loadSMTP reads the optional SMTP variables.
func (s *Settings) loadSMTP(getenv func(string) string) error {
	host, _, err := net.SplitHostPort(s.SMTPAddr)
	if err != nil {
		return fmt.Errorf("%s=%q: want host:port", VarSMTPAddr, s.SMTPAddr)
	}
	security := mail.SecurityStartTLS
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		security = mail.SecurityNone
	}
	if v := getenv(VarSMTPSecurity); v != "" {
		if security, err = mail.ParseSecurity(v); err != nil {
			return fmt.Errorf("%s=%q: want none, starttls or tls", VarSMTPSecurity, v)
		}
	}
	s.SMTP = mail.SMTPConfig{
		Addr: s.SMTPAddr, From: or(getenv(VarSMTPFrom), DefaultSMTPFrom), Security: security,
		Username: getenv(VarSMTPUser), Password: getenv(VarSMTPPassword),
	}
	return nil
}

// SecretKeyPath is where a generated key is kept: beside a SQLite database
// file (PATH.secret), else restauth.secret in the working directory.
func SecretKeyPath(databaseURL string) string {
	if path, ok := strings.CutPrefix(databaseURL, "sqlite:"); ok && path != "" && !strings.Contains(path, ":memory:") && !strings.HasPrefix(path, "file:") {
		return path + ".secret"
	}
	return "restauth.secret"
}

// loadOrCreateSecret reads the key at path or writes a new random one with
// mode 0600.
func loadOrCreateSecret(path string) (key []byte, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k := []byte(strings.TrimSpace(string(b)))
		if len(k) < MinSecretKeyLength {
			return nil, false, fmt.Errorf("secret key file %s is too short: delete it to regenerate", path)
		}
		return k, false, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, false, fmt.Errorf("reading secret key file: %w", err)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, false, err
	}
	k := []byte(hex.EncodeToString(raw[:]))
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, false, fmt.Errorf("creating secret key directory: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) { // another process won the race
		return loadOrCreateSecret(path)
	}
	if err != nil {
		return nil, false, fmt.Errorf("writing secret key file: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(append(k, '\n')); err != nil {
		return nil, false, fmt.Errorf("writing secret key file: %w", err)
	}
	return k, true, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func usesSession(cfg *core.Config) bool {
	for _, m := range cfg.Methods {
		if m == core.MethodSession {
			return true
		}
	}
	return false
}
