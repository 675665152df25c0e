package core

import (
	"crypto/tls"
	"net/http/httptest"
	"testing"
)

// A trusted origin fixes the scheme of its host: behind a TLS-terminating
// proxy the plain-HTTP origin of the same host is foreign, while other
// hosts keep the request's own origin.
func TestTrustedOriginFixesSchemeOfItsHost(t *testing.T) {
	a := newCSRFAuth(t, "https://app.example", "http://localhost:3000")
	for _, c := range []struct {
		host, origin string
		tls, want    bool
	}{
		{"app.example", "https://app.example", false, true},
		{"app.example", "http://app.example", false, false},
		{"app.example", "http://app.example:80", false, false},
		{"app.example", "https://app.example", true, true},
		{"api.example", "http://api.example", false, true}, // no configured scheme for this host
		{"api.example", "https://api.example", false, false},
		{"api.example", "https://api.example", true, true},
		{"localhost:8000", "http://localhost:8000", false, true}, // same scheme configured for the host
		{"localhost:8000", "http://localhost:3000", false, true},
		{"localhost:8000", "https://localhost:8000", false, false},
	} {
		r := httptest.NewRequest("POST", "/", nil)
		r.Host = c.host
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		if got := a.trustedOrigin(r, c.origin); got != c.want {
			t.Errorf("Host %s (TLS %v), Origin %s: trusted %v, want %v", c.host, c.tls, c.origin, got, c.want)
		}
	}
}
