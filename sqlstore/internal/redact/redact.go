// Package redact keeps a database URL's password out of error text. It is
// shared by sqlstore and its driver packages, which all handle the URL.
package redact

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// mask replaces secrets in error text.
const mask = "xxxxx"

// Redactor removes known secrets (a URL's password, in the spellings it
// may appear in) from error text. The zero value knows no secret.
type Redactor struct {
	secrets []string
}

// FromURL returns a Redactor that knows every string that could be the
// password of raw.
func FromURL(raw string) *Redactor {
	r := &Redactor{}
	r.AddFromURL(raw)
	return r
}

// Add records a secret and its URL-escaped spellings. Empty strings are
// ignored.
func (r *Redactor) Add(secret string) {
	if secret == "" {
		return
	}
	r.secrets = append(r.secrets, secret, url.QueryEscape(secret), url.PathEscape(secret),
		url.UserPassword("", secret).String()[1:])
}

// AddFromURL records every string that could be the password of raw: the
// text between the first ':' after "scheme://" and each '@', decoded and
// not, and any query parameter whose name contains "password".
// Over-masking is harmless; missing a password is not.
func (r *Redactor) AddFromURL(raw string) {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return
	}
	colon := strings.IndexByte(rest, ':')
	if colon < 0 {
		return
	}
	for i := colon + 1; i < len(rest); i++ {
		if rest[i] == '@' {
			candidate := rest[colon+1 : i]
			r.Add(candidate)
			if dec, err := url.PathUnescape(candidate); err == nil {
				r.Add(dec)
			}
		}
	}
	if u, err := url.Parse(raw); err == nil {
		if pw, ok := u.User.Password(); ok {
			r.Add(pw)
		}
		for k, vs := range u.Query() {
			if strings.Contains(strings.ToLower(k), "password") {
				for _, v := range vs {
					r.Add(v)
				}
			}
		}
	}
}

// Text returns s with every secret masked, longest first.
func (r *Redactor) Text(s string) string {
	secrets := slices.Clone(r.secrets)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, mask)
		}
	}
	return s
}

// Wrap returns err with prefix and its text redacted, or nil for a nil
// err. The original error stays reachable with errors.Is and errors.As
// (for context.DeadlineExceeded and the like), but its Error text is
// never shown by the wrapper.
func (r *Redactor) Wrap(prefix string, err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: r.Text(prefix + ": " + err.Error()), err: err}
}

// Redact returns err with its text redacted and no prefix, or nil.
func (r *Redactor) Redact(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: r.Text(err.Error()), err: err}
}

// Malformed is the error for a URL that cannot be split into its parts.
// Nothing of the URL is quoted: with the parts unknown, any fragment could
// be part of the password.
func Malformed(scheme string) error {
	return fmt.Errorf("sqlstore: invalid %s URL: malformed (percent-encode special characters in the user name and password)", scheme)
}

// redactedError carries a redacted message and the original error.
type redactedError struct {
	msg string
	err error
}

// Error returns the redacted message.
func (e *redactedError) Error() string { return e.msg }

// Unwrap returns the original error, for errors.Is and errors.As.
func (e *redactedError) Unwrap() error { return e.err }
