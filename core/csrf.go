package core

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// csrfCookieMaxAge is Django's CSRF_COOKIE_AGE: one year (52 weeks).
const csrfCookieMaxAge = 31449600 * time.Second

// isSafeMethod reports RFC 9110's safe methods, which CSRF never checks.
func isSafeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// csrfFailed is Django's 403 body for a CSRF failure.
func csrfFailed(reason string) *Error {
	return NewDetailError(http.StatusForbidden, "CSRF Failed: "+reason)
}

// CheckCSRF enforces Django's CSRF rules on r, an unsafe request that
// relies on a cookie: first the origin (Origin header, else
// Sec-Fetch-Site, else on HTTPS the Referer) must be the request's own or
// trusted; then the csrftoken cookie must be present and the token in the
// X-CSRFToken header (or csrfmiddlewaretoken form field) must match it.
// Safe methods always pass. It returns nil or a 403 *Error with
// "CSRF Failed: <reason>".
func (a *Auth) CheckCSRF(r *http.Request) error {
	if isSafeMethod(r.Method) {
		return nil
	}
	if reason := a.originFailure(r); reason != "" {
		return csrfFailed(reason)
	}
	c, err := r.Cookie(a.cfg.CSRF.CookieName)
	if err != nil {
		return csrfFailed("CSRF cookie not set.")
	}
	if _, ok := csrfSecretOf(c.Value); !ok {
		return csrfFailed("CSRF cookie not set.")
	}
	given := r.Header.Get(a.cfg.CSRF.HeaderName)
	if given == "" {
		given = a.formCSRFToken(r)
	}
	if !csrfTokensMatch(given, c.Value) {
		return csrfFailed("CSRF token missing or incorrect.")
	}
	return nil
}

// originFailure returns Django's reason when the request comes from an
// origin that is neither its own nor trusted, or "".
func (a *Auth) originFailure(r *http.Request) string {
	if origin := r.Header.Get("Origin"); origin != "" {
		if origin != "null" && a.trustedOrigin(r, origin) {
			return ""
		}
		return "Origin checking failed - " + origin + " does not match any trusted origins."
	}
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return ""
	case "same-site", "cross-site":
		return "Origin checking failed - the request is cross-site."
	}
	if r.TLS == nil {
		return "" // plain HTTP without Origin: not a current browser
	}
	ref := r.Header.Get("Referer")
	if ref == "" {
		return "Referer checking failed - no Referer."
	}
	u, err := url.Parse(ref)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "Referer checking failed - Referer is malformed."
	}
	if u.Scheme != "https" {
		return "Referer checking failed - Referer is insecure while host is secure."
	}
	if !a.trustedOrigin(r, u.Scheme+"://"+u.Host) {
		return "Referer checking failed - " + ref + " does not match any trusted origins."
	}
	return ""
}

// trustedOrigin reports whether origin is the request's own origin or one
// of the configured trusted origins. Scheme, host and port all count.
//
// The request's own scheme is guessed from r.TLS, which is nil behind a
// TLS-terminating proxy; so a trusted origin configured for the request's
// host with another scheme is authoritative: with https://app.example
// trusted, a page at http://app.example (plain HTTP, MitM-able) is a
// foreign origin even though the proxied request looks like plain HTTP
// (the CVE-2025-24358 class: TLS-ness from configuration, not request state).
func (a *Auth) trustedOrigin(r *http.Request, origin string) bool {
	o := normalizeOrigin(origin)
	if o == "" {
		return false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	own := normalizeOrigin(scheme + "://" + r.Host)
	ownHost := originHost(own)
	schemeConfigured := false
	for _, t := range a.cfg.CSRF.TrustedOrigins { // normalised by withDefaults
		if o == t {
			return true
		}
		if ownHost != "" && originHost(t) == ownHost && !strings.HasPrefix(t, scheme+"://") {
			schemeConfigured = true
		}
	}
	return o == own && !schemeConfigured
}

// originHost is the host name (without port) of a normalized origin.
func originHost(origin string) string {
	u, err := url.Parse(origin)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// normalizeOrigin lower-cases scheme and host and drops the default port;
// it returns "" for anything that is not a bare origin.
func normalizeOrigin(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return ""
	}
	host := strings.ToLower(u.Host)
	if (u.Scheme == "https" && strings.HasSuffix(host, ":443")) || (u.Scheme == "http" && strings.HasSuffix(host, ":80")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	return u.Scheme + "://" + host
}

// formCSRFToken reads the token field of a form-encoded body without
// consuming it: the body is restored for the handler.
func (a *Auth) formCSRFToken(r *http.Request) string {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/x-www-form-urlencoded" || r.Body == nil {
		return ""
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, a.cfg.MaxBodyBytes+1))
	r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), r.Body))
	if err != nil {
		return ""
	}
	vals, err := url.ParseQuery(string(raw))
	if err != nil {
		return ""
	}
	return vals.Get(a.cfg.CSRF.FormField)
}

