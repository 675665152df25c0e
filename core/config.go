package core

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/restauth/restauth/core/password"
)

// Method names an authentication method. Config.Methods lists them in the
// order they are tried, like DRF's DEFAULT_AUTHENTICATION_CLASSES.
type Method string

const (
	// MethodToken is DRF's TokenAuthentication: "Authorization: Token <key>"
	// with opaque keys stored as SHA-256 digests.
	MethodToken Method = "token"
	// MethodJWT is dj-rest-auth's JWTCookieAuthentication: a SimpleJWT
	// access token in "Authorization: Bearer <jwt>" or, without any
	// Authorization header, in the access cookie (with CSRF checks).
	MethodJWT Method = "jwt"
	// MethodSession is DRF's SessionAuthentication: a server-side session
	// in the "sessionid" cookie, with Django's CSRF rules on unsafe
	// requests. It offers no WWW-Authenticate challenge, so when it comes
	// first every authentication failure is a 403.
	MethodSession Method = "session"
)

// LoginField chooses which identifiers login accepts, like allauth's
// ACCOUNT_LOGIN_METHODS.
type LoginField string

const (
	// LoginByUsernameOrEmail accepts either; a non-blank email wins when
	// both are sent (allauth's "username_email").
	LoginByUsernameOrEmail LoginField = "username_email"
	// LoginByUsername accepts only the username (allauth's default).
	LoginByUsername LoginField = "username"
	// LoginByEmail accepts only the email.
	LoginByEmail LoginField = "email"
)

// EmailVerification is allauth's ACCOUNT_EMAIL_VERIFICATION.
type EmailVerification string

const (
	// VerifyNone sends no verification mail and never blocks login.
	VerifyNone EmailVerification = "none"
	// VerifyOptional sends a verification mail but does not block login.
	VerifyOptional EmailVerification = "optional"
	// VerifyMandatory blocks login until the email is verified.
	VerifyMandatory EmailVerification = "mandatory"
)

