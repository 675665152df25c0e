package authtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/simplejwt"
)

// fJWTKeys runs the F cases about keys and their configuration: T-JWT-03,
// 14 and 15.
func (s *suite) fJWTKeys(t *testing.T, c *cases, f *fJWTEnvs) {
	c.run(t, "T-JWT-03", func(t *testing.T) {
		rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		g := s.newEnv(t, jwtMode(f.clk), func(c *core.Config) {
			c.JWT.Algorithm = "RS256"
			c.JWT.PrivateKey = rsaKey
		})
		g.createUser(t, newUser("jwt03"))
		l := g.loginJWT(t, "jwt03")
		if alg := fJWTHeaderOf(t, l.access, "alg"); alg != `"RS256"` {
			t.Fatalf("login minted alg %s", alg)
		}
		g.fJWTAccepted(t, l.access, "jwt03")
		pkix, err := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		pkcs1 := x509.MarshalPKCS1PublicKey(&rsaKey.PublicKey)
		_, payload, _ := strings.Cut(l.access, ".")
		payload, _, _ = strings.Cut(payload, ".")
		pl := fJWTDecode(t, payload)
		for name, key := range map[string][]byte{
			"PKIX PEM":       pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix}),
			"PKCS#1 PEM":     pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: pkcs1}),
			"PKIX DER":       pkix,
			"the SecretKey":  []byte(jwtSecret),
			"PEM without LF": []byte(strings.TrimSuffix(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix})), "\n")),
		} {
			t.Run("RS256 server, HS256 keyed with "+name, func(t *testing.T) {
				g.fJWTForged(t, fJWTSign(t, "HS256", key, fJWTHeader, pl))
			})
		}

		// The same with Ed25519: its 32 public bytes are no MAC key.
		e := f.ed
		v := e.createUser(t, newUser("jwt03"))
		pub := f.edKey.Public().(ed25519.PublicKey)
		edPKIX, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		epl := fJWTPayload(fJWTClaims(f.clk.Now(), v.ID))
		e.fJWTAccepted(t, fJWTSign(t, "EdDSA", f.edKey, `{"alg":"EdDSA","typ":"JWT"}`, epl), "jwt03")
		for name, key := range map[string][]byte{
			"raw public key": pub,
			"PKIX PEM":       pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: edPKIX}),
			"the SecretKey":  []byte(jwtSecret),
		} {
			t.Run("EdDSA server, HS256 keyed with "+name, func(t *testing.T) {
				e.fJWTForged(t, fJWTSign(t, "HS256", key, fJWTHeader, epl))
			})
		}
	})

	c.run(t, "T-JWT-14", func(t *testing.T) {
		// Configuration, not HTTP: a server must refuse to start. The
		// same rules hold for the SecretKey (the default signing key) and
		// an explicit JWT.SigningKey.
		small, err := rsa.GenerateKey(rand.Reader, 1024)
		if err != nil {
			t.Fatal(err)
		}
		jwtCfg := func(secret string, edit func(*core.Config)) core.Config {
			c := core.Config{Store: memstore.New(), Methods: []core.Method{core.MethodJWT}}
			if secret != "" {
				c.SecretKey = []byte(secret)
			}
			if edit != nil {
				edit(&c)
			}
			return c
		}
		for name, cfg := range map[string]core.Config{
			"no secret":             jwtCfg("", nil),
			"empty secret":          jwtCfg("", func(c *core.Config) { c.SecretKey = []byte{} }),
			"31 bytes":              jwtCfg("k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i", nil),
			`"secret key"`:          jwtCfg("secret key", nil),
			`"changeme"`:            jwtCfg("changeme", nil),
			`"secret"`:              jwtCfg("secret", nil),
			"jwt.io's example":      jwtCfg("your-256-bit-secret", nil),
			"changeme, padded":      jwtCfg("changeme-changeme-0123456789abcdef", nil),
			"CHANGE_ME, padded":     jwtCfg("CHANGE_ME_TO_A_LONG_RANDOM_STRING_0123", nil),
			"Django's insecure key": jwtCfg("django-insecure-k3j4h5g6f7d8s9a0q1w2e3r4t5y6u7i8o9p0", nil),
			"one repeated byte":     jwtCfg(strings.Repeat("a", 64), nil),
			"two alternating bytes": jwtCfg(strings.Repeat("ab", 32), nil),
			"weak explicit SigningKey": jwtCfg(jwtSecret, func(c *core.Config) {
				c.JWT.SigningKey = []byte("replace-me-with-a-real-key-0123456789")
			}),
			"short explicit SigningKey": jwtCfg(jwtSecret, func(c *core.Config) { c.JWT.SigningKey = []byte("short") }),
			"HS512 with a 53-byte key":  jwtCfg(jwtSecret, func(c *core.Config) { c.JWT.Algorithm = "HS512" }),
			"RSA 1024":                  jwtCfg(jwtSecret, func(c *core.Config) { c.JWT.Algorithm = "RS256"; c.JWT.PrivateKey = small }),
			"RS256 without a key":       jwtCfg("", func(c *core.Config) { c.JWT.Algorithm = "RS256" }),
			"HS256 given an RSA key":    jwtCfg("", func(c *core.Config) { c.JWT.PrivateKey = small; c.JWT.Algorithm = "HS256" }),
			"weak previous key": jwtCfg(jwtSecret, func(c *core.Config) {
				c.JWT.KeyID = "k2"
				c.JWT.PreviousKeys = []simplejwt.Key{{ID: "k1", Secret: []byte("short")}}
			}),
			"example secret, token mode": {Store: memstore.New(), SecretKey: []byte("your-secret-key-here-0123456789abcdef")},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := core.New(cfg)
				if err == nil {
					t.Fatal("core.New accepted the configuration")
				}
				for _, secret := range [][]byte{cfg.SecretKey, cfg.JWT.SigningKey} {
					if len(secret) >= 8 && strings.Contains(err.Error(), string(secret)) {
						t.Errorf("the error shows the secret: %v", err)
					}
				}
			})
		}
		if _, err := core.New(jwtCfg(jwtSecret, nil)); err != nil {
			t.Errorf("control: the suite's key refused: %v", err)
		}
		// Access and refresh tokens share the signing key, as SimpleJWT's
		// do (SIGNING_KEY), so that tokens interoperate with a Django
		// service (docs/design.md §6, JWTs); token_type separates them:
		// T-JWT-17/18.
	})

	c.run(t, "T-JWT-15", func(t *testing.T) {
		const newKey = "rotated-signing-key-9f86d081884c7d659a2feaa0c55ad015"
		rotating := s.newEnv(t, jwtMode(f.clk), func(c *core.Config) {
			c.JWT.SigningKey = []byte(newKey)
			c.JWT.KeyID = "k2"
			c.JWT.PreviousKeys = []simplejwt.Key{{ID: "k1", Algorithm: "HS256", Secret: []byte(jwtSecret)}}
		})
		rotated := s.newEnv(t, jwtMode(f.clk), func(c *core.Config) {
			c.JWT.SigningKey = []byte(newKey)
			c.JWT.KeyID = "k2"
		})
		for _, g := range []*env{rotating, rotated} {
			u := g.createUser(t, newUser("jwt15"))
			pl := fJWTPayload(fJWTClaims(f.clk.Now(), u.ID))
			oldKID := fJWTSign(t, "HS256", []byte(jwtSecret), `{"alg":"HS256","kid":"k1","typ":"JWT"}`, pl)
			oldNoKID := fJWTSign(t, "HS256", []byte(jwtSecret), fJWTHeader, pl)
			l := g.loginJWT(t, "jwt15")
			if kid := fJWTHeaderOf(t, l.access, "kid"); kid != `"k2"` {
				t.Errorf("minted with kid %s, want the current key's", kid)
			}
			g.fJWTAccepted(t, l.access, "jwt15")
			// A kid selects exactly one key: the old key's MAC under the
			// new key's kid, or the reverse, is refused.
			g.fJWTForged(t, fJWTSign(t, "HS256", []byte(jwtSecret), `{"alg":"HS256","kid":"k2","typ":"JWT"}`, pl))
			g.fJWTForged(t, fJWTSign(t, "HS256", []byte(newKey), `{"alg":"HS256","kid":"k1","typ":"JWT"}`, pl))
			if g == rotating {
				g.fJWTAccepted(t, oldKID, "jwt15")
				g.fJWTAccepted(t, oldNoKID, "jwt15") // minted by Django, which writes no kid
			} else {
				g.fJWTForged(t, oldKID)
				g.fJWTForged(t, oldNoKID)
			}
		}
	})
}

// fJWTHeaderOf returns the raw JSON of member name of token's header, or
// "" when absent.
func fJWTHeaderOf(t *testing.T, token, name string) string {
	t.Helper()
	seg, _, _ := strings.Cut(token, ".")
	return fJWTMemberOf(t, fJWTDecode(t, seg), name)
}
