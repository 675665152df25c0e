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
//	RESTAUTH_REDIS_URL           redis://…: rate limits, sessions, change wake-ups in Redis  unset: in the database
//	RESTAUTH_DATABASE_SCHEMA     restauth or django: an existing Django project's tables  restauth
//	RESTAUTH_LINK_PAGES          auto, on or off: serve the pages mailed links open (API starters)  auto
//	RESTAUTH_LOGOUT_ON_PASSWORD_CHANGE on or off: on ends the changer's own credential too  off
//
// RESTAUTH_THROTTLE=off turns every rate limit off (core.ThrottleConfig's
// Disabled), for a client's test suite that registers and logs in many
// times from one address; never in production. RESTAUTH_USERNAME=off is
// allauth's username-less mode (core.Config.EmailOnly): registration and
// login take an email and no username, and the management commands take
// --email instead of --username.
//
// RESTAUTH_REDIS_URL names a Redis server (redis://[user:password@]host:port/db,
// rediss://… for TLS, unix://…) that every instance shares. Load only
// checks its scheme; the starters hand it to redisstore.Configure (module
// github.com/restauth/restauth/redisstore, so that the root module links
// no Redis client), which keeps the rate-limit counters there and, in
// session and all modes, the sessions, under the key prefix "restauth:"
// or the one its query parameter prefix names (?prefix=shop:, so that
// applications can share a Redis database). Users, tokens and the change
// feed that tells instances of logouts and revocations stay in the
// database; Redis pub/sub carries the feed's wake-ups (channel
// "<prefix>changes"), so every instance enforces a change made on another,
// or by a management command, within milliseconds instead of at its next
// poll.
//
// RESTAUTH_LINK_PAGES decides whether an API starter serves the two
// pages that the mailed verification and reset links open (core/linkpages):
// auto serves them while the links point at http:// + RESTAUTH_ADDR, the
// default frontend URL; on serves them at RESTAUTH_FRONTEND_URL, for a
// server that is its own frontend behind a proxy (RESTAUTH_FRONTEND_URL=
// https://api.example.com); off never serves them (a separate frontend
// handles the links). See Settings.LinkPageOrigins.
//
// RESTAUTH_DATABASE_SCHEMA=django runs on an existing Django project's
// database, sharing its users, DRF tokens, SimpleJWT blacklist and
// sessions with the Django application (sqlstore.OpenDatabase with
// sqlstore.SchemaDjango; docs/django.md). RESTAUTH_SECRET_KEY must then
// be set, to the project's SECRET_KEY: Load refuses to generate one.
//
// Social login, read by the social module's FromEnv (not by Load, so
// that a starter without social login links no OAuth code): a provider
// is mounted when its client ID is set, socialaccounts/ when any is.
//
//	RESTAUTH_GITHUB_CLIENT_ID      GitHub OAuth app (with the secret): github/   unset
//	RESTAUTH_GITHUB_CLIENT_SECRET  its client secret            unset
//	RESTAUTH_GITHUB_REDIRECT_URI   its clients' redirect URI    unset
//	RESTAUTH_GITHUB_URL            a GitHub Enterprise Server (API at /api/v3)  https://github.com
//	RESTAUTH_GOOGLE_CLIENT_ID      Google OAuth client: google/  unset
//	RESTAUTH_GOOGLE_CLIENT_SECRET  its secret, for the code flow unset
//	RESTAUTH_GOOGLE_REDIRECT_URI   its clients' redirect URI    unset
//	RESTAUTH_OIDC_ISSUER           OpenID Connect issuer (with the client ID): oidc/  unset
//	RESTAUTH_OIDC_CLIENT_ID        client ID at the issuer      unset
//	RESTAUTH_OIDC_CLIENT_SECRET    its secret, for the code flow unset
//	RESTAUTH_OIDC_REDIRECT_URI     its clients' redirect URI    unset
//	RESTAUTH_SOCIAL_EMAIL_LINKING  on or off: log an identity in to the account with its verified address  off
//
// A redirect URI is the one the clients use in their authorization
// requests, sent again at the code exchange (dj-rest-auth's
// callback_url).
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
	"github.com/restauth/restauth/core/password"
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
	VarRedisURL          = "RESTAUTH_REDIS_URL"
	VarDatabaseSchema    = "RESTAUTH_DATABASE_SCHEMA"
	VarLinkPages         = "RESTAUTH_LINK_PAGES"
	// VarLogoutOnPasswordChange sets core.Config.LogoutOnPasswordChange.
	VarLogoutOnPasswordChange = "RESTAUTH_LOGOUT_ON_PASSWORD_CHANGE"
)