// Config configures restauth. The zero value of every field except Store
// means "use the documented default"; New validates the result.
type Config struct {
	// Store persists users and credentials. Required.
	Store Store

	// Prefix is the URL path under which the endpoints are mounted, with a
	// leading and trailing slash. Default "/api/auth/".
	Prefix string

	// Methods are the authentication methods, tried in order; the first
	// that finds credentials decides, and the first in the list decides
	// between 401 (with its WWW-Authenticate challenge) and 403.
	// Default [MethodToken].
	Methods []Method

	// LoginField selects the identifiers login accepts.
	// Default LoginByUsernameOrEmail.
	LoginField LoginField

	// EmailOnly makes accounts identified by their email alone, allauth's
	// username-less mode (ACCOUNT_USER_MODEL_USERNAME_FIELD = None with
	// ACCOUNT_LOGIN_METHODS = {"email"}): registration requires an email
	// and takes no username, login accepts only the email (LoginField
	// must be unset or LoginByEmail), and user/ neither shows nor accepts
	// "username". Each account still gets a unique username, generated
	// from the email's local part as allauth does, because the store (and
	// Django's auth_user) keys on it; it is never shown to the client, and
	// switching the mode off later exposes it. Default false.
	EmailOnly bool

	// EmailVerification is allauth's verification mode; with
	// VerifyMandatory, login answers 400 "E-mail is not verified." after
	// the password was checked. Default VerifyOptional.
	EmailVerification EmailVerification

	// SecretKey is the server secret (Django's SECRET_KEY): the default
	// HS256 JWT signing key. At least 32 bytes; required when MethodJWT is
	// configured without its own key. Share it between instances. Values
	// from tutorials and templates ("changeme", "django-insecure-…") are
	// refused whatever their length.
	SecretKey []byte

	// JWT configures JWT authentication (MethodJWT). See JWTConfig.
	JWT JWTConfig

	// Accounts configures registration, email verification and password
	// reset, and the mails they send. See AccountConfig.
	Accounts AccountConfig

	// UserFields adds the application's own members to the user
	// representation and lets PUT/PATCH user/ write them. See UserFields.
	UserFields UserFields

	// RegistrationFields reads and stores extra registration/ members.
	// See RegistrationFields.
	RegistrationFields RegistrationFields

	// Extensions mount further endpoints under Prefix, served with
	// restauth's request cycle and listed by Routes (social login is one).
	// See Extension. Default none.
	Extensions []Extension

	// OnEvent receives an Event after each login, logout, registration,
	// email verification, password change or reset, refresh-token reuse
	// and throttled request, off the request path (see EventFunc). The
	// audit records restauth logs through Logger are the same events.
	// Default nil: events are only logged.
	OnEvent EventFunc

	// Throttle configures rate limits and which proxies' forwarded headers
	// are trusted for the client IP. See ThrottleConfig.
	Throttle ThrottleConfig

	// Session configures session authentication (MethodSession). See
	// SessionConfig.
	Session SessionConfig

	// CSRF configures the checks on cookie-authenticated unsafe requests.
	// See CSRFConfig.
	CSRF CSRFConfig

	// InsecureCookies drops the Secure attribute from every cookie
	// restauth sets. Only for plain-HTTP development on localhost: browsers
	// do not send Secure cookies over http://. Default false.
	InsecureCookies bool

	// CookieDomain is the Domain attribute of every cookie restauth sets
	// and deletes (dj-rest-auth's JWT_AUTH_COOKIE_DOMAIN). Default "": a
	// host-only cookie, the safest choice.
	CookieDomain string

	// CookieSameSite is the SameSite attribute of the auth cookies
	// (JWT_AUTH_SAMESITE). Default http.SameSiteLaxMode.
	CookieSameSite http.SameSite

	// TokenLifetime bounds how long a DB token works after login.
	// Default 0: tokens live until logout, as in DRF.
	TokenLifetime time.Duration

	// Passwords hashes and checks passwords: preferred hasher (argon2id
	// m=19 MiB, t=2, p=1 in Django's format), accepted legacy formats,
	// length cap and the hashing limiter. Default password.NewPolicy().
	Passwords *password.Policy

	// PasswordValidators check new passwords. Default (nil): Django's four
	// (similarity, minimum length 8, common passwords, numeric). Use an
	// empty non-nil slice to disable validation.
	PasswordValidators []password.Validator

	// MaxBodyBytes caps request bodies; larger ones get 413 before they are
	// read in full. Default 1 MiB.
	MaxBodyBytes int64

	// SkipOldPasswordCheck lets password/change/ work without the current
	// password (dj-rest-auth's OLD_PASSWORD_FIELD_ENABLED=False, its
	// default). Default false: old_password is required and checked.
	SkipOldPasswordCheck bool

	// LogoutOnPasswordChange makes password/change/ end the credential
	// that made the request too (dj-rest-auth's LOGOUT_ON_PASSWORD_CHANGE):
	// the caller logs in again with the new password. Default false: the
	// caller's token, JWT login or session keeps working (a session is
	// re-issued under a new ID) and every other credential ends. Turn it
	// on in the Django schema, where the caller's DRF key is the key of
	// every device of the user: kept, it would keep them all, including
	// one that logged in with the old password (see docs/django.md).
	LogoutOnPasswordChange bool

	// LogoutOnGet also accepts GET on logout/ (allauth's
	// ACCOUNT_LOGOUT_ON_GET). Default false: GET gets 405.
	LogoutOnGet bool

	// DisableOpenAPI unmounts openapi.json, the OpenAPI 3.1 document of
	// the endpoints this configuration mounts (see Auth.OpenAPI). It tells
	// nothing a client could not learn by calling the endpoints, so it is
	// served by default; turn it off where the API should not describe
	// itself to anyone who asks (Auth.OpenAPI still builds it, to publish
	// elsewhere). Default false: served.
	DisableOpenAPI bool

	// RevocationStaleness bounds how long a change made outside this
	// instance (another instance's logout, a password change through the
	// CLI, a deactivation, a Django app on the same tables) may take to be
	// enforced here. Authentication reads a login, a token, a session or a
	// user from its store at most once per RevocationStaleness per
	// instance and serves it from memory until then: a busy client costs
	// no store read per request. With a store that has a change feed (ChangeFeed:
	// sqlstore, memstore), each instance reads the feed every
	// RevocationStaleness/4 and serves a login from memory until a change
	// drops it (at most 10 minutes), falling back to the bound while the
	// feed cannot be read; a program writing the tables itself must then
	// add the feed's rows (docs/design.md §10). Changes made through this
	// instance are enforced on its very next request whatever the bound.
	// SimpleJWT, for comparison, leaves a logged-out access token valid
	// for its whole lifetime.
	// Default 1s (DefaultRevocationStaleness). ReadEveryRequest (any
	// negative value) reads the store on every request; the zero value
	// means the default, as for every field.
	RevocationStaleness time.Duration

	// ChangeNotifier wakes this instance's reader of the change feed when
	// another instance has written a change, in addition to the store's own
	// notifications (a Store that implements ChangeNotifier). PostgreSQL
	// notifies by itself (LISTEN/NOTIFY); SQLite and MySQL cannot, so
	// there each instance learns of a change made elsewhere only at its
	// next read of the feed, every RevocationStaleness/4. A notifier over
	// a message bus carries the wake-ups between instances instead:
	// redisstore's, over Redis pub/sub (redisstore.Configure sets it), so
	// changes reach every instance within milliseconds on any database.
	// When it also implements ChangePublisher, this instance publishes a
	// wake-up after each of its writes that revokes or alters a login,
	// in the background (see ChangePublisher). The feed in the store stays
	// the truth: a lost wake-up, or a notifier that fails, costs latency
	// (the next poll), never the bound. It needs a Store with a change feed
	// (ChangeFeed); it is unused with ReadEveryRequest. Default nil: the
	// store's notifications alone.
	ChangeNotifier ChangeNotifier

	// RetryAfter is the Retry-After hint sent with 503 answers when a
	// backing store fails. Default 5s.
	RetryAfter time.Duration

	// RequestTimeout bounds the work restauth does for one request: its
	// store, session and throttle calls, the wait for the hashing limiter
	// and mail delivery run under a context with this deadline, so a hung
	// database cannot hold requests forever. When it passes, the pending
	// call is cancelled through its context and the request is answered
	// 503 with Retry-After (T-DB-05 in docs/threat-model.md). It covers
	// the endpoints and the authentication done by the middleware, not the
	// application handler behind it. Default 10s (mail.DefaultTimeout, so
	// that a slow SMTP server is not cut short).
	RequestTimeout time.Duration

	// Messages overrides catalog texts by message code (see messages.go).
	// Default: dj-rest-auth's English texts.
	Messages map[string]string

	// Logger receives auth events (one record per login, logout,
	// throttled request, refresh reuse, password change or reset,
	// registration and email verification, with the attributes event,
	// outcome, user_id and the client ip), store failures and panics;
	// never secrets or identifiers typed by the client.
	// Default slog.Default().
	Logger *slog.Logger

	// Now is the clock. Default time.Now. Tests inject a fake clock.
	Now func() time.Time
}

