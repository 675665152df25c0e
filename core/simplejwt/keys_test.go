package simplejwt

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

const (
	secretOld = "old-secret-0123456789abcdefghijklmnopqrstuv"
	secretNew = "new-secret-0123456789abcdefghijklmnopqrstuv"
)

// header decodes a token's JOSE header.
func header(t *testing.T, token string) string {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// T-JWT-15: a token signed with a previous key is accepted while that key
// is listed, rejected once it is removed.
func TestKeyRotation(t *testing.T) {
	before := mustNew(t, func(cfg *Config) { cfg.SigningKey = Key{ID: "k1", Secret: []byte(secretOld)} })
	during := mustNew(t, func(cfg *Config) {
		cfg.SigningKey = Key{ID: "k2", Secret: []byte(secretNew)}
		cfg.PreviousKeys = []Key{{ID: "k1", Secret: []byte(secretOld)}}
	})
	after := mustNew(t, func(cfg *Config) { cfg.SigningKey = Key{ID: "k2", Secret: []byte(secretNew)} })

	old, err := before.Mint(katClaims())
	if err != nil {
		t.Fatal(err)
	}
	if h := header(t, old); h != `{"alg":"HS256","kid":"k1","typ":"JWT"}` {
		t.Fatalf("header %s", h)
	}
	if _, err := during.Parse(old, Access); err != nil {
		t.Fatalf("previous key during rotation: %v", err)
	}
	if _, err := after.Parse(old, Access); err != ErrUnknownKey {
		t.Fatalf("previous key after removal: %v, want ErrUnknownKey", err)
	}
	fresh, _ := during.Mint(katClaims())
	if h := header(t, fresh); h != `{"alg":"HS256","kid":"k2","typ":"JWT"}` {
		t.Fatalf("rotation signs with %s", h)
	}
	if _, err := after.Parse(fresh, Access); err != nil {
		t.Fatalf("current key after rotation: %v", err)
	}

	// Django-minted tokens carry no kid: every HS256 key is tried.
	djangoOld := forge(t, "HS256", []byte(secretOld), stdHeader, payload())
	if _, err := during.Parse(djangoOld, Access); err != nil {
		t.Fatalf("kid-less token, previous key listed: %v", err)
	}
	if _, err := after.Parse(djangoOld, Access); err != ErrBadSignature {
		t.Fatalf("kid-less token, previous key removed: %v, want ErrBadSignature", err)
	}
}

// A kid pins the key: the other configured key's signature does not count.
func TestKidSelectsKey(t *testing.T) {
	c := mustNew(t, func(cfg *Config) {
		cfg.SigningKey = Key{ID: "a", Secret: []byte(secretNew)}
		cfg.PreviousKeys = []Key{{ID: "b", Secret: []byte(secretOld)}}
	})
	for _, tc := range []struct {
		kid, secret string
		err         error
	}{
		{"a", secretNew, nil},
		{"b", secretOld, nil},
		{"a", secretOld, ErrBadSignature},
		{"b", secretNew, ErrBadSignature},
		{"c", secretNew, ErrUnknownKey},
	} {
		token := forge(t, "HS256", []byte(tc.secret), `{"alg":"HS256","kid":"`+tc.kid+`","typ":"JWT"}`, payload())
		if _, err := c.Parse(token, Access); err != tc.err {
			t.Errorf("kid %s signed with %.3s: %v, want %v", tc.kid, tc.secret, err, tc.err)
		}
	}
}

func TestAsymmetricRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		alg  string
		priv crypto.Signer
	}{
		{"RS256", testRSA()},
		{"RS512", testRSA()},
		{"ES256", testEC()},
		{"EdDSA", testEd()},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			signer := mustNew(t, func(cfg *Config) { cfg.SigningKey = Key{ID: tc.alg + "-1", Algorithm: tc.alg, Private: tc.priv} })
			access, refresh, ac, rc, err := signer.NewPair(9, "fam", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if h := header(t, access); h != `{"alg":"`+tc.alg+`","kid":"`+tc.alg+`-1","typ":"JWT"}` {
				t.Fatalf("header %s", h)
			}
			// A verifier holding only the public key, as a previous key.
			verifier := mustNew(t, func(cfg *Config) {
				cfg.PreviousKeys = []Key{{ID: tc.alg + "-1", Algorithm: tc.alg, Public: tc.priv.Public()}}
			})
			for _, c := range []*Codec{signer, verifier} {
				if got, err := c.Parse(access, Access); err != nil || got.JTI != ac.JTI {
					t.Fatalf("access: %v", err)
				}
				if got, err := c.Parse(refresh, Refresh); err != nil || got.JTI != rc.JTI {
					t.Fatalf("refresh: %v", err)
				}
			}
			// Tampering is caught by the asymmetric verifier too.
			parts := strings.Split(access, ".")
			tampered := parts[0] + "." + enc(payload(member{"user_id", "1"})) + "." + parts[2]
			if _, err := verifier.Parse(tampered, Access); err != ErrBadSignature {
				t.Fatalf("tampered: %v", err)
			}
		})
	}
}

