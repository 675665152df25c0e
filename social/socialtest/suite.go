// Package socialtest is the conformance suite of social login and the
// providers it runs against: OP, a real OpenID Provider on 127.0.0.1
// (mockoidc), and GitHub, a local stand-in for GitHub's documented OAuth
// and REST endpoints. Discovery, keys, code exchanges, ID tokens and API
// calls all travel over HTTP, as in production.
//
// Run drives every flow and every hostile case of docs/threat-model.md's
// group N (T-SOC-…) through real HTTP against the server a test builds, on
// the store it gives:
//
//	func TestSocial(t *testing.T) {
//		socialtest.Run(t, authtest.NetHTTP, func(t *testing.T) core.Store { return memstore.New() })
//	}
//
// The integration module runs it through Gin and Echo on SQLite,
// PostgreSQL and MySQL. The package imports the testing package; import it
// from tests only.
package socialtest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/authtest/openapicheck"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/social"
)

// RedirectURI is the redirect URI the suite's clients use and its
// providers are configured with.
const RedirectURI = "http://127.0.0.1:9/callback"

// Password is the password of the suite's local accounts.
const Password = "Secret-pass-123"

// suite is one Run.
type suite struct {
	server   authtest.Server
	newStore func(t *testing.T) core.Store
	ran      map[string]bool
	mu       sync.Mutex
}

// Run runs the social suite: the flows (group "Flows") and the hostile
// cases (group "Hostile", one subtest per ID of HostileIDs), each on a
// fresh store and a fresh server from server, with its own OP and GitHub.
func Run(t *testing.T, server authtest.Server, newStore func(t *testing.T) core.Store) {
	t.Helper()
	s := &suite{server: server, newStore: newStore, ran: map[string]bool{}}
	t.Run("Flows", s.flows)
	t.Run("Hostile", func(t *testing.T) {
		s.hostile(t)
		if f := flag.Lookup("test.run"); f != nil && f.Value.String() != "" {
			return // part of the suite was selected
		}
		for _, id := range HostileIDs() {
			if !s.ran[id] {
				t.Errorf("hostile case %s did not run", id)
			}
		}
	})
}

// mode is an authentication configuration of the server.
type mode int

const (
	modeToken mode = iota
	modeJWT
	modeSession
)

// envOptions adjust one env.
type envOptions struct {
	mode    mode
	linking bool
	// cfg changes the core configuration last.
	cfg func(*core.Config)
}

// env is one server with its providers, store, mail and log.
type env struct {
	t       *testing.T
	op      *OP
	gh      *GitHub
	auth    *core.Auth
	store   core.Store
	social  core.SocialAccountStore
	srv     *httptest.Server
	prefix  string
	outbox  *mail.Outbox
	logs    *syncBuffer
	secrets []string // values the log must never hold
	mode    mode
	// api is the server's OpenAPI document: every exchange of the suite's
	// clients is checked against it. nil when the server has none.
	api *openapicheck.Document
}

