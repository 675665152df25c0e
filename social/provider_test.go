package social

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

// TestAppleClientSecret: the minted secret is an ES256 JWT under the key
// ID with Apple's claims, verifiable with the key's public half.
func TestAppleClientSecret(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	now := time.Unix(1_700_000_000, 0)
	cfg, err := Apple(AppleConfig{ClientID: "com.example.web", TeamID: "TEAM123456", KeyID: "KEY1234567",
		PrivateKey: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), Audiences: []string{"com.example.ios"},
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ID != "apple" || cfg.Issuer != "https://appleid.apple.com" || cfg.ClientSecret != "" || cfg.Audiences[0] != "com.example.ios" {
		t.Errorf("config %+v", cfg)
	}
	secret, err := cfg.ClientSecretFunc(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Parse(secret, func(tok *jwt.Token) (any, error) { return &key.PublicKey, nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		t.Fatalf("the client secret does not verify: %v", err)
	}
	if tok.Header["kid"] != "KEY1234567" {
		t.Errorf("kid %v", tok.Header["kid"])
	}
	c := tok.Claims.(jwt.MapClaims)
	if c["iss"] != "TEAM123456" || c["sub"] != "com.example.web" || c["aud"] != "https://appleid.apple.com" ||
		c["iat"] != float64(now.Unix()) || c["exp"] != float64(now.Add(5*time.Minute).Unix()) {
		t.Errorf("claims %v", c)
	}
	for _, bad := range [][]byte{nil, []byte("not pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("junk")})} {
		if _, err := Apple(AppleConfig{ClientID: "a", TeamID: "b", KeyID: "c", PrivateKey: bad}); err == nil {
			t.Errorf("Apple accepted the key %q", bad)
		}
	}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rsaDER, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	if _, err := Apple(AppleConfig{ClientID: "a", TeamID: "b", KeyID: "c", PrivateKey: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: rsaDER})}); err == nil {
		t.Error("Apple accepted an RSA key")
	}
}

// tenantIdP is a multi-tenant provider like Microsoft's common endpoint:
// its discovery document names the issuer with a {tenantid} placeholder.
func tenantIdP(t *testing.T) (*httptest.Server, *rsa.PrivateKey) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/common/v2.0/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": srv.URL + "/{tenantid}/v2.0", "authorization_endpoint": srv.URL + "/authorize",
			"token_endpoint": srv.URL + "/token", "jwks_uri": srv.URL + "/keys",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/keys", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, key
}

// TestMicrosoftTenantIssuer: with a multi-tenant issuer, a token's iss
// must be its own tenant's (tid), and the audience still this client.
func TestMicrosoftTenantIssuer(t *testing.T) {
	srv, key := tenantIdP(t)
	cfg := Microsoft("common", "client-1", "", "")
	if cfg.issuerTemplate == "" || cfg.Issuer != "https://login.microsoftonline.com/common/v2.0" {
		t.Fatalf("preset %+v", cfg)
	}
	if single := Microsoft("contoso.onmicrosoft.com", "c", "", ""); single.issuerTemplate != "" {
		t.Error("a single tenant got a templated issuer")
	}
	cfg.Issuer, cfg.issuerTemplate = srv.URL+"/common/v2.0", srv.URL+"/{tenantid}/v2.0"
	p, err := NewOIDC(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sign := func(claims jwt.MapClaims) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
		tok.Header["kid"] = "k1"
		s, _ := tok.SignedString(key)
		return s
	}
	now := time.Now()
	base := func(tid, iss string) jwt.MapClaims {
		return jwt.MapClaims{"iss": iss, "aud": "client-1", "sub": "user-1", "tid": tid, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
			"email": "u@contoso.example"}
	}
	id, err := p.Identify(context.Background(), Credentials{IDToken: sign(base("tenant-a", srv.URL+"/tenant-a/v2.0"))})
	if err != nil || id.UID != "user-1" || id.EmailVerified {
		t.Fatalf("own tenant's token: %+v, %v (want accepted, address unverified)", id, err)
	}
	for name, claims := range map[string]jwt.MapClaims{
		"another tenant's issuer": base("tenant-a", srv.URL+"/tenant-b/v2.0"),
		"no tid":                  base("", srv.URL+"/tenant-a/v2.0"),
		"the template itself":     base("{tenantid}", srv.URL+"/{tenantid}/v2.0"),
		"another audience": func() jwt.MapClaims {
			c := base("tenant-a", srv.URL+"/tenant-a/v2.0")
			c["aud"] = "client-2"
			return c
		}(),
	} {
		if _, err := p.Identify(context.Background(), Credentials{IDToken: sign(claims)}); !errors.Is(err, ErrInvalidCredentials) {
			t.Errorf("%s: err = %v, want ErrInvalidCredentials", name, err)
		}
	}
}

func TestFlexBool(t *testing.T) {
	for in, want := range map[string]bool{`true`: true, `false`: false, `"true"`: true, `"TRUE"`: true, `"false"`: false, `"yes"`: false, `1`: false, `null`: false} {
		var b flexBool
		if err := json.Unmarshal([]byte(in), &b); err != nil || bool(b) != want {
			t.Errorf("%s: %v, %v; want %v", in, b, err, want)
		}
	}
}

func TestDRFTime(t *testing.T) {
	ist := time.FixedZone("IST", 5*3600+1800)
	for in, want := range map[time.Time]string{
		time.Date(2024, 2, 29, 23, 59, 58, 0, time.UTC):    "2024-02-29T23:59:58Z",
		time.Date(2024, 2, 29, 23, 59, 58, 123456789, ist): "2024-02-29T18:29:58.123456Z",
		time.Date(2024, 2, 29, 23, 59, 58, 1000, time.UTC): "2024-02-29T23:59:58.000001Z",
		time.Date(2024, 2, 29, 23, 59, 58, 999, time.UTC):  "2024-02-29T23:59:58Z",
	} {
		if got := drfTime(in); got != want {
			t.Errorf("drfTime(%v) = %s, want %s", in, got, want)
		}
	}
}

func TestNewValidation(t *testing.T) {
	gh, err := NewGitHub(GitHubConfig{ClientID: "c", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewGitHub(GitHubConfig{ID: "socialaccounts", ClientID: "c", ClientSecret: "s"})
	for name, cfg := range map[string]Config{
		"none":     {},
		"nil":      {Providers: []Provider{nil}},
		"twice":    {Providers: []Provider{gh, gh}},
		"accounts": {Providers: []Provider{other}},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	for _, id := range []string{"", "GitHub", "git hub", "a/b", strings.Repeat("a", 31)} {
		if _, err := NewGitHub(GitHubConfig{ID: id, ClientID: "c", ClientSecret: "s"}); err == nil && id != "" {
			t.Errorf("NewGitHub accepted the ID %q", id)
		}
	}
	if _, err := NewGitHub(GitHubConfig{ClientID: "c"}); err == nil {
		t.Error("NewGitHub accepted no secret")
	}
	if got := operationName("my-idp_x"); got != "MyIdpX" {
		t.Errorf("operationName = %s", got)
	}
}
