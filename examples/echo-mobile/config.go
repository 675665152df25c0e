package main

import (
	"fmt"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/envconfig"
)

// Lifetimes of the credentials a phone holds. A phone is opened less often
// than a browser tab, so the refresh token lives longer than the starters'
// browser default of 7 days; it slides: every refresh issues a new one
// valid for RefreshLifetime again, so an app used at least monthly stays
// logged in, and one left unused for a month logs in again. However often
// it refreshes, a login ends FamilyLifetime after it began.
const (
	// AccessLifetime bounds how long a stolen access token is useful.
	AccessLifetime = 15 * time.Minute
	// RefreshLifetime is the sliding window of a JWT login.
	RefreshLifetime = 30 * 24 * time.Hour
	// FamilyLifetime is the absolute lifetime of a JWT login (core's
	// default is 30 days, which would end a phone's login monthly).
	FamilyLifetime = 180 * 24 * time.Hour
	// TokenLifetime bounds a DB token after login (DRF's never expire). In
	// jwt mode every login also returns a "key" that a JWT phone ignores;
	// this makes sure such keys do not live forever.
	TokenLifetime = 30 * 24 * time.Hour
)

// checkMode accepts the RESTAUTH_MODE values that make sense without a
// cookie jar: jwt (this starter's default: JWT Bearer, then DB tokens) and
// token (DB tokens only). session and all rely on browser cookies.
func checkMode(m envconfig.Mode) error {
	switch m {
	case envconfig.ModeJWT, envconfig.ModeToken:
		return nil
	}
	return fmt.Errorf("%s=%s: echo-mobile serves cookie-less clients and supports only jwt (JWT Bearer and DB tokens, the default) and token; use examples/gin-api or gin-session for cookie modes",
		envconfig.VarMode, m)
}

// applyMobile replaces the browser-oriented settings envconfig applied
// with a phone's: no cookies at all, the refresh token in response bodies,
// rotation with reuse detection (core's default, kept on).
//
// In jwt mode the chain is [MethodJWT, MethodToken]. Each method reads only
// its own Authorization scheme (Bearer or Token), so the order never
// changes who authenticates a request; it decides the WWW-Authenticate
// challenge of every 401, which always comes from the first method, as in
// DRF. JWT comes first because it is this starter's primary scheme: a
// request without credentials is answered `Bearer realm="api"`, naming the
// scheme a phone should present; mobile HTTP stacks hook their
// refresh-and-retry logic on that 401 (OkHttp's Authenticator, Alamofire's
// RequestInterceptor). A Token phone gets the same challenge for a bad key
// and must act on the 401 status and {"detail":"Invalid token."}, not on
// the challenge. token mode has only MethodToken and answers "Token".
func applyMobile(cfg *core.Config, mode envconfig.Mode) {
	cfg.TokenLifetime = TokenLifetime
	// A phone keeps no cookie jar, so it could never present a device
	// cookie: none is set. Failed logins still lock an account per 15
	// minutes for every client (core's per-account limit).
	cfg.Throttle.DeviceCookie.Disabled = true
	if mode != envconfig.ModeJWT {
		return
	}
	cfg.Methods = []core.Method{core.MethodJWT, core.MethodToken}
	cfg.JWT.DisableCookies = true   // a phone has no cookie jar: no JWT cookies, no csrftoken
	cfg.JWT.NotHTTPOnly = true      // so login and refresh return the refresh token in the body
	cfg.JWT.DisableRotation = false // core's default, stated so that no edit drops it
	cfg.JWT.ReuseGrace = 0          // strict: a phone must not refresh twice in parallel (README)
	cfg.JWT.AccessLifetime = AccessLifetime
	cfg.JWT.RefreshLifetime = RefreshLifetime
	cfg.JWT.FamilyLifetime = FamilyLifetime
	cfg.JWT.ReturnExpiration = true // tells the phone when to refresh ahead of time
}