// Variables of social login. Load does not read them: the social module
// (social.FromEnv) does, so that a starter without social login does
// not link OAuth. They are listed here, with the rest of the contract,
// for help texts.
const (
	VarGitHubClientID     = "RESTAUTH_GITHUB_CLIENT_ID"
	VarGitHubClientSecret = "RESTAUTH_GITHUB_CLIENT_SECRET"
	VarGitHubRedirectURI  = "RESTAUTH_GITHUB_REDIRECT_URI"
	VarGitHubURL          = "RESTAUTH_GITHUB_URL"
	VarGoogleClientID     = "RESTAUTH_GOOGLE_CLIENT_ID"
	VarGoogleClientSecret = "RESTAUTH_GOOGLE_CLIENT_SECRET"
	VarGoogleRedirectURI  = "RESTAUTH_GOOGLE_REDIRECT_URI"
	VarOIDCIssuer         = "RESTAUTH_OIDC_ISSUER"
	VarOIDCClientID       = "RESTAUTH_OIDC_CLIENT_ID"
	VarOIDCClientSecret   = "RESTAUTH_OIDC_CLIENT_SECRET"
	VarOIDCRedirectURI    = "RESTAUTH_OIDC_REDIRECT_URI"
	VarSocialEmailLinking = "RESTAUTH_SOCIAL_EMAIL_LINKING"
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
	// RedisURL is RESTAUTH_REDIS_URL ("" when unset), for
	// redisstore.Configure.
	RedisURL string
	// DatabaseSchema is RESTAUTH_DATABASE_SCHEMA: SchemaRestauth
	// (restauth's own tables, the default) or SchemaDjango (an existing
	// Django project's tables; RESTAUTH_SECRET_KEY must then be set to
	// the project's SECRET_KEY). It names sqlstore's Schema values.
	DatabaseSchema string
	// LinkPages is RESTAUTH_LINK_PAGES: LinkPagesAuto (the default),
	// LinkPagesOn or LinkPagesOff; LinkPageOrigins applies it.
	LinkPages string
	// LogoutOnPasswordChange is RESTAUTH_LOGOUT_ON_PASSWORD_CHANGE=on.
	LogoutOnPasswordChange bool
}

// Values of RESTAUTH_LINK_PAGES.
const (
	LinkPagesAuto = "auto"
	LinkPagesOn   = "on"
	LinkPagesOff  = "off"
)

// LinkPageOrigins applies RESTAUTH_LINK_PAGES: it returns the origins
// whose mailed links this server serves pages for, as
// linkpages.Options.Origins, and whether to mount the pages at all. With
// auto the origin is http:// + Addr, so a development server answers its
// own links and a server whose links point at another frontend serves
// nothing; with on it is RESTAUTH_FRONTEND_URL's origin, which a proxy
// forwards to this server; off mounts nothing (the origins are auto's,
// for linkpages' RedactPath, which keeps the links' secrets out of access
// logs either way).
func (s Settings) LinkPageOrigins() (origins []string, mount bool) {
	self := []string{"http://" + s.Addr}
	switch s.LinkPages {
	case LinkPagesOff:
		return self, false
	case LinkPagesOn:
		u, err := url.Parse(s.FrontendURL)
		if err != nil || u.Host == "" {
			return self, true // Load refuses such a URL
		}
		return []string{u.Scheme + "://" + u.Host}, true
	default:
		return self, true
	}
}