// An RS256 token signed by another RSA key is refused.
func TestRSAOtherKey(t *testing.T) {
	c := mustNew(t, withRS256)
	other := forge(t, "RS256", testRSA2(), `{"alg":"RS256","kid":"rsa-1","typ":"JWT"}`, payload())
	if _, err := c.Parse(other, Access); err != ErrBadSignature {
		t.Fatalf("%v, want ErrBadSignature", err)
	}
}

// mismatchedSigner claims one public key but signs with another.
type mismatchedSigner struct{ crypto.Signer }

func (m mismatchedSigner) Public() crypto.PublicKey { return testEd().Public() }

// failingSigner always fails, like an unreachable KMS.
type failingSigner struct{ pub crypto.PublicKey }

func (f failingSigner) Public() crypto.PublicKey { return f.pub }
func (f failingSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, errors.New("kms unavailable")
}

func TestConfigErrors(t *testing.T) {
	_, otherEd, _ := ed25519.GenerateKey(rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	short := []byte("too-short-secret-0123456789abcd") // 31 bytes
	for _, tc := range []struct {
		name string
		edit func(*Config)
	}{
		{"no signing key", func(c *Config) { c.SigningKey = Key{} }},
		{"secret 31 bytes", func(c *Config) { c.SigningKey = Key{Secret: short} }},
		{"secret low entropy", func(c *Config) { c.SigningKey = Key{Secret: []byte(strings.Repeat("ab", 32))} }},
		{"HS384 secret under 48 bytes", func(c *Config) { c.SigningKey = Key{Algorithm: "HS384", Secret: []byte(katSecret[:40])} }},
		{"unknown algorithm", func(c *Config) { c.SigningKey.Algorithm = "HS257" }},
		{"algorithm none", func(c *Config) { c.SigningKey.Algorithm = "none" }},
		{"algorithm lower case", func(c *Config) { c.SigningKey.Algorithm = "hs256" }},
		{"HS256 with a private key", func(c *Config) { c.SigningKey.Private = testEd() }},
		{"RS256 with a secret", func(c *Config) { c.SigningKey.Algorithm = "RS256" }},
		{"RS256 with an Ed25519 key", func(c *Config) { c.SigningKey = Key{Algorithm: "RS256", Private: testEd()} }},
		{"RS256 1024-bit key", func(c *Config) { c.SigningKey = Key{Algorithm: "RS256", Private: small} }},
		{"ES256 with a P-384 key", func(c *Config) { c.SigningKey = Key{Algorithm: "ES256", Private: p384} }},
		{"EdDSA signing key without Private", func(c *Config) { c.SigningKey = Key{Algorithm: "EdDSA", Public: testEd().Public()} }},
		{"EdDSA Public not matching Private", func(c *Config) {
			c.SigningKey = Key{Algorithm: "EdDSA", Private: testEd(), Public: otherEd.Public()}
		}},
		{"signer whose Public lies", func(c *Config) { c.SigningKey = Key{Algorithm: "EdDSA", Private: mismatchedSigner{otherEd}} }},
		{"signer that fails", func(c *Config) {
			c.SigningKey = Key{Algorithm: "EdDSA", Private: failingSigner{testEd().Public()}}
		}},
		{"previous key without key material", func(c *Config) { c.PreviousKeys = []Key{{ID: "x", Algorithm: "RS256"}} }},
		{"previous key short secret", func(c *Config) { c.PreviousKeys = []Key{{ID: "x", Secret: short}} }},
		{"duplicate kid", func(c *Config) {
			c.SigningKey.ID = "k"
			c.PreviousKeys = []Key{{ID: "k", Algorithm: "EdDSA", Public: testEd().Public()}}
		}},
		{"two HS256 keys without kid", func(c *Config) { c.PreviousKeys = []Key{{Secret: []byte(secretOld)}} }},
		{"kid not UTF-8", func(c *Config) { c.SigningKey.ID = "\xff" }},
		{"negative access lifetime", func(c *Config) { c.AccessLifetime = -1 }},
		{"negative refresh lifetime", func(c *Config) { c.RefreshLifetime = -1 }},
		{"refresh shorter than access", func(c *Config) { c.AccessLifetime, c.RefreshLifetime = 10e9, 5e9 }},
		{"negative leeway", func(c *Config) { c.Leeway = -1 }},
		{"leeway over access lifetime", func(c *Config) { c.Leeway = DefaultAccessLifetime + 1 }},
		{"negative max length", func(c *Config) { c.MaxTokenLength = -1 }},
		{"max length over 1 MiB", func(c *Config) { c.MaxTokenLength = 1<<20 + 1 }},
		{"user id claim exp", func(c *Config) { c.UserIDClaim = "exp" }},
		{"user id claim fam", func(c *Config) { c.UserIDClaim = "fam" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := katConfig()
			tc.edit(&cfg)
			c, err := New(cfg)
			if !errors.Is(err, ErrConfig) || c != nil {
				t.Fatalf("New = %v, %v; want ErrConfig", c, err)
			}
			for _, secret := range [][]byte{[]byte(katSecret), short, []byte(secretOld)} {
				if strings.Contains(err.Error(), string(secret)) {
					t.Fatalf("error %q reveals a secret", err)
				}
			}
		})
	}
}

func TestConfigAccepts(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
	}{
		{"defaults", func(*Config) {}},
		{"HS512 64-byte secret", func(c *Config) { c.SigningKey = Key{Algorithm: "HS512", Secret: []byte(katSecret + "0123456789a")} }},
		{"RS256 public derived", func(c *Config) { c.SigningKey = Key{Algorithm: "RS256", Private: testRSA()} }},
		{"RS256 public given", func(c *Config) {
			c.SigningKey = Key{Algorithm: "RS256", Private: testRSA(), Public: testRSA().Public()}
		}},
		{"algorithm migration HS256 → EdDSA", func(c *Config) {
			c.SigningKey = Key{Algorithm: "EdDSA", Private: testEd()}
			c.PreviousKeys = []Key{{Secret: []byte(katSecret)}}
		}},
		{"custom user id claim", func(c *Config) { c.UserIDClaim = "uid" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := katConfig()
			tc.edit(&cfg)
			if _, err := New(cfg); err != nil {
				t.Fatal(err)
			}
		})
	}
	c := mustNew(t, func(c *Config) {
		c.SigningKey = Key{Algorithm: "EdDSA", Private: testEd()}
		c.PreviousKeys = []Key{{Secret: []byte(katSecret)}}
	})
	if got := strings.Join(c.Algorithms(), ","); got != "EdDSA,HS256" {
		t.Fatalf("Algorithms() = %s", got)
	}
	if c.AccessLifetime() != DefaultAccessLifetime || c.RefreshLifetime() != DefaultRefreshLifetime {
		t.Fatal("default lifetimes")
	}
	// The old Django token still verifies after the migration.
	if _, err := c.Parse(katToken, Access); err != nil {
		t.Fatalf("KAT after migration: %v", err)
	}
}