// usesCSRFCookie reports whether any configured method relies on cookies,
// so that responses must hand out a csrftoken cookie.
func (a *Auth) usesCSRFCookie() bool {
	return a.cfg.uses(MethodJWT) && !a.cfg.JWT.DisableCookies || a.cfg.uses(MethodSession)
}

// ensureCSRFCookie sets a csrftoken cookie when the request has no valid
// one (dj-rest-auth users could not find one: upstream #251), or always
// when rotate is true (Django rotates the token at login).
//
// A request that authenticates with an Authorization header restauth
// reads (a JWT header type, "Token") gets no new cookie unless rotate is
// set: such a client does not authenticate with cookies, so CSRF does not
// concern it, and Django does not set the cookie there either (its
// CsrfViewMiddleware sets it only when a view called get_token, which
// dj-rest-auth's views do not: a Bearer GET user/ answers no Set-Cookie).
// For an API client this was a random token, a one-year cookie and about
// 150 bytes of Set-Cookie on every answer, for nothing.
func (a *Auth) ensureCSRFCookie(w http.ResponseWriter, r *http.Request, rotate bool) {
	if !rotate {
		if a.headerCredential(r) {
			return
		}
		if c, err := r.Cookie(a.cfg.CSRF.CookieName); err == nil && validCSRFToken(c.Value) {
			return
		}
	}
	a.setCookie(w, cookieSpec{name: a.cfg.CSRF.CookieName, path: "/", maxAge: csrfCookieMaxAge, sameSite: http.SameSiteLaxMode},
		newCSRFToken())
}

// headerCredential reports whether r carries an Authorization header
// with a scheme that one of the configured header methods reads: a JWT
// header type (JWTConfig.HeaderTypes, case-sensitive, as the JWT method
// compares it) or the keyword "Token" (any case, as DRF compares it).
// Whether the credential is valid does not matter here. Several header
// lines are read as the JWT method reads them, joined with commas.
func (a *Auth) headerCredential(r *http.Request) bool {
	hs := r.Header["Authorization"]
	if len(hs) == 0 {
		return false
	}
	v := hs[0]
	if len(hs) > 1 {
		v = strings.Join(hs, ",")
	}
	scheme, _, n := headerFields(v)
	if n == 0 {
		return false
	}
	if a.cfg.uses(MethodJWT) && contains(a.cfg.JWT.HeaderTypes, scheme) {
		return true
	}
	return a.cfg.uses(MethodToken) && asciiEqualFold(scheme, "token")
}

// anonymousCSRF protects the endpoints that ignore credentials (login,
// registration, reset) when cookies carry auth: an unsafe browser request
// from a foreign origin is refused (login CSRF: another site must not log
// a visitor into the attacker's account), and with
// JWTConfig.EnforceCSRFOnUnauthenticated the csrftoken must match too.
// Requests with an Authorization header, and non-browser requests without
// Origin or Sec-Fetch-Site, pass the origin check.
func (a *Auth) anonymousCSRF(r *http.Request) error {
	if isSafeMethod(r.Method) || !a.usesCSRFCookie() {
		return nil
	}
	if _, hasHeader := r.Header["Authorization"]; hasHeader {
		return nil
	}
	if a.cfg.uses(MethodJWT) && !a.cfg.JWT.DisableCookies && a.cfg.JWT.EnforceCSRFOnUnauthenticated {
		return a.CheckCSRF(r)
	}
	// Only what browsers always send counts here (Origin, Sec-Fetch-Site):
	// a missing Referer must not lock out mobile clients logging in.
	if reason := a.originFailure(r); reason != "" && !strings.HasPrefix(reason, "Referer") {
		return csrfFailed(reason)
	}
	return nil
}

// CSRFToken returns a masked CSRF token for r, like Django's get_token:
// the secret of the request's valid csrftoken cookie, or a new secret set
// as the cookie on w. Server-rendered pages put it in a
// csrfmiddlewaretoken hidden field or a meta tag for X-CSRFToken.
func (a *Auth) CSRFToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(a.cfg.CSRF.CookieName); err == nil {
		if secret, ok := csrfSecretOf(c.Value); ok {
			return maskCSRFSecret(secret)
		}
	}
	secret := randomCSRFString(csrfSecretLength)
	a.setCookie(w, cookieSpec{name: a.cfg.CSRF.CookieName, path: "/", maxAge: csrfCookieMaxAge, sameSite: http.SameSiteLaxMode},
		maskCSRFSecret(secret))
	return maskCSRFSecret(secret)
}
