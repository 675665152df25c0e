package core

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCSRFMaskKnownAnswer(t *testing.T) {
	// Vector observed from Django 3.2 (its _mask_cipher_secret).
	secret, mask := "abcdefghijklmnopqrstuvwxyzABCDEF", "0123456789ABCDEFGHIJKLMNOPQRSTUV"
	want := "0123456789ABCDEFGHIJKLMNOPQRSTUV02468acegiKMOQSUWY02468acegikmoq"
	if got := maskCSRFSecretWith(secret, mask); got != want {
		t.Fatalf("mask: %s", got)
	}
	if got, ok := csrfSecretOf(want); !ok || got != secret {
		t.Fatalf("unmask: %q %v", got, ok)
	}
	if !csrfTokensMatch(want, secret) || !csrfTokensMatch(maskCSRFSecret(secret), want) {
		t.Error("masked and bare forms of one secret must match")
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 63), strings.Repeat("!", 64), strings.Repeat("a", 31) + "é"} {
		if _, ok := csrfSecretOf(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
	if csrfTokensMatch(maskCSRFSecret(randomCSRFString(32)), want) {
		t.Error("different secrets match")
	}
}

func newCSRFAuth(t *testing.T, trusted ...string) *Auth {
	t.Helper()
	a, err := New(Config{Store: nopStore{}, CSRF: CSRFConfig{TrustedOrigins: trusted}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestCheckCSRF(t *testing.T) {
	a := newCSRFAuth(t, "https://app.example")
	token := maskCSRFSecret(randomCSRFString(32))
	other := maskCSRFSecret(randomCSRFString(32))
	type req struct {
		method, host string
		tls          bool
		header       map[string]string
		cookie       string
	}
	cases := []struct {
		name string
		req  req
		want string // "" = pass
	}{
		{"safe method", req{method: "GET", host: "api.example"}, ""},
		{"no cookie", req{method: "POST", host: "api.example", header: map[string]string{"X-CSRFToken": token}}, "CSRF Failed: CSRF cookie not set."},
		{"no token", req{method: "POST", host: "api.example", cookie: token}, "CSRF Failed: CSRF token missing or incorrect."},
		{"wrong token", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": other}}, "CSRF Failed: CSRF token missing or incorrect."},
		{"short token", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token[:10]}}, "CSRF Failed: CSRF token missing or incorrect."},
		{"good, no origin (non-browser)", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token}}, ""},
		{"good, bare secret", req{method: "PATCH", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": mustSecret(token)}}, ""},
		{"same origin", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token, "Origin": "http://api.example"}}, ""},
		{"trusted origin", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token, "Origin": "https://app.example"}}, ""},
		{"trusted origin with default port", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token, "Origin": "https://APP.example:443"}}, ""},
		{"foreign origin", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token, "Origin": "https://evil.example"}}, "CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins."},
		{"null origin", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token, "Origin": "null"}}, "CSRF Failed: Origin checking failed - null does not match any trusted origins."},
		{"scheme differs", req{method: "POST", host: "app.example", tls: true, cookie: token, header: map[string]string{"X-CSRFToken": token, "Origin": "http://app.example"}}, "CSRF Failed: Origin checking failed - http://app.example does not match any trusted origins."},
		{"lookalike host", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token, "Origin": "https://app.example.evil.com"}}, "CSRF Failed: Origin checking failed - https://app.example.evil.com does not match any trusted origins."},
		{"other port", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token, "Origin": "https://app.example:8443"}}, "CSRF Failed: Origin checking failed - https://app.example:8443 does not match any trusted origins."},
		{"cross-site fetch metadata", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token, "Sec-Fetch-Site": "cross-site"}}, "CSRF Failed: Origin checking failed - the request is cross-site."},
		{"same-site sibling", req{method: "POST", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token, "Sec-Fetch-Site": "same-site"}}, "CSRF Failed: Origin checking failed - the request is cross-site."},
		{"same-origin fetch metadata", req{method: "DELETE", host: "api.example", cookie: token, header: map[string]string{"X-CSRFToken": token, "Sec-Fetch-Site": "same-origin"}}, ""},
		{"https without referer", req{method: "POST", host: "api.example", tls: true, cookie: token, header: map[string]string{"X-CSRFToken": token}}, "CSRF Failed: Referer checking failed - no Referer."},
		{"https foreign referer", req{method: "POST", host: "api.example", tls: true, cookie: token, header: map[string]string{"X-CSRFToken": token, "Referer": "https://evil.com/"}}, "CSRF Failed: Referer checking failed - https://evil.com/ does not match any trusted origins."},
		{"https same referer", req{method: "POST", host: "api.example", tls: true, cookie: token, header: map[string]string{"X-CSRFToken": token, "Referer": "https://api.example/page"}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest(c.req.method, "http://"+c.req.host+"/api/x", nil)
			r.Host = c.req.host
			if c.req.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for k, v := range c.req.header {
				r.Header.Set(k, v)
			}
			if c.req.cookie != "" {
				r.AddCookie(&http.Cookie{Name: "csrftoken", Value: c.req.cookie})
			}
			err := a.CheckCSRF(r)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("rejected: %v", err)
			case c.want != "" && (err == nil || err.Error() != c.want):
				t.Errorf("got %v, want %s", err, c.want)
			}
			if e, ok := err.(*Error); ok && e.Status != http.StatusForbidden {
				t.Errorf("status %d", e.Status)
			}
		})
	}
}

