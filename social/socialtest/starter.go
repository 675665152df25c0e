package socialtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// StarterEnv returns the RESTAUTH_* variables that give a starter social
// login with op as its generic OpenID Connect provider (oidc/) and gh as
// GitHub (github/), both with RedirectURI.
func StarterEnv(op *OP, gh *GitHub) map[string]string {
	return map[string]string{
		"RESTAUTH_OIDC_ISSUER":          op.Issuer(),
		"RESTAUTH_OIDC_CLIENT_ID":       op.ClientID(),
		"RESTAUTH_OIDC_CLIENT_SECRET":   op.ClientSecret(),
		"RESTAUTH_OIDC_REDIRECT_URI":    RedirectURI,
		"RESTAUTH_GITHUB_CLIENT_ID":     gh.ClientID,
		"RESTAUTH_GITHUB_CLIENT_SECRET": gh.ClientSecret,
		"RESTAUTH_GITHUB_REDIRECT_URI":  RedirectURI,
		// The stand-in serves GitHub's endpoints like GitHub Enterprise
		// Server: the web flow at its root, the API under /api/v3.
		"RESTAUTH_GITHUB_URL": gh.URL(),
	}
}

// liveClient talks to a running starter like an app: it keeps cookies,
// sends a key or access token it was given, and the CSRF token with
// unsafe cookie-authenticated requests.
type liveClient struct {
	t     *testing.T
	base  string
	http  *http.Client
	authz string
}

func (c *liveClient) do(method, path string, body any) (int, map[string]any, []any) {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.authz != "" {
		req.Header.Set("Authorization", c.authz)
	} else if method != http.MethodGet {
		u, _ := url.Parse(c.base)
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "csrftoken" {
				req.Header.Set("X-CSRFToken", ck.Value)
				req.Header.Set("Origin", u.Scheme+"://"+u.Host)
			}
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var obj map[string]any
	var list []any
	if len(raw) > 0 && raw[0] == '[' {
		_ = json.Unmarshal(raw, &list)
	} else {
		_ = json.Unmarshal(raw, &obj)
	}
	if resp.StatusCode >= 400 {
		c.t.Logf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return resp.StatusCode, obj, list
}

// loggedIn keeps the credential of a login answer: the key (token mode)
// or access token (JWT) as Authorization, else the session cookie.
func (c *liveClient) loggedIn(status int, body map[string]any) {
	c.t.Helper()
	switch {
	case status == http.StatusOK && body["key"] != nil && body["access"] == nil:
		c.authz = "Token " + body["key"].(string)
	case status == http.StatusOK && body["access"] != nil:
		c.authz = "Bearer " + body["access"].(string)
	case status == http.StatusNoContent:
	default:
		c.t.Fatalf("social login answered %d %v", status, body)
	}
}

// StarterFlow signs up through github/ with a code (PKCE) on a running
// starter at baseURL, connects an OpenID Connect identity to the same
// account with an ID token (oidc/connect/), lists both, disconnects one
// and logs in again through oidc/ with a code: what a client does against
// any starter configured with StarterEnv.
func StarterFlow(t *testing.T, baseURL, prefix string, op *OP, gh *GitHub) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &liveClient{t: t, base: strings.TrimRight(baseURL, "/") + prefix, http: &http.Client{Jar: jar}}
	user := GitHubUser{ID: 9001, Login: "starter-octo", Name: "Starter Octo",
		Emails: []GitHubEmail{{Email: "starter-" + randomHex(4) + "@github.example", Verified: true}}}
	code := gh.Code(t, user, RedirectURI, "starter-verifier-0123456789")
	status, body, _ := c.do(http.MethodPost, "github/", map[string]string{"code": code, "code_verifier": "starter-verifier-0123456789"})
	c.loggedIn(status, body)

	ident := User{Subject: "starter-" + randomHex(6), Email: "oidc-" + randomHex(4) + "@idp.example", EmailVerified: true}
	tok := op.IDToken(t, ident, "starter-nonce")
	status, body, _ = c.do(http.MethodPost, "oidc/connect/", map[string]string{"id_token": tok, "nonce": "starter-nonce"})
	c.loggedIn(status, body)

	status, _, list := c.do(http.MethodGet, "socialaccounts/", nil)
	var providers []string
	oidcID := ""
	for _, x := range list {
		m, _ := x.(map[string]any)
		p, _ := m["provider"].(string)
		providers = append(providers, p)
		if id, ok := m["id"].(float64); p == "oidc" && ok {
			oidcID = strconv.FormatInt(int64(id), 10)
		}
	}
	slices.Sort(providers)
	if status != http.StatusOK || !slices.Equal(providers, []string{"github", "oidc"}) {
		t.Fatalf("socialaccounts/: %d %v, want github and oidc", status, providers)
	}
	if status, _, _ := c.do(http.MethodPost, "socialaccounts/"+oidcID+"/disconnect/", nil); status != http.StatusOK {
		t.Fatalf("disconnect: %d", status)
	}
	// The GitHub identity still logs in; a fresh OIDC identity signs up.
	freshJar, _ := cookiejar.New(nil)
	fresh := &liveClient{t: t, base: c.base, http: &http.Client{Jar: freshJar}}
	verifier := "starter-verifier-abcdefghij"
	code = op.Code(t, ident, Authorization{RedirectURI: RedirectURI, Verifier: verifier})
	status, body, _ = fresh.do(http.MethodPost, "oidc/", map[string]string{"code": code, "code_verifier": verifier})
	fresh.loggedIn(status, body)
}

// WantNotMounted fails unless a starter at baseURL mounts no social
// endpoint: without the variables, there is none.
func WantNotMounted(t *testing.T, baseURL, prefix string) {
	t.Helper()
	for _, p := range []string{"github/", "google/", "oidc/", "socialaccounts/"} {
		resp, err := http.Post(strings.TrimRight(baseURL, "/")+prefix+p, "application/json", strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s without social variables: %d, want 404", p, resp.StatusCode)
		}
	}
}
