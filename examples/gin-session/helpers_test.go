package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// testPassword is the password of every account the tests create.
const testPassword = "Correct-Horse-9"

// browser is a web browser without JavaScript: a cookie jar, redirects
// not followed (so that tests see them), and the headers a browser sends
// with a form post (Origin).
type browser struct {
	t      *testing.T
	base   *url.URL
	jar    *cookiejar.Jar
	client *http.Client
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, base: u, jar: jar, client: &http.Client{
		Jar:           jar,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// response is an answer, read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// want fails unless the response has the status and exactly the body.
func (r response) want(t *testing.T, what string, status int, body string) {
	t.Helper()
	if r.status != status || string(r.body) != body {
		t.Errorf("%s: got %d %s\nwant %d %s", what, r.status, r.body, status, body)
	}
}

// wantRedirect fails unless the response redirects to location.
func (r response) wantRedirect(t *testing.T, what, location string) {
	t.Helper()
	if r.status/100 != 3 || r.header.Get("Location") != location {
		t.Errorf("%s: got %d to %q, want a redirect to %q", what, r.status, r.header.Get("Location"), location)
	}
}

// get loads a page.
func (b *browser) get(path string) response {
	b.t.Helper()
	return b.send(http.MethodGet, path, nil, nil)
}

// postForm submits an HTML form of this site: form-encoded, as a browser
// does.
func (b *browser) postForm(path string, form url.Values) response {
	b.t.Helper()
	return b.postFormFrom(b.origin(), path, form)
}

// postFormFrom submits a form served by origin, another site's when it
// is not b.origin().
func (b *browser) postFormFrom(origin, path string, form url.Values) response {
	b.t.Helper()
	return b.send(http.MethodPost, path, strings.NewReader(form.Encode()), http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"},
		"Origin":       {origin},
	})
}

// fetch sends what app.js sends: JSON with the X-CSRFToken header.
func (b *browser) fetch(method, path, jsonBody, csrf string) response {
	b.t.Helper()
	return b.send(method, path, strings.NewReader(jsonBody), http.Header{
		"Content-Type": {"application/json"},
		"Accept":       {"application/json"},
		"Origin":       {b.origin()},
		"X-Csrftoken":  {csrf},
	})
}

func (b *browser) origin() string { return b.base.Scheme + "://" + b.base.Host }

func (b *browser) send(method, path string, body io.Reader, header http.Header) response {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), method, b.base.String()+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

// cookie returns the value of the jar's cookie for the site, or "".
func (b *browser) cookie(name string) string {
	for _, c := range b.jar.Cookies(b.base) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// setCookie puts a cookie into the jar, as a replay would.
func (b *browser) setCookie(name, value string) {
	b.jar.SetCookies(b.base, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}
