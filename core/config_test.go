package core

import (
	"strings"
	"testing"
)

type nopStore struct{ Store }

func TestNewValidatesConfig(t *testing.T) {
	_, err := New(Config{})
	if err == nil || !strings.Contains(err.Error(), "Store is required") {
		t.Fatalf("missing store: %v", err)
	}
	_, err = New(Config{Store: nopStore{}, Prefix: "api", Methods: []Method{"magic", MethodToken, MethodToken},
		LoginField: "phone", EmailVerification: "sometimes", MaxBodyBytes: 10, TokenLifetime: -1})
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	for _, want := range []string{"Prefix", `"magic"`, "listed twice", "LoginField", "EmailVerification", "MaxBodyBytes", "TokenLifetime"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not mention %s: %v", want, err)
		}
	}
}

func TestPrefixValidation(t *testing.T) {
	for _, p := range []string{"/", "/api/auth/", "/auth/v1/", "/a.b~c-d_e/"} {
		if !validPrefix(p) {
			t.Errorf("%q rejected", p)
		}
	}
	for _, p := range []string{"", "api/", "/api", "/api/:x/", "/api/{x}/", "/api//auth/", "/api/*x/", "/../", "/a b/"} {
		if validPrefix(p) {
			t.Errorf("%q accepted", p)
		}
	}
}

func TestNewDefaults(t *testing.T) {
	a, err := New(Config{Store: nopStore{}})
	if err != nil {
		t.Fatal(err)
	}
	c := a.Config()
	if c.Prefix != DefaultPrefix || len(c.Methods) != 1 || c.Methods[0] != MethodToken ||
		c.LoginField != LoginByUsernameOrEmail || c.EmailVerification != VerifyOptional ||
		c.Passwords == nil || len(c.PasswordValidators) != 4 || c.MaxBodyBytes != DefaultMaxBodyBytes ||
		c.Logger == nil || c.Now == nil || c.RetryAfter != DefaultRetryAfter {
		t.Errorf("defaults not applied: %+v", c)
	}
	if got := a.challenge(); got != "Token" {
		t.Errorf("challenge %q", got)
	}
}

func TestMessagesOverrideAndFormat(t *testing.T) {
	m := newMessages(map[string]string{MsgInvalidToken: "Jeton invalide."})
	if m.Text(MsgInvalidToken) != "Jeton invalide." || m.Text(MsgNotFound) != "Not found." {
		t.Error("override")
	}
	if got := m.Format(MsgMethodNotAllowed, "method", "GET"); got != `Method "GET" not allowed.` {
		t.Errorf("format: %q", got)
	}
	if m.Text("no_such_code") != "no_such_code" {
		t.Error("unknown code must show itself")
	}
	for code, text := range defaultMessages {
		if text == "" {
			t.Errorf("empty text for %s", code)
		}
	}
}

func TestAcceptsJSON(t *testing.T) {
	yes := [][]string{nil, {"application/json"}, {"*/*"}, {"text/html,application/xhtml+xml,*/*;q=0.8"}, {"application/*"}}
	no := [][]string{{"application/xml"}, {"text/plain"}, {"application/json;q=0"}}
	for _, v := range yes {
		if !acceptsJSON(v) {
			t.Errorf("%v rejected", v)
		}
	}
	for _, v := range no {
		if acceptsJSON(v) {
			t.Errorf("%v accepted", v)
		}
	}
}

// T-JWT-14: example secrets are refused however long they are; random
// ones, and the suite's keys, are not.
func TestPlaceholderSecret(t *testing.T) {
	for _, s := range []string{
		"changeme", "CHANGE_ME-to-32-random-bytes-0123456789", "change me please, 0123456789abcdef",
		"your-256-bit-secret", "django-insecure-k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8o9p0",
		"my-secret-key-0123456789abcdefghijklmnop", "replace-me-with-openssl-rand-hex-32",
		"placeholder-0123456789abcdefghijklmnopqrst", "super_secret_key_0123456789abcdefghij",
	} {
		if !placeholderSecret([]byte(s)) {
			t.Errorf("%q accepted", s)
		}
	}
	for _, s := range []string{
		"", "probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
		"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		"Zr0tFQ2mFqk1x8Yp3b6v9QeJc4Hn7Ws2Lg5Ud8Ta1Kx",
	} {
		if placeholderSecret([]byte(s)) {
			t.Errorf("%q refused", s)
		}
	}
	_, err := New(Config{Store: nopStore{}, SecretKey: []byte("changeme-changeme-0123456789abcdef")})
	if err == nil || !strings.Contains(err.Error(), "SecretKey is a well-known example value") || strings.Contains(err.Error(), "changeme") {
		t.Errorf("New with an example SecretKey: %v", err)
	}
	_, err = New(Config{Store: nopStore{}, Methods: []Method{MethodJWT}, SecretKey: []byte("probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"),
		JWT: JWTConfig{SigningKey: []byte("your-256-bit-secret-your-256-bit-secret")}})
	if err == nil || !strings.Contains(err.Error(), "JWT.SigningKey is a well-known example value") {
		t.Errorf("New with an example SigningKey: %v", err)
	}
}
