package authtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/simplejwt"
)

// fJWTForgery runs the F cases about the token's header, structure and
// signature: T-JWT-01, 02, 04, 05, 06, 07 and 08.
func (s *suite) fJWTForgery(t *testing.T, c *cases, f *fJWTEnvs) {
	e := f.base

	c.run(t, "T-JWT-01", func(t *testing.T) {
		u := e.createUser(t, newUser("jwt01"))
		pl := fJWTPayload(fJWTClaims(f.clk.Now(), u.ID))
		e.fJWTAccepted(t, fJWTHS256(t, pl), "jwt01")
		for _, alg := range []string{"none", "None", "NONE", "nOnE"} {
			hdr := `{"alg":"` + alg + `","typ":"JWT"}`
			unsigned := fJWTSign(t, "", nil, hdr, pl)
			for name, tok := range map[string]string{
				"empty signature":   unsigned,
				"junk signature":    unsigned + "AAAA",
				"HS256 signature":   fJWTSign(t, "HS256", []byte(jwtSecret), hdr, pl),
				"no typ, no sig":    fJWTSign(t, "", nil, `{"alg":"`+alg+`"}`, pl),
				"two segments only": strings.TrimSuffix(unsigned, "."),
			} {
				t.Run(alg+" "+name, func(t *testing.T) { e.fJWTForged(t, tok) })
			}
		}
	})

	c.run(t, "T-JWT-02", func(t *testing.T) {
		u := e.createUser(t, newUser("jwt02"))
		pl := fJWTPayload(fJWTClaims(f.clk.Now(), u.ID))
		for _, alg := range []string{"HS384", "HS512"} {
			e.fJWTForged(t, fJWTSign(t, alg, []byte(jwtSecret), `{"alg":"`+alg+`","typ":"JWT"}`, pl))
			// Claiming HS256 over an HS384/512 MAC does not help either.
			e.fJWTForged(t, fJWTSign(t, alg, []byte(jwtSecret), fJWTHeader, pl))
		}
		e.fJWTForged(t, fJWTSign(t, "HS256", []byte(jwtSecret), `{"alg":"hs256","typ":"JWT"}`, pl))
	})

	c.run(t, "T-JWT-04", func(t *testing.T) {
		u := e.createUser(t, newUser("jwt04"))
		pl := fJWTPayload(fJWTClaims(f.clk.Now(), u.ID))
		for _, hdr := range []string{
			`{"typ":"JWT"}`,
			`{"alg":"","typ":"JWT"}`,
			`{"alg":null,"typ":"JWT"}`,
			`{"alg":"HS256"}`,
			`{"alg":"HS256","typ":"at+jwt"}`,
			`{"alg":"HS256","typ":"JWS"}`,
			`{"alg":"HS256","crit":["x-restauth"],"typ":"JWT","x-restauth":1}`,
			`{"alg":"HS256","crit":["exp"],"typ":"JWT"}`,
			`{"alg":"HS256","crit":[],"typ":"JWT"}`,
			`{"alg":"HS256","b64":false,"crit":["b64"],"typ":"JWT"}`,
		} {
			t.Run(hdr, func(t *testing.T) { e.fJWTForged(t, fJWTSign(t, "HS256", []byte(jwtSecret), hdr, pl)) })
		}
	})

	c.run(t, "T-JWT-05", func(t *testing.T) {
		u := e.createUser(t, newUser("jwt05"))
		pl := fJWTPayload(fJWTClaims(f.clk.Now(), u.ID))
		// A file whose content an attacker would use as the MAC key if
		// kid were a path.
		keyFile := filepath.Join(t.TempDir(), "kid.key")
		fileKey := []byte("attacker-chosen-key-in-a-file-0123456789")
		if err := os.WriteFile(keyFile, fileKey, 0o600); err != nil {
			t.Fatal(err)
		}
		toks := map[string]string{
			"unknown kid, our secret":              fJWTSign(t, "HS256", []byte(jwtSecret), `{"alg":"HS256","kid":"nope","typ":"JWT"}`, pl),
			"kid /dev/null, empty key":             fJWTSign(t, "HS256", []byte{}, `{"alg":"HS256","kid":"../../../dev/null","typ":"JWT"}`, pl),
			"kid names a file, its content as key": fJWTSign(t, "HS256", fileKey, `{"alg":"HS256","kid":"`+keyFile+`","typ":"JWT"}`, pl),
			"kid SQL injection":                    fJWTSign(t, "HS256", []byte(jwtSecret), `{"alg":"HS256","kid":"' OR 1=1--","typ":"JWT"}`, pl),
			"kid 64 KiB":                           fJWTSign(t, "HS256", []byte(jwtSecret), `{"alg":"HS256","kid":"`+strings.Repeat("k", 64<<10)+`","typ":"JWT"}`, pl),
		}
		// No store access is driven by kid: with every lookup failing,
		// these are still plain 401s, never 503.
		f.fs.fail("UserByID", "UserByRefreshFamily", "RefreshTokenByJTI")
		defer f.fs.clear()
		for name, tok := range toks {
			t.Run(name, func(t *testing.T) { e.fJWTForged(t, tok) })
		}
		t.Run("control: a good token reaches the failing store", func(t *testing.T) {
			e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+fJWTHS256(t, pl)).wantStatus(t, http.StatusServiceUnavailable)
		})
	})

	c.run(t, "T-JWT-06", func(t *testing.T) {
		var dials, requests atomic.Int64
		attacker := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			requests.Add(1)
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"keys":[]}`))
		}))
		attacker.Config.ConnState = func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				dials.Add(1)
			}
		}
		attacker.Start()
		defer attacker.Close()
		jku, x5u := attacker.URL+"/.well-known/jwks.json", attacker.URL+"/cert.pem"

		// HS256 server: key-carrying headers are refused even on a token
		// that verifies with our key (stricter than "ignore"), and of
		// course when signed by the attacker.
		u := e.createUser(t, newUser("jwt06"))
		pl := fJWTPayload(fJWTClaims(f.clk.Now(), u.ID))
		attackerSecret := []byte("attacker-hmac-secret-0123456789abcdefgh")
		for _, hdr := range []string{
			`{"alg":"HS256","jku":"` + jku + `","typ":"JWT"}`,
			`{"alg":"HS256","typ":"JWT","x5u":"` + x5u + `"}`,
			`{"alg":"HS256","jwk":{"k":"` + fJWTEnc(attackerSecret) + `","kty":"oct"},"typ":"JWT"}`,
		} {
			e.fJWTForged(t, fJWTSign(t, "HS256", []byte(jwtSecret), hdr, pl))
			e.fJWTForged(t, fJWTSign(t, "HS256", attackerSecret, hdr, pl))
		}

		// EdDSA server: the attacker signs with its own Ed25519 key and
		// points at, or embeds, that key.
		g := f.ed
		v := g.createUser(t, newUser("jwt06"))
		g.fJWTAccepted(t, g.loginJWT(t, "jwt06").access, "jwt06")
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		cert := fJWTSelfSigned(t, pub, priv)
		jwk := `{"crv":"Ed25519","kty":"OKP","x":"` + fJWTEnc(pub) + `"}`
		epl := fJWTPayload(fJWTClaims(f.clk.Now(), v.ID))
		for name, hdr := range map[string]string{
			"plain":   `{"alg":"EdDSA","typ":"JWT"}`,
			"jku":     `{"alg":"EdDSA","jku":"` + jku + `","typ":"JWT"}`,
			"x5u":     `{"alg":"EdDSA","typ":"JWT","x5u":"` + x5u + `"}`,
			"jwk":     `{"alg":"EdDSA","jwk":` + jwk + `,"typ":"JWT"}`,
			"x5c":     `{"alg":"EdDSA","typ":"JWT","x5c":["` + base64.StdEncoding.EncodeToString(cert) + `"]}`,
			"kid+jku": `{"alg":"EdDSA","jku":"` + jku + `","kid":"attacker","typ":"JWT"}`,
		} {
			t.Run("EdDSA "+name, func(t *testing.T) { g.fJWTForged(t, fJWTSign(t, "EdDSA", priv, hdr, epl)) })
		}
		if n, r := dials.Load(), requests.Load(); n != 0 || r != 0 {
			t.Errorf("the attacker's server was dialled %d times (%d requests): token headers were fetched", n, r)
		}
	})

	c.run(t, "T-JWT-07", func(t *testing.T) {
		u := e.createUser(t, newUser("jwt07"))
		good := fJWTHS256(t, fJWTPayload(fJWTClaims(f.clk.Now(), u.ID)))
		e.fJWTAccepted(t, good, "jwt07")
		parts := strings.Split(good, ".")
		h, p, sig := parts[0], parts[1], parts[2]
		for name, tok := range map[string]string{
			"1 segment":           h,
			"2 segments":          h + "." + p,
			"4 segments":          good + "." + sig,
			"5 segments":          good + ".." + sig,
			"only dots":           "..",
			"plus and slash":      h + "." + p + "." + strings.NewReplacer("-", "+", "_", "/").Replace(sig) + "+/",
			"padded signature":    good + "=",
			"padded payload":      h + "." + p + "==." + sig,
			"padded header":       base64.URLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"} `)) + "." + p + "." + sig,
			"percent-encoded":     h + "." + p + "." + sig[:5] + "%41" + sig[5:],
			"non-ASCII":           good + "é",
			"16 KiB signed token": fJWTHS256(t, fJWTPayload(fJWTClaims(f.clk.Now(), u.ID), fJWTMember{"pad", `"` + strings.Repeat("x", 16<<10) + `"`})),
			"16 KiB of letters":   strings.Repeat("a", 16<<10),
		} {
			t.Run(name, func(t *testing.T) { e.fJWTForged(t, tok) })
		}
		t.Run("length cap at 8 KiB, before parsing", func(t *testing.T) {
			claims := fJWTClaims(f.clk.Now(), u.ID)
			padded := func(n int) string {
				return fJWTHS256(t, fJWTPayload(claims, fJWTMember{"pad", `"` + strings.Repeat("x", n) + `"`}))
			}
			n := 5800 // a little under 8 KiB once base64-encoded
			for len(padded(n+1)) <= core.DefaultMaxTokenLength {
				n++
			}
			fits, over := padded(n), padded(n+1)
			if len(fits) > core.DefaultMaxTokenLength || len(over) <= core.DefaultMaxTokenLength {
				t.Fatalf("lengths %d and %d do not straddle the cap", len(fits), len(over))
			}
			e.fJWTAccepted(t, fits, "jwt07")
			e.fJWTForged(t, over)
		})
		t.Run("1 MiB of dots", func(t *testing.T) {
			// The Bearer line is a few bytes over net/http's default 1 MiB
			// header limit plus its 4 KiB slack only with large other
			// headers, so restauth normally answers; if net/http refuses
			// the header block first, 431 is just as safe.
			dots := strings.Repeat(".", 1<<20)
			for _, res := range []*response{
				e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", "Bearer "+dots),
				e.do(t, http.MethodGet, e.path("user/"), "", "Cookie", cookieHeader("access", dots)),
			} {
				t.Logf("%s: %d", res.req, res.status)
				switch res.status {
				case http.StatusRequestHeaderFieldsTooLarge:
				case http.StatusUnauthorized:
					res.wantJSON(t, http.StatusUnauthorized, accessError(simplejwt.ErrInvalid.Error()))
				default:
					t.Errorf("%s: status %d, want 401 or 431", res.req, res.status)
				}
			}
		})
		t.Run("allocations do not grow with the token", func(t *testing.T) {
			short := fJWTAuthAllocs(t, e, "Bearer "+h+"."+p)
			for name, v := range map[string]string{
				"16 KiB":                           "Bearer " + strings.Repeat("a", 16<<10),
				"1 MiB of dots":                    "Bearer " + strings.Repeat(".", 1<<20),
				"64 KiB of dot-separated segments": "Bearer " + strings.Repeat("a.", 32<<10),
			} {
				n := fJWTAuthAllocs(t, e, v)
				if n > short+2 {
					t.Errorf("%s: %.0f allocations per authentication, a 2-segment token takes %.0f", name, n, short)
				}
				t.Logf("%s: %.0f allocations (2-segment token: %.0f)", name, n, short)
			}
		})
	})

	c.run(t, "T-JWT-08", func(t *testing.T) {
		e.createUser(t, newUser("jwt08"))
		other := e.createUser(t, newUser("jwt08b"))
		l := e.loginJWT(t, "jwt08")
		e.fJWTAccepted(t, l.access, "jwt08")
		parts := strings.Split(l.access, ".")
		payload, err := base64.RawURLEncoding.DecodeString(parts[1])
		if err != nil {
			t.Fatal(err)
		}
		asOther := fJWTReplaceUserID(t, string(payload), other.ID)
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		flipped := append([]byte(nil), sig...)
		flipped[len(flipped)/2] ^= 0x01
		for name, tok := range map[string]string{
			"user_id changed, original signature": parts[0] + "." + fJWTEnc([]byte(asOther)) + "." + parts[2],
			"token_type changed":                  parts[0] + "." + fJWTEnc([]byte(strings.Replace(string(payload), `"access"`, `"refresh"`, 1))) + "." + parts[2],
			"one bit of the signature flipped":    parts[0] + "." + parts[1] + "." + fJWTEnc(flipped),
			"signature truncated":                 parts[0] + "." + parts[1] + "." + parts[2][:20],
			"signature empty":                     parts[0] + "." + parts[1] + ".",
			"signature of another token":          parts[0] + "." + parts[1] + "." + strings.Split(e.loginJWT(t, "jwt08b").access, ".")[2],
		} {
			t.Run(name, func(t *testing.T) { e.fJWTForged(t, tok) })
		}
	})
}