// New copies the secret: mutating the caller's slice changes nothing.
func TestSecretIsCopied(t *testing.T) {
	secret := []byte(katSecret)
	c := mustNew(t, func(cfg *Config) { cfg.SigningKey.Secret = secret })
	secret[0] ^= 0xff
	if tok, _ := c.Mint(katClaims()); tok != katToken {
		t.Fatal("codec shares the caller's secret slice")
	}
}

func TestCustomUserIDClaim(t *testing.T) {
	c := mustNew(t, func(cfg *Config) { cfg.UserIDClaim = "uid" })
	tok, err := c.Mint(katClaims())
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Parse(tok, Access)
	if err != nil || got.UserID != 1 {
		t.Fatalf("Parse = %+v, %v", got, err)
	}
	// A token with user_id but no uid has no recognizable user.
	if _, err := c.Parse(katToken, Access); err != ErrNoUserID {
		t.Fatalf("KAT under uid: %v, want ErrNoUserID", err)
	}
	cl := katClaims()
	cl.Extra = map[string]any{"uid": 5}
	if _, err := c.Mint(cl); !errors.Is(err, ErrBadClaims) {
		t.Fatalf("Extra uid: %v", err)
	}
}

func TestMintErrors(t *testing.T) {
	c := mustNew(t)
	for _, tc := range []struct {
		name string
		edit func(*Claims)
	}{
		{"no type", func(cl *Claims) { cl.TokenType = "" }},
		{"sliding", func(cl *Claims) { cl.TokenType = "sliding" }},
		{"no jti", func(cl *Claims) { cl.JTI = "" }},
		{"jti too long", func(cl *Claims) { cl.JTI = strings.Repeat("a", 256) }},
		{"jti not UTF-8", func(cl *Claims) { cl.JTI = "\xff" }},
		{"family not UTF-8", func(cl *Claims) { cl.Family = "\xff" }},
		{"zero expires", func(cl *Claims) { cl.Expires = time.Time{} }},
		{"zero issued at", func(cl *Claims) { cl.IssuedAt = time.Time{} }},
		{"expires before issued", func(cl *Claims) { cl.Expires = cl.IssuedAt }},
		{"before 1970", func(cl *Claims) { cl.IssuedAt = cl.IssuedAt.AddDate(-60, 0, 0) }},
		{"after 9999", func(cl *Claims) { cl.Expires = cl.Expires.AddDate(9000, 0, 0) }},
		{"reserved extra exp", func(cl *Claims) { cl.Extra = map[string]any{"exp": 1} }},
		{"reserved extra fam", func(cl *Claims) { cl.Extra = map[string]any{"fam": "x"} }},
		{"reserved extra user_id", func(cl *Claims) { cl.Extra = map[string]any{"user_id": 2} }},
		{"reserved extra aud", func(cl *Claims) { cl.Extra = map[string]any{"aud": "x"} }},
		{"extra name not UTF-8", func(cl *Claims) { cl.Extra = map[string]any{"\xff": 1} }},
		{"extra not JSON", func(cl *Claims) { cl.Extra = map[string]any{"ch": make(chan int)} }},
		{"extra too long", func(cl *Claims) { cl.Extra = map[string]any{"pad": strings.Repeat("x", 8192)} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := katClaims()
			tc.edit(&cl)
			tok, err := c.Mint(cl)
			if !errors.Is(err, ErrBadClaims) || tok != "" {
				t.Fatalf("Mint = %q, %v; want ErrBadClaims", tok, err)
			}
		})
	}
	// Extra values are never echoed into errors.
	cl := katClaims()
	cl.Extra = map[string]any{"secretish": json.RawMessage(`{bad`)}
	if _, err := c.Mint(cl); err == nil || strings.Contains(err.Error(), "{bad") {
		t.Fatalf("Mint error %v", err)
	}
}
