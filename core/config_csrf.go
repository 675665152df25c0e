package core

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// CSRFConfig configures Django-compatible CSRF protection of
// cookie-authenticated unsafe requests (POST, PUT, PATCH, DELETE): an
// Origin / Sec-Fetch-Site check against trusted origins, plus the
// "csrftoken" cookie echoed in the "X-CSRFToken" header (or the
// "csrfmiddlewaretoken" form field). Requests authenticated by an
// Authorization header are exempt: they carry no ambient credential.
type CSRFConfig struct {
	// CookieName is CSRF_COOKIE_NAME. Default "csrftoken".
	CookieName string
	// HeaderName is the request header carrying the token
	// (CSRF_HEADER_NAME). Default "X-CSRFToken".
	HeaderName string
	// FormField is the form field carrying the token. Default
	// "csrfmiddlewaretoken".
	FormField string
	// TrustedOrigins are the origins, as scheme://host[:port], allowed to
	// make cookie-authenticated writes besides the request's own origin
	// (CSRF_TRUSTED_ORIGINS). A SPA served from another origin than the
	// API must be listed here. An entry also fixes the scheme of its
	// host: behind a proxy that terminates TLS (requests arrive as plain
	// HTTP), list "https://your.host" so that a page at http://your.host
	// is refused.
	TrustedOrigins []string
}

func (c CSRFConfig) withDefaults() CSRFConfig {
	if c.CookieName == "" {
		c.CookieName = "csrftoken"
	}
	if c.HeaderName == "" {
		c.HeaderName = "X-CSRFToken"
	}
	if c.FormField == "" {
		c.FormField = "csrfmiddlewaretoken"
	}
	// Normalised once here (lower case, no default port), so that the
	// per-request check compares strings; what is not an origin is kept
	// as written for validate to report.
	origins := make([]string, 0, len(c.TrustedOrigins))
	for _, o := range c.TrustedOrigins {
		o = strings.TrimRight(o, "/")
		if n := normalizeOrigin(o); n != "" {
			o = n
		}
		origins = append(origins, o)
	}
	c.TrustedOrigins = origins
	return c
}

// validate requires full origins: a bare host ("app.example") would be
// ambiguous about the scheme, which is part of the origin.
func (c CSRFConfig) validate() []error {
	var errs []error
	for _, o := range c.TrustedOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
			errs = append(errs, fmt.Errorf("CSRF.TrustedOrigins: %q is not an origin (want scheme://host[:port])", o))
		}
	}
	if c.CookieName == "" || c.HeaderName == "" {
		errs = append(errs, errors.New("CSRF cookie and header names must not be empty"))
	}
	return errs
}
