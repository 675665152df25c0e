package core

import (
	"bytes"
	"crypto"
	"errors"
	"fmt"
	"time"

	"github.com/restauth/restauth/core/simplejwt"
)

// JWTConfig configures MethodJWT. It carries dj-rest-auth's JWT settings
// and SimpleJWT's, renamed to Go and given secure defaults; each field
// names its Django counterpart. Booleans are phrased so that the zero value
// is the secure default.
type JWTConfig struct {
	// AccessCookie is the access-token cookie (JWT_AUTH_COOKIE), set at
	// login and refresh and read by authentication when no Authorization
	// header is sent. Default "access".
	AccessCookie string
	// RefreshCookie is the refresh-token cookie (JWT_AUTH_REFRESH_COOKIE),
	// read by token/refresh/ and logout/. Default "refresh".
	RefreshCookie string
	// RefreshCookiePath is the refresh cookie's Path
	// (JWT_AUTH_REFRESH_COOKIE_PATH). Default Config.Prefix, so the browser
	// sends it only to the auth endpoints (refresh and logout among them),
	// never to the app.
	RefreshCookiePath string
	// DisableCookies sets no JWT cookies at all (header-only clients).
	DisableCookies bool
	// NotHTTPOnly is JWT_AUTH_HTTPONLY=False: cookies readable by
	// JavaScript and the refresh token returned in response bodies. Default
	// false: HttpOnly cookies, and "refresh": "" in login bodies.
	NotHTTPOnly bool
	// ReturnExpiration adds access_expiration and refresh_expiration to the
	// login body (JWT_AUTH_RETURN_EXPIRATION). token/refresh/ always
	// returns access_expiration. Default false.
	ReturnExpiration bool
	// DisableCookieCSRF turns off the CSRF checks on cookie-authenticated
	// unsafe requests (JWT_AUTH_COOKIE_USE_CSRF=False). Default false:
	// checks on.
	DisableCookieCSRF bool
	// EnforceCSRFOnUnauthenticated also checks CSRF on unsafe requests that
	// carry no Authorization header and no access cookie, such as login
	// (JWT_AUTH_COOKIE_ENFORCE_CSRF_ON_UNAUTHENTICATED). Default false.
	EnforceCSRFOnUnauthenticated bool

	// AccessLifetime is ACCESS_TOKEN_LIFETIME. Default 5 minutes.
	AccessLifetime time.Duration
	// RefreshLifetime is REFRESH_TOKEN_LIFETIME. Default 24 hours.
	RefreshLifetime time.Duration
	// FamilyLifetime is the absolute lifetime of a login (refresh family):
	// however often its refresh token rotates, token/refresh/ refuses it
	// once this long has passed since the login, and the user must log in
	// again (RefreshLifetime is the idle limit: each rotation issues a
	// token that lives that long). Default 30 days, or RefreshLifetime
	// when that is longer. SimpleJWT has no counterpart.
	FamilyLifetime time.Duration
	// DisableRotation is ROTATE_REFRESH_TOKENS=False: token/refresh/
	// returns only a new access token and the refresh token stays valid
	// until it expires or is revoked. Default false: every refresh issues a
	// new refresh token and consumes the old one (BLACKLIST_AFTER_ROTATION),
	// and presenting a consumed token again revokes its whole family.
	DisableRotation bool
	// ReuseGrace tolerates a consumed refresh token presented again within
	// this window (two tabs refreshing at once): it gets fresh tokens of
	// the same family instead of revoking it. Default 0: strict.
	ReuseGrace time.Duration
	// UpdateLastLogin records the login time at JWT login
	// (UPDATE_LAST_LOGIN). Default false, as in SimpleJWT.
	UpdateLastLogin bool
	// Claims adds custom claims to the access tokens of every login and
	// refresh (see ClaimsFunc); handlers read them from Principal.Claims.
	// Default nil: no custom claims.
	Claims ClaimsFunc
	// ClaimsInRefresh also writes Claims into refresh tokens, where
	// clients that decode them can read them. Default false: refresh
	// tokens carry only what refreshing needs. Either way, each refresh
	// asks Claims again for the new access token.
	ClaimsInRefresh bool

	// Stateless trusts the claims of a valid access token without loading
	// the user (SimpleJWT's JWTStatelessUserAuthentication): no store read
	// per request, but logout, password change and deactivation cannot
	// end outstanding access tokens before they expire. Default false.
	Stateless bool

	// Algorithm is ALGORITHM: HS256 (default), HS384, HS512, RS256, RS384,
	// RS512, ES256, ES384, ES512 or EdDSA.
	Algorithm string
	// SigningKey is the HMAC key (SIGNING_KEY) for HS* algorithms.
	// Default Config.SecretKey, like SimpleJWT's default of SECRET_KEY, so
	// tokens interoperate with a Django service sharing the secret.
	SigningKey []byte
	// PrivateKey signs RS*/ES*/EdDSA tokens; PublicKey (VERIFYING_KEY)
	// verifies them and defaults to PrivateKey's public half.
	PrivateKey crypto.Signer
	PublicKey  crypto.PublicKey
	// KeyID is the "kid" header of minted tokens; needed when rotating
	// keys of one algorithm.
	KeyID string
	// PreviousKeys are still accepted for verification, never used to
	// sign: rotate keys by moving the old one here until its tokens expire.
	PreviousKeys []simplejwt.Key
	// Audience and Issuer (AUDIENCE, ISSUER) are added to minted tokens and
	// required on parsed ones when set.
	Audience string
	Issuer   string
	// Leeway is LEEWAY, the clock skew allowed on exp. Default 0.
	Leeway time.Duration
	// UserIDClaim is USER_ID_CLAIM. Default "user_id".
	UserIDClaim string
	// HeaderTypes is AUTH_HEADER_TYPES: accepted Authorization schemes,
	// case-sensitive; the first is used in WWW-Authenticate.
	// Default ["Bearer"].
	HeaderTypes []string
	// MaxTokenLength rejects longer tokens before parsing. Default 8192.
	MaxTokenLength int
	// VerifiedTokenCache is how many verified access tokens are
	// remembered (in each of two generations), so that a token presented
	// again is not decoded and its signature not checked again until it
	// expires; its login and user are still checked on every request
	// (within Config.RevocationStaleness), so revocation is unaffected. It halves the middleware's
	// cost for clients that reuse their access token, which is every
	// client. Tokens over 1 KiB are not remembered. Default 10000 (a few
	// MiB of memory at most); negative turns it off.
	VerifiedTokenCache int
}

