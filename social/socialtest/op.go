package socialtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/oauth2-proxy/mockoidc"
)

// OP is a real OpenID Provider on 127.0.0.1 (github.com/oauth2-proxy/
// mockoidc) for tests: discovery, JWKS, the authorization endpoint (it
// signs in the next queued User without a login page), the token
// endpoint (single-use codes, PKCE) and ID tokens all travel over HTTP,
// as they do with a production provider. Its requests are served one at a
// time, so a test may rotate its key between them.
type OP struct {
	m *mockoidc.MockOIDC
	// mu serialises the provider's handlers with RotateKey: mockoidc's
	// own state is not safe for concurrent use.
	mu sync.Mutex
	// jwksHits counts requests for the key set.
	jwksHits atomic.Int64
	// down makes every request answer 503 while set.
	down atomic.Bool
}

// User is an identity at a test provider.
type User struct {
	Subject           string
	Email             string
	EmailVerified     bool
	PreferredUsername string
}

// StartOP starts a provider with a fresh RSA key, stopped when t ends.
func StartOP(t testing.TB) *OP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("socialtest: key: %v", err)
	}
	m, err := mockoidc.NewServer(key)
	if err != nil {
		t.Fatalf("socialtest: mockoidc: %v", err)
	}
	op := &OP{m: m}
	if err := m.AddMiddleware(op.serialise); err != nil {
		t.Fatalf("socialtest: mockoidc middleware: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("socialtest: listen: %v", err)
	}
	if err := m.Start(ln, nil); err != nil {
		t.Fatalf("socialtest: start mockoidc: %v", err)
	}
	t.Cleanup(func() { _ = m.Shutdown() })
	return op
}

// serialise runs one provider request at a time, counts key set
// requests and answers 503 while the provider is down.
func (op *OP) serialise(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if op.down.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		op.mu.Lock()
		defer op.mu.Unlock()
		if r.URL.Path == mockoidc.JWKSEndpoint {
			op.jwksHits.Add(1)
		}
		next.ServeHTTP(w, r)
	})
}

// Issuer is the provider's issuer URL (http on 127.0.0.1).
func (op *OP) Issuer() string { return op.m.Issuer() }

// ClientID and ClientSecret are the credentials of the one client the
// provider knows.
func (op *OP) ClientID() string     { return op.m.ClientID }
func (op *OP) ClientSecret() string { return op.m.ClientSecret }

// AuthorizationEndpoint is where a client sends the user.
func (op *OP) AuthorizationEndpoint() string { return op.m.AuthorizationEndpoint() }

// JWKSRequests is how many times the key set was fetched.
func (op *OP) JWKSRequests() int64 { return op.jwksHits.Load() }

// SetDown makes the provider answer 503 to everything (true) or serve
// again (false).
func (op *OP) SetDown(down bool) { op.down.Store(down) }

// Queue makes u the user the next authorization request signs in.
func (op *OP) Queue(u User) {
	op.m.QueueUser(&mockoidc.MockUser{Subject: u.Subject, Email: u.Email, EmailVerified: u.EmailVerified,
		PreferredUsername: u.PreferredUsername})
}

// Authorization is one authorization request's parameters.
type Authorization struct {
	RedirectURI string
	// Nonce is sent as nonce when set.
	Nonce string
	// Verifier, when set, sends its S256 challenge (PKCE).
	Verifier string
}

// Code runs the authorization step as a browser would for u: the
// provider redirects to the redirect URI with a code, which it returns.
func (op *OP) Code(t testing.TB, u User, a Authorization) string {
	t.Helper()
	op.Queue(u)
	q := url.Values{"scope": {"openid email profile"}, "state": {"state-1"}, "client_id": {op.ClientID()},
		"response_type": {"code"}, "redirect_uri": {a.RedirectURI}}
	if a.Nonce != "" {
		q.Set("nonce", a.Nonce)
	}
	if a.Verifier != "" {
		q.Set("code_challenge", S256(a.Verifier))
		q.Set("code_challenge_method", "S256")
	}
	return redirectCode(t, op.AuthorizationEndpoint()+"?"+q.Encode())
}

// IDToken runs a native app's whole flow for u (authorization, then the
// code exchange the app makes itself) and returns the ID token the app
// would post.
func (op *OP) IDToken(t testing.TB, u User, nonce string) string {
	t.Helper()
	code := op.Code(t, u, Authorization{RedirectURI: "http://127.0.0.1/app-callback", Nonce: nonce})
	resp, err := http.PostForm(op.m.TokenEndpoint(), url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"client_id": {op.ClientID()}, "client_secret": {op.ClientSecret()}, "redirect_uri": {"http://127.0.0.1/app-callback"}})
	if err != nil {
		t.Fatalf("socialtest: token request: %v", err)
	}
	defer resp.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.IDToken == "" {
		t.Fatalf("socialtest: token response: %d, %v", resp.StatusCode, err)
	}
	return tok.IDToken
}

// Claims are the claims of a token Sign signs: the provider's usual ones
// for u (iss, aud, sub, iat, exp in ten minutes, email...) that a test
// then changes.
func (op *OP) Claims(u User) jwt.MapClaims {
	now := time.Now()
	c := jwt.MapClaims{"iss": op.Issuer(), "aud": []string{op.ClientID()}, "sub": u.Subject,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(), "jti": "forged"}
	if u.Email != "" {
		c["email"], c["email_verified"] = u.Email, u.EmailVerified
	}
	return c
}

// Sign signs claims with the provider's own current key and key ID: a
// token only the provider could make, with whatever claims the test
// wants.
func (op *OP) Sign(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	op.mu.Lock()
	defer op.mu.Unlock()
	s, err := op.m.Keypair.SignJWT(claims)
	if err != nil {
		t.Fatalf("socialtest: sign: %v", err)
	}
	return s
}

// KeyID is the key ID of the provider's current key.
func (op *OP) KeyID(t testing.TB) string {
	t.Helper()
	op.mu.Lock()
	defer op.mu.Unlock()
	kid, err := op.m.Keypair.KeyID()
	if err != nil {
		t.Fatalf("socialtest: key ID: %v", err)
	}
	return kid
}

// RotateKey replaces the provider's signing key (and key ID): tokens
// signed before no longer verify against the published key set.
func (op *OP) RotateKey(t testing.TB) {
	t.Helper()
	kp, err := mockoidc.RandomKeypair(2048)
	if err != nil {
		t.Fatalf("socialtest: rotate: %v", err)
	}
	op.mu.Lock()
	op.m.Keypair = kp
	op.mu.Unlock()
}

// S256 is PKCE's S256 challenge of verifier.
func S256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// redirectCode GETs an authorization URL and returns the code of the
// redirect it answers.
func redirectCode(t testing.TB, authURL string) string {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(authURL)
	if err != nil {
		t.Fatalf("socialtest: authorize: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("socialtest: authorize answered %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("socialtest: authorize redirected to %q", resp.Header.Get("Location"))
	}
	return loc.Query().Get("code")
}