// Defaults of Config, exported so that documentation and tests can refer
// to them.
const (
	DefaultPrefix         = "/api/auth/"
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRetryAfter     = 5 * time.Second
	DefaultRequestTimeout = 10 * time.Second
	// DefaultRevocationStaleness is Config.RevocationStaleness's default.
	DefaultRevocationStaleness = time.Second
)

// ReadEveryRequest is the Config.RevocationStaleness that turns the
// login-state cache off: authentication reads the store on every request.
const ReadEveryRequest time.Duration = -1

// withDefaults returns a copy of c with every unset field defaulted.
func (c Config) withDefaults() (Config, error) {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if len(c.Methods) == 0 {
		c.Methods = []Method{MethodToken}
	} else {
		c.Methods = append([]Method(nil), c.Methods...)
	}
	c.Extensions = append([]Extension(nil), c.Extensions...)
	if c.CookieSameSite == 0 {
		c.CookieSameSite = http.SameSiteLaxMode
	}
	c.JWT = c.JWT.withDefaults(c)
	c.Session = c.Session.withDefaults()
	c.Throttle = c.Throttle.withDefaults()
	c.Accounts = c.Accounts.withDefaults(c)
	c.CSRF = c.CSRF.withDefaults()
	if c.LoginField == "" {
		c.LoginField = LoginByUsernameOrEmail
		if c.EmailOnly {
			c.LoginField = LoginByEmail
		}
	}
	if c.EmailVerification == "" {
		c.EmailVerification = VerifyOptional
	}
	if c.Passwords == nil {
		p, err := password.NewPolicy()
		if err != nil {
			return c, err
		}
		c.Passwords = p
	}
	if c.PasswordValidators == nil {
		c.PasswordValidators = password.DefaultValidators()
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.RetryAfter == 0 {
		c.RetryAfter = DefaultRetryAfter
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.RevocationStaleness == 0 {
		c.RevocationStaleness = DefaultRevocationStaleness
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// validate reports every problem of a defaulted config at once.
func (c Config) validate() error {
	var errs []error
	if c.Store == nil {
		errs = append(errs, errors.New("Store is required"))
	}
	if !validPrefix(c.Prefix) {
		errs = append(errs, fmt.Errorf("Prefix %q must start and end with '/' and hold only plain path segments ([A-Za-z0-9._~-])", c.Prefix))
	}
	seen := map[Method]bool{}
	for _, m := range c.Methods {
		switch m {
		case MethodToken, MethodJWT, MethodSession:
		default:
			errs = append(errs, fmt.Errorf("unknown authentication method %q", m))
		}
		if seen[m] {
			errs = append(errs, fmt.Errorf("authentication method %q listed twice", m))
		}
		seen[m] = true
	}
	switch c.LoginField {
	case LoginByUsernameOrEmail, LoginByUsername, LoginByEmail:
	default:
		errs = append(errs, fmt.Errorf("unknown LoginField %q", c.LoginField))
	}
	if c.EmailOnly && c.LoginField != LoginByEmail {
		errs = append(errs, fmt.Errorf("EmailOnly accounts log in by email: LoginField must be unset or %q, not %q", LoginByEmail, c.LoginField))
	}
	if c.EmailOnly && c.Accounts.RegistrationEmailOptional {
		errs = append(errs, errors.New("EmailOnly accounts need an email: unset Accounts.RegistrationEmailOptional"))
	}
	switch c.EmailVerification {
	case VerifyNone, VerifyOptional, VerifyMandatory:
	default:
		errs = append(errs, fmt.Errorf("unknown EmailVerification %q", c.EmailVerification))
	}
	if c.TokenLifetime < 0 {
		errs = append(errs, errors.New("TokenLifetime must not be negative"))
	}
	if placeholderSecret(c.SecretKey) {
		errs = append(errs, errors.New("SecretKey is a well-known example value: use at least 32 random bytes"))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, errors.New("MaxBodyBytes must be at least 1024"))
	}
	if c.RetryAfter < time.Second {
		errs = append(errs, errors.New("RetryAfter must be at least 1s"))
	}
	if c.RequestTimeout < 0 {
		errs = append(errs, errors.New("RequestTimeout must not be negative"))
	}
	if _, feed := c.Store.(ChangeFeed); c.ChangeNotifier != nil && c.Store != nil && !feed {
		errs = append(errs, errors.New("ChangeNotifier needs a Store with a change feed (core.ChangeFeed): unset it"))
	}
	if c.CookieSameSite == http.SameSiteNoneMode && c.InsecureCookies {
		errs = append(errs, errors.New("CookieSameSite None requires Secure cookies: unset InsecureCookies"))
	}
	if c.uses(MethodJWT) {
		errs = append(errs, c.JWT.validate(c)...)
	}
	if c.uses(MethodSession) {
		errs = append(errs, c.Session.validate(c)...)
	}
	errs = append(errs, c.CSRF.validate()...)
	errs = append(errs, c.cookieNameErrors()...)
	errs = append(errs, c.Throttle.validate()...)
	errs = append(errs, c.Accounts.validate(c)...)
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("restauth: invalid config: %w", err)
	}
	return nil
}

// validPrefix accepts "/" or "/seg/.../seg/" with non-empty literal segments,
// so that no router reads a prefix as a parameter or wildcard.
func validPrefix(p string) bool {
	if p == "/" {
		return true
	}
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") {
		return false
	}
	for _, seg := range strings.Split(p[1:len(p)-1], "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
		for _, c := range seg {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._~-", c)) {
				return false
			}
		}
	}
	return true
}

// uses reports whether method m is configured.
func (c Config) uses(m Method) bool {
	for _, x := range c.Methods {
		if x == m {
			return true
		}
	}
	return false
}
