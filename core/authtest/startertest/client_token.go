package startertest

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// Account is an existing user that a client flow logs in as.
type Account struct {
	Username, Email, Password string
}

// TokenClientFlow plays a client written for dj-rest-auth in token mode
// against a running server at baseURL (e.g. a starter started by its own
// test): login by username and by email, read and update user/, call the
// app route appPath with the token, log out, and check the token is dead
// everywhere. The account must exist, be active and have a verified email.
func TokenClientFlow(t *testing.T, baseURL, prefix, appPath string, acct Account) {
	t.Helper()
	c := &liveClient{t: t, base: strings.TrimRight(baseURL, "/")}
	keyRe := regexp.MustCompile(`^\{"key":"([0-9a-f]{40})"\}$`)

	login := func(body string) string {
		t.Helper()
		status, _, b := c.do(http.MethodPost, prefix+"login/", body, "")
		m := keyRe.FindStringSubmatch(string(b))
		if status != http.StatusOK || m == nil {
			t.Fatalf("login %s: %d %s", body, status, b)
		}
		return m[1]
	}
	byName := login(jsonBody("username", acct.Username, "password", acct.Password))
	byEmail := login(jsonBody("email", strings.ToUpper(acct.Email), "password", acct.Password))

	status, h, b := c.do(http.MethodPost, prefix+"login/", jsonBody("username", acct.Username, "password", acct.Password+"x"), "")
	if status != http.StatusBadRequest || string(b) != `{"non_field_errors":["Unable to log in with provided credentials."]}` {
		t.Errorf("wrong password: %d %s", status, b)
	}
	if h.Get("Set-Cookie") != "" {
		t.Errorf("token mode set a cookie: %s", h.Get("Set-Cookie"))
	}

	status, _, b = c.do(http.MethodGet, prefix+"user/", "", byName)
	var u map[string]any
	if status != http.StatusOK || json.Unmarshal(b, &u) != nil || u["username"] != acct.Username || u["email"] != acct.Email {
		t.Fatalf("user/: %d %s", status, b)
	}
	for _, k := range []string{"pk", "username", "email", "first_name", "last_name"} {
		if _, ok := u[k]; !ok {
			t.Errorf("user/ lacks %q: %s", k, b)
		}
	}
	if len(u) != 5 {
		t.Errorf("user/ has extra fields: %s", b)
	}
	status, _, b = c.do(http.MethodPatch, prefix+"user/", `{"first_name":"Ada","email":"changed@example.com"}`, byEmail)
	if status != http.StatusOK || !strings.Contains(string(b), `"first_name":"Ada"`) || strings.Contains(string(b), "changed@example.com") {
		t.Errorf("PATCH user/: %d %s", status, b)
	}
	if appPath != "" {
		if status, _, b = c.do(http.MethodGet, appPath, "", byName); status != http.StatusOK {
			t.Errorf("app route with token: %d %s", status, b)
		}
		status, h, b = c.do(http.MethodGet, appPath, "", "")
		if status != http.StatusUnauthorized || h.Get("WWW-Authenticate") != "Token" ||
			string(b) != `{"detail":"Authentication credentials were not provided."}` {
			t.Errorf("app route anonymous: %d %q %s", status, h.Get("WWW-Authenticate"), b)
		}
	}

	status, _, b = c.do(http.MethodPost, prefix+"logout/", "", byName)
	if status != http.StatusOK || string(b) != `{"detail":"Successfully logged out."}` {
		t.Fatalf("logout: %d %s", status, b)
	}
	status, h, b = c.do(http.MethodGet, prefix+"user/", "", byName)
	if status != http.StatusUnauthorized || h.Get("WWW-Authenticate") != "Token" || string(b) != `{"detail":"Invalid token."}` {
		t.Errorf("user/ after logout: %d %s", status, b)
	}
	if appPath != "" {
		if status, _, _ = c.do(http.MethodGet, appPath, "", byName); status != http.StatusUnauthorized {
			t.Errorf("app route after logout: %d", status)
		}
	}
	// The other device's token still works, unless both logins got one
	// key: DRF's one token per user, which a database shared with Django
	// keeps (docs/django.md); then the logout ended it for both.
	want := http.StatusOK
	if byEmail == byName {
		want = http.StatusUnauthorized
	}
	if status, _, b = c.do(http.MethodGet, prefix+"user/", "", byEmail); status != want {
		t.Errorf("second device after first logged out: %d %s, want %d", status, b, want)
	}
}

// liveClient sends requests to a running server.
type liveClient struct {
	t    *testing.T
	base string
}

func (c *liveClient) do(method, path, body, token string) (int, http.Header, []byte) {
	c.t.Helper()
	header := http.Header{}
	if token != "" {
		header.Set("Authorization", "Token "+token)
	}
	res, b := roundTrip(c.t, method, c.base+path, body, header)
	return res.StatusCode, res.Header, b
}

// roundTrip sends one request (a JSON body when body is not empty, with
// header) and returns the response with its body read.
func roundTrip(t *testing.T, method, url, body string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}
