package authtest

import (
	"net/http"
	"slices"
	"testing"
)

// loginNoCredentialCookie fails t if res sets any cookie but csrftoken
// (which cookie modes give every anonymous answer).
func loginNoCredentialCookie(t *testing.T, res *response) {
	t.Helper()
	for name := range res.cookies() {
		if name != "csrftoken" {
			t.Errorf("%s: failed login sets cookie %q", res.req, name)
		}
	}
}

// loginWantSameFailure checks that two failed logins cannot be told apart:
// same status, body and headers (apart from Date), and the same cookies
// with the same attributes (a csrftoken's value is random each time).
func loginWantSameFailure(t *testing.T, a, b *response) {
	t.Helper()
	strip := func(r *response) *response {
		c := *r
		c.header = r.header.Clone()
		c.header.Del("Set-Cookie")
		return &c
	}
	wantSame(t, strip(a), strip(b))
	shape := func(r *response) []string {
		var out []string
		for _, c := range (&http.Response{Header: r.header}).Cookies() {
			c.Value, c.Expires, c.RawExpires, c.Raw = "", c.Expires.Truncate(0).UTC().Round(1e12), "", ""
			out = append(out, c.String())
		}
		slices.Sort(out)
		return out
	}
	if sa, sb := shape(a), shape(b); !slices.Equal(sa, sb) {
		t.Errorf("cookies differ: %s: %q, %s: %q", a.req, sa, b.req, sb)
	}
}
