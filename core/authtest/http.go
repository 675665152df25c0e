package authtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/restauth/restauth/core"
)

// response is a fully read HTTP response.
type response struct {
	req    string // "POST /api/auth/login/", for messages
	status int
	header http.Header
	body   []byte
}

// do sends one request through the real HTTP server. header holds
// name/value pairs; a non-empty body is sent as application/json unless a
// Content-Type is given.
func (e *env) do(t *testing.T, method, path, body string, header ...string) *response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := e.newRequest(t, method, path, r, header...)
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return e.send(t, req)
}

// newRequest builds a request for path on the test server.
func (e *env) newRequest(t *testing.T, method, path string, body io.Reader, header ...string) *http.Request {
	t.Helper()
	if len(header)%2 != 0 {
		t.Fatalf("authtest: odd number of header arguments: %q", header)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL+path, body)
	if err != nil {
		t.Fatalf("authtest: building %s %s: %v", method, path, err)
	}
	for i := 0; i < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

// send sends req and reads the whole response.
func (e *env) send(t *testing.T, req *http.Request) *response {
	t.Helper()
	res, err := e.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.RequestURI(), err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", req.Method, req.URL.RequestURI(), err)
	}
	return &response{req: req.Method + " " + req.URL.RequestURI(), status: res.StatusCode, header: res.Header, body: b}
}

// want checks a response written by restauth: the status, the exact body
// bytes, Content-Type application/json (no parameters), the security
// headers, and no cookie (token mode never sets one).
func (r *response) want(t *testing.T, status int, body string) {
	t.Helper()
	r.wantStatus(t, status)
	if string(r.body) != body {
		t.Errorf("%s: body\n got %s\nwant %s", r.req, r.body, body)
	}
	r.wantRestauthHeaders(t)
}

// wantStatus checks the status code only.
func (r *response) wantStatus(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d (body %s, Location %q)", r.req, r.status, status, r.body, r.header.Get("Location"))
	}
}

// wantRestauthHeaders checks the headers every restauth answer carries.
func (r *response) wantRestauthHeaders(t *testing.T) {
	t.Helper()
	r.wantHeader(t, "Content-Type", "application/json")
	r.wantHeader(t, "Cache-Control", "no-store")
	r.wantHeader(t, "X-Content-Type-Options", "nosniff")
	// Token mode sets no cookie, except the device cookie a successful
	// login leaves when rate limiting is on (T-RL-07).
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name != core.DefaultDeviceCookieName || !c.HttpOnly || c.Value == "" {
			t.Errorf("%s: unexpected Set-Cookie %q in token mode", r.req, c.String())
		}
	}
}

// wantHeader checks that the header name has exactly the value want ("" for
// absent).
func (r *response) wantHeader(t *testing.T, name, want string) {
	t.Helper()
	got := r.header.Values(name)
	switch {
	case want == "" && len(got) > 0:
		t.Errorf("%s: unexpected header %s: %q", r.req, name, got)
	case want != "" && (len(got) != 1 || got[0] != want):
		t.Errorf("%s: header %s = %q, want %q", r.req, name, got, want)
	}
}

// keyRe is a DRF token key: 40 lowercase hex characters.
var keyRe = regexp.MustCompile(`^\{"key":"([0-9a-f]{40})"\}$`)

// wantKey checks a successful token-mode login and returns the key.
func (r *response) wantKey(t *testing.T) string {
	t.Helper()
	r.wantStatus(t, http.StatusOK)
	r.wantRestauthHeaders(t)
	r.wantHeader(t, "Allow", "POST, OPTIONS")
	m := keyRe.FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("%s: body %s, want {\"key\":\"<40 lowercase hex>\"}", r.req, r.body)
	}
	return string(m[1])
}

// wantApp checks a 200 answer of an application route: its JSON object
// must equal want (the framework may format it its own way).
func (r *response) wantApp(t *testing.T, want map[string]string) {
	t.Helper()
	r.wantStatus(t, http.StatusOK)
	var got map[string]string
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Errorf("%s: body %s is not a JSON object of strings: %v", r.req, r.body, err)
		return
	}
	if len(got) != len(want) {
		t.Errorf("%s: body %s, want %v", r.req, r.body, want)
		return
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: body %s, want %v", r.req, r.body, want)
			return
		}
	}
}

// wantSame checks that two responses are indistinguishable: same status,
// body bytes and header names and values (apart from Date).
func wantSame(t *testing.T, a, b *response) {
	t.Helper()
	if a.status != b.status || !bytes.Equal(a.body, b.body) {
		t.Errorf("responses differ:\n%s: %d %s\n%s: %d %s", a.req, a.status, a.body, b.req, b.status, b.body)
	}
	for _, h := range []http.Header{a.header, b.header} {
		for name := range h {
			if name == "Date" {
				continue
			}
			if !slices.Equal(a.header.Values(name), b.header.Values(name)) {
				t.Errorf("header %s differs: %s: %q, %s: %q", name, a.req, a.header.Values(name), b.req, b.header.Values(name))
			}
		}
	}
}

// jsonObject renders name/value pairs as a JSON object, in order.
func jsonObject(kv ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv[i])
		v, _ := json.Marshal(kv[i+1])
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.String()
}

// tokenHeader returns the Authorization value for key.
func tokenHeader(key string) string { return "Token " + key }

// concurrently fires n requests at once (behind a start barrier) and
// returns their status codes; body(i) is the JSON body of request i.
func (e *env) concurrently(t *testing.T, n int, method, path string, body func(i int) string) []int {
	t.Helper()
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		codes = make([]int, n)
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			req := e.newRequest(t, method, path, strings.NewReader(body(i)), "Content-Type", "application/json")
			res, err := e.client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			codes[i] = res.StatusCode
		}(i)
	}
	close(start)
	wg.Wait()
	return codes
}

// countStatus counts codes equal to ok and reports any code that is
// neither ok nor other.
func countStatus(t *testing.T, codes []int, ok, other int) int {
	t.Helper()
	n := 0
	for _, c := range codes {
		switch c {
		case ok:
			n++
		case other:
		default:
			t.Errorf("status %d", c)
		}
	}
	return n
}