// JWT defaults.
const (
	DefaultAccessLifetime  = 5 * time.Minute
	DefaultRefreshLifetime = 24 * time.Hour
	DefaultFamilyLifetime  = 30 * 24 * time.Hour
	DefaultMaxTokenLength  = 8192
	// DefaultVerifiedTokenCache is JWTConfig.VerifiedTokenCache's default.
	DefaultVerifiedTokenCache = 10000
)

func (j JWTConfig) withDefaults(c Config) JWTConfig {
	if j.AccessCookie == "" {
		j.AccessCookie = "access"
	}
	if j.RefreshCookie == "" {
		j.RefreshCookie = "refresh"
	}
	if j.RefreshCookiePath == "" {
		j.RefreshCookiePath = c.Prefix
	}
	if j.AccessLifetime == 0 {
		j.AccessLifetime = DefaultAccessLifetime
	}
	if j.RefreshLifetime == 0 {
		j.RefreshLifetime = DefaultRefreshLifetime
	}
	if j.FamilyLifetime == 0 {
		j.FamilyLifetime = max(DefaultFamilyLifetime, j.RefreshLifetime)
	}
	if j.Algorithm == "" {
		j.Algorithm = "HS256"
	}
	if j.SigningKey == nil && j.PrivateKey == nil {
		j.SigningKey = c.SecretKey
	}
	if j.UserIDClaim == "" {
		j.UserIDClaim = "user_id"
	}
	if len(j.HeaderTypes) == 0 {
		j.HeaderTypes = []string{"Bearer"}
	}
	if j.MaxTokenLength == 0 {
		j.MaxTokenLength = DefaultMaxTokenLength
	}
	if j.VerifiedTokenCache == 0 {
		j.VerifiedTokenCache = DefaultVerifiedTokenCache
	}
	return j
}

// validate reports the problems of a defaulted JWTConfig. The key itself
// is validated by simplejwt.New when the service is built.
func (j JWTConfig) validate(c Config) []error {
	var errs []error
	if j.AccessLifetime < 0 || j.RefreshLifetime < 0 || j.FamilyLifetime < 0 || j.ReuseGrace < 0 || j.Leeway < 0 {
		errs = append(errs, errors.New("JWT lifetimes, ReuseGrace and Leeway must not be negative"))
	}
	if j.FamilyLifetime < j.AccessLifetime {
		errs = append(errs, errors.New("JWT.FamilyLifetime must not be shorter than AccessLifetime"))
	}
	if j.RefreshLifetime < j.AccessLifetime {
		errs = append(errs, errors.New("JWT.RefreshLifetime must not be shorter than AccessLifetime"))
	}
	if !j.DisableCookies && j.AccessCookie == j.RefreshCookie {
		errs = append(errs, fmt.Errorf("JWT.AccessCookie and RefreshCookie must differ (both %q)", j.AccessCookie))
	}
	if !j.DisableCookies && !validPrefix(j.RefreshCookiePath) {
		errs = append(errs, fmt.Errorf("JWT.RefreshCookiePath %q must be a path starting and ending with '/'", j.RefreshCookiePath))
	}
	if !bytes.Equal(j.SigningKey, c.SecretKey) && placeholderSecret(j.SigningKey) {
		errs = append(errs, errors.New("JWT.SigningKey is a well-known example value: use at least 32 random bytes"))
	}
	for _, h := range j.HeaderTypes {
		if h == "" || h == "Token" {
			errs = append(errs, fmt.Errorf("JWT.HeaderTypes: %q cannot be a JWT scheme", h))
		}
	}
	return errs
}

// codecConfig translates JWTConfig into the token codec's configuration.
func (j JWTConfig) codecConfig(now func() time.Time) simplejwt.Config {
	key := simplejwt.Key{ID: j.KeyID, Algorithm: j.Algorithm, Secret: j.SigningKey, Private: j.PrivateKey, Public: j.PublicKey}
	if j.PrivateKey != nil || j.PublicKey != nil {
		key.Secret = nil
	}
	return simplejwt.Config{
		SigningKey:      key,
		PreviousKeys:    j.PreviousKeys,
		Audience:        j.Audience,
		Issuer:          j.Issuer,
		Leeway:          j.Leeway,
		UserIDClaim:     j.UserIDClaim,
		AccessLifetime:  j.AccessLifetime,
		RefreshLifetime: j.RefreshLifetime,
		MaxTokenLength:  j.MaxTokenLength,
		Now:             now,
	}
}