func TestCheckCSRFFormField(t *testing.T) {
	a := newCSRFAuth(t)
	token := maskCSRFSecret(randomCSRFString(32))
	body := "csrfmiddlewaretoken=" + token + "&first_name=Ada"
	r := httptest.NewRequest(http.MethodPost, "/x", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(&http.Cookie{Name: "csrftoken", Value: token})
	if err := a.CheckCSRF(r); err != nil {
		t.Fatal(err)
	}
	// The body is still there for the handler.
	b, err := DecodeBody(httptest.NewRecorder(), r, 1<<20, Messages{})
	if err != nil || b["first_name"] != "Ada" {
		t.Fatalf("body consumed: %v %v", b, err)
	}
}

func TestTrustedOriginsValidated(t *testing.T) {
	for _, bad := range []string{"app.example", "https://app.example/path", "ftp://x", "https://u@app.example"} {
		if _, err := New(Config{Store: nopStore{}, CSRF: CSRFConfig{TrustedOrigins: []string{bad}}}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Trusted origins are compared in their normalised form, however they
// were written in the config.
func TestTrustedOriginsNormalised(t *testing.T) {
	a, err := New(Config{Store: nopStore{}, CSRF: CSRFConfig{TrustedOrigins: []string{"HTTPS://App.Example:443/"}}})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "http://api.example/x", nil)
	for origin, want := range map[string]bool{
		"https://app.example":     true,
		"https://APP.example:443": true,
		"http://app.example":      false,
		"https://app.example:444": false,
	} {
		if got := a.trustedOrigin(r, origin); got != want {
			t.Errorf("trustedOrigin(%q) = %v, want %v", origin, got, want)
		}
	}
}

func mustSecret(token string) string {
	s, _ := csrfSecretOf(token)
	return s
}

// FuzzCSRFToken: parsing never panics; whatever parses is a 32-character
// secret over the alphabet, and masking it again round-trips.
func FuzzCSRFToken(f *testing.F) {
	for _, s := range []string{"", "0123456789ABCDEFGHIJKLMNOPQRSTUV02468acegiKMOQSUWY02468acegikmoq", "abcdefghijklmnopqrstuvwxyzABCDEF", strings.Repeat("!", 64)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		secret, ok := csrfSecretOf(token)
		if !ok {
			return
		}
		if len(secret) != csrfSecretLength {
			t.Fatalf("secret %q", secret)
		}
		if back, ok := csrfSecretOf(maskCSRFSecret(secret)); !ok || back != secret {
			t.Fatalf("round trip of %q gave %q", secret, back)
		}
	})
}

func TestCSRFTokenHelper(t *testing.T) {
	a := newCSRFAuth(t)
	w := httptest.NewRecorder()
	tok := a.CSRFToken(w, httptest.NewRequest(http.MethodGet, "/", nil))
	set := w.Result().Cookies()
	if len(set) != 1 || set[0].Name != "csrftoken" || !csrfTokensMatch(tok, set[0].Value) || len(tok) != 64 {
		t.Fatalf("token %q cookies %v", tok, set)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(set[0])
	w = httptest.NewRecorder()
	again := a.CSRFToken(w, r)
	if len(w.Result().Cookies()) != 0 || !csrfTokensMatch(again, set[0].Value) || again == tok {
		t.Errorf("existing cookie: token %q, cookies %v", again, w.Result().Cookies())
	}
}
