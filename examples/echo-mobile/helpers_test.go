package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testPassword is the password of every account the tests create.
const testPassword = "Correct-Horse-9"

// phone is a mobile client: no cookie jar, and every response is checked
// for Set-Cookie, which a cookie-less API must never send.
type phone struct {
	t      *testing.T
	base   string
	client *http.Client
}

func newPhone(t *testing.T, base string) *phone {
	return &phone{t: t, base: base, client: &http.Client{Transport: noCookies{t: t}, Timeout: 30 * time.Second}}
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map (failing the test when it is not one).
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %s", r.body)
	}
	return m
}

// do sends a request with an optional Authorization value ("Bearer x",
// "Token y") and an optional JSON body.
func (p *phone) do(method, path, authorization, jsonBody string) response {
	p.t.Helper()
	var body io.Reader
	if jsonBody != "" {
		body = strings.NewReader(jsonBody)
	}
	req, err := http.NewRequestWithContext(p.t.Context(), method, p.base+path, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if jsonBody != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	res, err := p.client.Do(req)
	if err != nil {
		p.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// want fails unless the response has the status and exactly the body.
func (r response) want(t *testing.T, what string, status int, body string) {
	t.Helper()
	if r.status != status || string(r.body) != body {
		t.Errorf("%s: got %d %s\nwant %d %s", what, r.status, r.body, status, body)
	}
}

// noCookies is a transport that fails the test on any Set-Cookie.
type noCookies struct{ t *testing.T }

func (n noCookies) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	if err == nil && len(res.Header.Values("Set-Cookie")) > 0 {
		n.t.Errorf("%s %s sent Set-Cookie: %q", req.Method, req.URL.Path, res.Header.Values("Set-Cookie"))
	}
	return res, err
}

// jsonBody encodes key/value pairs as a JSON object.
func jsonBody(kv ...string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	b, _ := json.Marshal(m)
	return string(b)
}
