package sqlstore

import (
	"net/url"
	"slices"
	"strings"
)

// redactedMask replaces secrets in error text.
const redactedMask = "xxxxx"

// redactor removes known secrets (the URL's password, in the spellings it
// may appear in) from error text, so that no error Open returns carries
// the password.
type redactor struct {
	secrets []string
}

// add records a secret and its URL-escaped spellings. Empty strings are
// ignored.
func (r *redactor) add(secret string) {
	if secret == "" {
		return
	}
	r.secrets = append(r.secrets, secret, url.QueryEscape(secret), url.PathEscape(secret),
		url.UserPassword("", secret).String()[1:])
}

// addFromURL records every string that could be the password of raw: the
// text between the first ':' after "scheme://" and each '@'. Over-masking is
// harmless; missing a password is not.
func (r *redactor) addFromURL(raw string) {
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
			r.add(candidate)
			if dec, err := url.PathUnescape(candidate); err == nil {
				r.add(dec)
			}
		}
	}
	if u, err := url.Parse(raw); err == nil {
		if pw, ok := u.User.Password(); ok {
			r.add(pw)
		}
		for k, vs := range u.Query() {
			if strings.Contains(strings.ToLower(k), "password") {
				for _, v := range vs {
					r.add(v)
				}
			}
		}
	}
}

// text returns s with every secret masked, longest first.
func (r *redactor) text(s string) string {
	secrets := slices.Clone(r.secrets)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, redactedMask)
		}
	}
	return s
}

// wrap returns err with its text redacted. The original error stays
// reachable with errors.Is/As (for context.DeadlineExceeded and the like),
// but its Error text is never shown by this wrapper.
func (r *redactor) wrap(prefix string, err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: r.text(prefix + ": " + err.Error()), err: err}
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