// Values of RESTAUTH_DATABASE_SCHEMA.
const (
	SchemaRestauth = "restauth"
	SchemaDjango   = "django"
)

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
		{VarDatabaseSchema, "restauth or django: django shares an existing Django project's tables (auth_user, authtoken_token, django_session, …); needs " + VarSecretKey + " = its SECRET_KEY", SchemaRestauth},
		{VarLogoutOnPasswordChange, "on or off: on makes a password change end the changer's own token, JWT login or session too (dj-rest-auth's LOGOUT_ON_PASSWORD_CHANGE; recommended with " + VarDatabaseSchema + "=django, where one DRF key serves every device)", "off"},
		{VarLinkPages, "auto, on or off: serve the pages mailed verification and reset links open (API starters); on: at " + VarFrontendURL + ", this server behind a proxy", "auto: while the links point at http:// + " + VarAddr},
		{VarRedisURL, "redis://[user:password@]host:port/db (rediss:// for TLS): rate limits, sessions and the change feed's wake-ups in Redis, shared by every instance", "unset: in the database"},
		{VarGitHubClientID, "GitHub OAuth app's client ID, with " + VarGitHubClientSecret + ": mounts github/ (social login)", "unset"},
		{VarGitHubClientSecret, "GitHub OAuth app's client secret", "unset"},
		{VarGitHubRedirectURI, "redirect URI GitHub's clients use, sent at the code exchange", "unset"},
		{VarGitHubURL, "a GitHub Enterprise Server's URL (its API at /api/v3)", "https://github.com"},
		{VarGoogleClientID, "Google OAuth client ID: mounts google/ (social login)", "unset"},
		{VarGoogleClientSecret, "Google OAuth client secret, for the code flow", "unset"},
		{VarGoogleRedirectURI, "redirect URI Google's clients use, sent at the code exchange", "unset"},
		{VarOIDCIssuer, "OpenID Connect issuer URL, with " + VarOIDCClientID + ": mounts oidc/ (social login)", "unset"},
		{VarOIDCClientID, "client ID at that issuer", "unset"},
		{VarOIDCClientSecret, "client secret at that issuer, for the code flow", "unset"},
		{VarOIDCRedirectURI, "redirect URI its clients use, sent at the code exchange", "unset"},
		{VarSocialEmailLinking, "on or off: on logs a provider identity in to the account with the same address when both sides verified it", "off"},
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
	if s.LogoutOnPasswordChange, err = onSwitch(getenv, VarLogoutOnPasswordChange); err != nil {
		errs = append(errs, err)
	}
	if s.RedisURL, err = redisURL(getenv); err != nil {
		errs = append(errs, err)
	}
	switch s.DatabaseSchema = strings.ToLower(strings.TrimSpace(or(getenv(VarDatabaseSchema), SchemaRestauth))); s.DatabaseSchema {
	case SchemaRestauth:
	case SchemaDjango:
		if getenv(VarSecretKey) == "" {
			errs = append(errs, fmt.Errorf("%s=django needs %s set to the Django project's SECRET_KEY (it signs the shared sessions, reset and confirmation links)", VarDatabaseSchema, VarSecretKey))
		}
	default:
		errs = append(errs, fmt.Errorf("%s=%q: want restauth or django", VarDatabaseSchema, getenv(VarDatabaseSchema)))
	}
	switch s.LinkPages = strings.ToLower(strings.TrimSpace(or(getenv(VarLinkPages), LinkPagesAuto))); s.LinkPages {
	case LinkPagesAuto, LinkPagesOn, LinkPagesOff:
	default:
		errs = append(errs, fmt.Errorf("%s=%q: want auto, on or off", VarLinkPages, getenv(VarLinkPages)))
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

// onSwitch reads an on/off variable that is off when unset.
func onSwitch(getenv func(string) string, name string) (bool, error) {
	if strings.TrimSpace(getenv(name)) == "" {
		return false, nil
	}
	off, err := offSwitch(getenv, name)
	return !off, err
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
	if s.LogoutOnPasswordChange {
		cfg.LogoutOnPasswordChange = true
	}
	if s.DatabaseSchema == SchemaDjango && cfg.Passwords == nil {
		// Django's own argon2 parameters: otherwise each side would
		// re-hash the other's hashes at every login, ending the user's
		// Django sessions each time.
		h, err := password.NewArgon2(password.DjangoArgon2Params())
		if err != nil {
			return err
		}
		if cfg.Passwords, err = password.NewPolicy(password.WithHasher(h)); err != nil {
			return err
		}
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

// redisURL reads RESTAUTH_REDIS_URL and checks its scheme; the error never
// shows the value, which may hold a password.
func redisURL(getenv func(string) string) (string, error) {
	v := strings.TrimSpace(getenv(VarRedisURL))
	if v == "" {
		return "", nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss" && u.Scheme != "unix") ||
		(u.Scheme != "unix" && u.Host == "") {
		return "", fmt.Errorf("%s: want redis://[user:password@]host:port/db, rediss://… or unix://…", VarRedisURL)
	}
	return v, nil
}
