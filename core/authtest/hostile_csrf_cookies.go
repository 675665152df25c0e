package authtest

import (
	"strconv"
	"strings"
	"testing"
)

// csrfSetCookie is one Set-Cookie header, split into its name, value and
// attributes (attribute names lower-cased; flags map to "").
type csrfSetCookie struct {
	raw, name, value string
	attrs            map[string]string
}

// csrfCookieHeaders parses the raw Set-Cookie headers of r by cookie name; the
// last header of a name wins, as in browsers.
func (r *response) csrfCookieHeaders(t *testing.T) map[string]csrfSetCookie {
	t.Helper()
	out := map[string]csrfSetCookie{}
	for _, raw := range r.header.Values("Set-Cookie") {
		parts := strings.Split(raw, ";")
		name, value, ok := strings.Cut(strings.TrimSpace(parts[0]), "=")
		if !ok {
			t.Fatalf("%s: malformed Set-Cookie %q", r.req, raw)
		}
		c := csrfSetCookie{raw: raw, name: name, value: value, attrs: map[string]string{}}
		for _, p := range parts[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			k = strings.ToLower(k)
			if _, dup := c.attrs[k]; dup {
				t.Errorf("%s: attribute %s twice in %q", r.req, k, raw)
			}
			c.attrs[k] = v
		}
		// Browsers apply Set-Cookie headers in order: an earlier deletion
		// of the same cookie (session login replacing any old session) is
		// harmless, two live values are not.
		if prev, dup := out[name]; dup && prev.attrs["max-age"] != "0" {
			t.Errorf("%s: cookie %s set twice: %q", r.req, name, r.header.Values("Set-Cookie"))
		}
		out[name] = c
	}
	return out
}

// csrfCookieWant is the exact attribute set restauth must give a cookie.
type csrfCookieWant struct {
	path     string
	maxAge   int  // seconds
	httpOnly bool // false for csrftoken, which JavaScript must read
}

// want checks the cookie carries exactly: Path, Max-Age (and an Expires),
// HttpOnly as wanted, Secure, SameSite=Lax, and no Domain (host-only).
func (c csrfSetCookie) want(t *testing.T, w csrfCookieWant) {
	t.Helper()
	allowed := map[string]bool{"path": true, "max-age": true, "expires": true, "secure": true, "samesite": true, "httponly": w.httpOnly}
	for k := range c.attrs {
		if !allowed[k] {
			t.Errorf("cookie %s: unexpected attribute %q in %q", c.name, k, c.raw)
		}
	}
	_, httpOnly := c.attrs["httponly"]
	_, secure := c.attrs["secure"]
	_, expires := c.attrs["expires"]
	if c.attrs["path"] != w.path || c.attrs["max-age"] != strconv.Itoa(w.maxAge) || httpOnly != w.httpOnly ||
		!secure || c.attrs["samesite"] != "Lax" || !expires {
		t.Errorf("cookie %s: %q, want Path=%s Max-Age=%d HttpOnly=%v Secure SameSite=Lax Expires, no Domain",
			c.name, c.raw, w.path, w.maxAge, w.httpOnly)
	}
}

// wantDeletionOf checks that c expires the cookie set as set: empty value,
// Max-Age=0 and an Expires in 1970, and every other attribute identical
// (a mismatched Path or SameSite leaves the original cookie in place:
// dj-rest-auth #208).
func (c csrfSetCookie) wantDeletionOf(t *testing.T, set csrfSetCookie) {
	t.Helper()
	if c.value != "" || c.attrs["max-age"] != "0" || !strings.Contains(c.attrs["expires"], "1970") {
		t.Errorf("cookie %s not deleted: %q", c.name, c.raw)
	}
	for k, v := range set.attrs {
		if k != "max-age" && k != "expires" && c.attrs[k] != v {
			t.Errorf("cookie %s: deletion %q does not match %q on %s", c.name, c.raw, set.raw, k)
		}
	}
	for k := range c.attrs {
		if _, ok := set.attrs[k]; !ok {
			t.Errorf("cookie %s: deletion %q has %s, the cookie %q did not", c.name, c.raw, k, set.raw)
		}
	}
}