// loadOpenAPI reads the server's OpenAPI document, nil when it serves
// none (Config.DisableOpenAPI).
func loadOpenAPI(t *testing.T, base, prefix string) *openapicheck.Document {
	t.Helper()
	res, err := http.Get(base + prefix + "openapi.json")
	if err != nil {
		t.Fatalf("socialtest: GET openapi.json: %v", err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode == http.StatusNotFound {
		return nil
	}
	doc, err := openapicheck.Load(raw)
	if err != nil {
		t.Fatalf("socialtest: the server's OpenAPI document: %v", err)
	}
	doc.Prefix = prefix
	return doc
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// newEnv starts the providers and a server with social login for both.
func (s *suite) newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	e := &env{t: t, op: StartOP(t), gh: StartGitHub(t), outbox: mail.NewOutbox(), logs: &syncBuffer{}, mode: o.mode}
	argon, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	policy, err := password.NewPolicy(password.WithHasher(argon), password.WithLogger(logger))
	if err != nil {
		t.Fatal(err)
	}
	oidcProvider, err := social.NewOIDC(social.OIDCConfig{ID: "oidc", Issuer: e.op.Issuer(), ClientID: e.op.ClientID(),
		ClientSecret: e.op.ClientSecret(), RedirectURI: RedirectURI})
	if err != nil {
		t.Fatal(err)
	}
	ghProvider, err := social.NewGitHub(social.GitHubConfig{ClientID: e.gh.ClientID, ClientSecret: e.gh.ClientSecret,
		RedirectURI: RedirectURI, WebURL: e.gh.URL(), APIURL: e.gh.URL()})
	if err != nil {
		t.Fatal(err)
	}
	ext, err := social.New(social.Config{Providers: []social.Provider{oidcProvider, ghProvider}, EmailAuthentication: o.linking})
	if err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	e.store = s.newStore(t)
	cfg := core.Config{
		Store: e.store, Passwords: policy, Logger: logger, SecretKey: key,
		Extensions: []core.Extension{ext}, InsecureCookies: true,
		Accounts: core.AccountConfig{Mailer: e.outbox, FrontendURL: "http://app.example", SynchronousMail: true},
	}
	cfg.Throttle.Disabled = true
	switch o.mode {
	case modeJWT:
		cfg.Methods = []core.Method{core.MethodJWT}
	case modeSession:
		cfg.Methods = []core.Method{core.MethodSession}
		cfg.Session.Store = memstore.NewSessionStore()
	}
	if o.cfg != nil {
		o.cfg(&cfg)
	}
	h, auth := s.server(t, cfg)
	e.auth = auth
	e.prefix = auth.Prefix()
	ss, ok := e.store.(core.SocialAccountStore)
	if !ok {
		t.Fatalf("socialtest: %T does not implement core.SocialAccountStore", e.store)
	}
	e.social = ss
	e.srv = httptest.NewServer(h)
	t.Cleanup(e.srv.Close)
	e.api = loadOpenAPI(t, e.srv.URL, e.prefix)
	t.Cleanup(func() {
		logs := e.logs.String()
		for _, secret := range e.secrets {
			if secret != "" && strings.Contains(logs, secret) {
				t.Errorf("the log holds a secret the client posted (%d bytes)", len(secret))
			}
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs)
		}
	})
	return e
}

// client is a browser-like client of env: a cookie jar and, for unsafe
// requests with cookies, the CSRF header from the csrftoken cookie.
type client struct {
	e    *env
	http *http.Client
	// header is sent with every request (Authorization).
	header http.Header
	// noCSRF leaves the X-CSRFToken header out.
	noCSRF bool
}

func (e *env) newClient() *client {
	jar, _ := cookiejar.New(nil)
	var rt http.RoundTripper = http.DefaultTransport
	if e.api != nil {
		t := e.t
		rt = e.api.Transport(rt, func(err error) { t.Errorf("the exchange does not match the OpenAPI document:\n%v", err) })
	}
	return &client{e: e, header: http.Header{}, http: &http.Client{Jar: jar, Transport: rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// answer is a response with its decoded JSON body.
type answer struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
	list   []any
}

// do sends method path (relative to the prefix) with a JSON body.
func (c *client) do(method, path string, body any, extra ...http.Header) answer {
	c.e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.e.srv.URL+c.e.prefix+path, rd)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	for _, h := range extra {
		for k, vs := range h {
			req.Header[k] = vs
		}
	}
	if !c.noCSRF && method != http.MethodGet {
		u, _ := url.Parse(c.e.srv.URL)
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "csrftoken" {
				req.Header.Set("X-CSRFToken", ck.Value)
				req.Header.Set("Origin", c.e.srv.URL)
			}
		}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if len(raw) > 0 {
		if raw[0] == '[' {
			_ = json.Unmarshal(raw, &a.list)
		} else {
			_ = json.Unmarshal(raw, &a.body)
		}
	}
	return a
}

func (c *client) post(path string, body any, extra ...http.Header) answer {
	return c.do(http.MethodPost, path, body, extra...)
}

// want fails unless a has status and, when msg is set, the body
// {"non_field_errors":[msg]} exactly.
func (e *env) want(a answer, status int, msg string) {
	e.t.Helper()
	if a.status != status {
		e.t.Fatalf("status %d, want %d; body %s", a.status, status, a.raw)
	}
	if msg != "" {
		want, _ := json.Marshal(map[string][]string{"non_field_errors": {msg}})
		if a.raw != string(want) {
			e.t.Fatalf("body %s, want %s", a.raw, want)
		}
	}
}

// loggedIn checks a login answer of env's mode and makes c use the
// credential it carries (a token header for token mode; cookies, kept by
// the jar, otherwise).
func (e *env) loggedIn(c *client, a answer) {
	e.t.Helper()
	switch e.mode {
	case modeToken:
		key, _ := a.body["key"].(string)
		if a.status != http.StatusOK || len(key) != 40 {
			e.t.Fatalf("login answer %d %s, want 200 with a key", a.status, a.raw)
		}
		e.secrets = append(e.secrets, key)
		c.header.Set("Authorization", "Token "+key)
	case modeJWT:
		access, _ := a.body["access"].(string)
		if a.status != http.StatusOK || access == "" || a.body["user"] == nil {
			e.t.Fatalf("login answer %d %s, want 200 with access and user", a.status, a.raw)
		}
		e.secrets = append(e.secrets, access)
	case modeSession:
		if a.status != http.StatusNoContent {
			e.t.Fatalf("login answer %d %s, want 204", a.status, a.raw)
		}
	}
}

// account returns the user the identity is linked to, or nil.
func (e *env) account(provider, uid string) (*core.SocialAccount, *core.User) {
	e.t.Helper()
	a, u, err := e.social.SocialAccountByUID(e.t.Context(), provider, uid)
	if err != nil {
		return nil, nil
	}
	return a, u
}

// localUser creates a local account with a password.
func (e *env) localUser(name, email string, verified bool) *core.User {
	e.t.Helper()
	u, err := e.auth.CreateUser(e.t.Context(), core.NewUser{Username: name, Email: email, Password: Password, EmailVerified: verified})
	if err != nil {
		e.t.Fatalf("CreateUser(%s): %v", name, err)
	}
	return u
}

// passwordLogin logs c in with a password through login/.
func (e *env) passwordLogin(c *client, name string) {
	e.t.Helper()
	e.loggedIn(c, c.post("login/", map[string]string{"username": name, "password": Password}))
}

// rotatedAfterLogin logs u in with an ID token, has the provider rotate
// its signing key, and returns that token (under the retired key) and a
// fresh one under the new key; both are secrets of the test.
func (e *env) rotatedAfterLogin(t *testing.T, u User) (retired, fresh string) {
	t.Helper()
	retired = e.op.IDToken(t, u, "")
	e.secrets = append(e.secrets, retired)
	e.loggedIn(e.newClient(), e.newClient().post("oidc/", map[string]string{"id_token": retired}))
	e.op.RotateKey(t)
	fresh = e.op.IDToken(t, u, "")
	e.secrets = append(e.secrets, fresh)
	return retired, fresh
}

// oidcCode returns a code for u at the OP through an authorization with
// nonce and PKCE verifier; the verifier is returned too.
func (e *env) oidcCode(u User, nonce string) (code, verifier string) {
	e.t.Helper()
	verifier = "v-" + randomHex(24)
	code = e.op.Code(e.t, u, Authorization{RedirectURI: RedirectURI, Nonce: nonce, Verifier: verifier})
	e.secrets = append(e.secrets, code, verifier)
	return code, verifier
}

// socialIDs lists the providers of the caller's social accounts through
// socialaccounts/.
func (c *client) socialProviders() []string {
	c.e.t.Helper()
	a := c.do(http.MethodGet, "socialaccounts/", nil)
	if a.status != http.StatusOK {
		c.e.t.Fatalf("socialaccounts/: %d %s", a.status, a.raw)
	}
	var out []string
	for _, x := range a.list {
		m, _ := x.(map[string]any)
		p, _ := m["provider"].(string)
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// run runs f as the hostile case id.
func (s *suite) run(t *testing.T, id string, f func(t *testing.T)) {
	t.Helper()
	if !slices.Contains(HostileIDs(), id) {
		t.Fatalf("socialtest: %s is not a case of docs/threat-model.md", id)
	}
	s.mu.Lock()
	s.ran[id] = true
	s.mu.Unlock()
	t.Run(id, f)
}