// fJWTReplaceUserID rewrites the user_id claim of a payload to id.
func fJWTReplaceUserID(t *testing.T, payload string, id int64) string {
	t.Helper()
	i := strings.Index(payload, `"user_id":`)
	if i < 0 {
		t.Fatalf("payload %s has no user_id", payload)
	}
	j := i + len(`"user_id":`)
	k := j
	for k < len(payload) && payload[k] >= '0' && payload[k] <= '9' {
		k++
	}
	return payload[:j] + strconv.FormatInt(id, 10) + payload[k:]
}

// fJWTSelfSigned returns a DER self-signed certificate for an Ed25519
// key, as an attacker would embed in x5c.
func fJWTSelfSigned(t *testing.T, pub ed25519.PublicKey, priv ed25519.PrivateKey) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// fJWTAuthAllocs measures the allocations of one in-process
// authentication of a GET carrying the Authorization value auth, which
// must be rejected.
func fJWTAuthAllocs(t *testing.T, e *env, auth string) float64 {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/api/protected/", nil)
	r.Header.Set("Authorization", auth)
	w := httptest.NewRecorder()
	var err error
	n := testing.AllocsPerRun(20, func() { _, _, err = e.auth.Check(w, r, true) })
	if err == nil {
		t.Fatalf("%.20s…: authenticated", auth)
	}
	return n
}
