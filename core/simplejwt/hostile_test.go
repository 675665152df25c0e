package simplejwt

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

func isErr(err, target error) bool { return errors.Is(err, target) }

// hostileCase is one token presented to Parse. want is the type asked for
// (Access when empty, unless anyType); err is the exact sentinel expected
// (nil = accepted).
type hostileCase struct {
	name    string
	cfg     func(*Config)
	token   func(t testing.TB) string
	want    TokenType
	anyType bool
	err     error
}

// tok returns a token builder for a fixed string.
func tok(s string) func(testing.TB) string { return func(testing.TB) string { return s } }

// hs builds an HS256 token signed with the KAT secret from header and payload.
func hs(header, payload string) func(testing.TB) string {
	return func(t testing.TB) string { return signed(t, header, payload) }
}

// pl builds the KAT payload with edits, signed with the KAT secret.
func pl(edits ...member) func(testing.TB) string { return hs(stdHeader, payload(edits...)) }

func withAudience(cfg *Config) { cfg.Audience = "api" }
func withIssuer(cfg *Config)   { cfg.Issuer = "https://issuer.example" }
func withLeeway(cfg *Config)   { cfg.Leeway = 30e9 }
func withMaxLen(cfg *Config)   { cfg.MaxTokenLength = 1 << 20 }

func withRS256(cfg *Config) {
	cfg.SigningKey = Key{ID: "rsa-1", Algorithm: "RS256", Private: testRSA()}
}

func withRS256AndHS256(cfg *Config) {
	withRS256(cfg)
	cfg.PreviousKeys = []Key{{Algorithm: "HS256", Secret: []byte("an-older-hmac-secret-0123456789abcdef")}}
}

func withEdDSA(cfg *Config) { cfg.SigningKey = Key{Algorithm: "EdDSA", Private: testEd()} }

// rsaPublicPEM is the configured RSA public key as a PEM document, which an
// attacker may know and try to use as an HMAC secret.
func rsaPublicPEM(t testing.TB) []byte {
	der, err := x509.MarshalPKIXPublicKey(&testRSA().PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// katParts returns the KAT token's three segments.
func katParts() (h, p, s string) {
	parts := strings.Split(katToken, ".")
	return parts[0], parts[1], parts[2]
}

func hostileCases() []hostileCase {
	h, p, s := katParts()
	cases := []hostileCase{
		{name: "control: KAT accepted", token: tok(katToken)},
		{name: "control: any type", token: tok(katToken), anyType: true},
	}

	// T-JWT-01: alg none in any case, with empty, junk or a real MAC.
	for _, alg := range []string{"none", "None", "NONE", "nOnE"} {
		hdr := `{"alg":"` + alg + `","typ":"JWT"}`
		cases = append(cases,
			hostileCase{name: "alg " + alg + " empty signature", token: func(t testing.TB) string { return forge(t, "", nil, hdr, payload()) }, err: ErrAlgorithm},
			hostileCase{name: "alg " + alg + " junk signature", token: func(t testing.TB) string { return forge(t, "", nil, hdr, payload()) + "AAAA" }, err: ErrAlgorithm},
			hostileCase{name: "alg " + alg + " HS256 signature", token: hs(hdr, payload()), err: ErrAlgorithm},
		)
	}

	cases = append(cases, []hostileCase{
		// T-JWT-02: right secret, algorithm not configured.
		{name: "HS384 with our secret", token: func(t testing.TB) string {
			return forge(t, "HS384", []byte(katSecret), `{"alg":"HS384","typ":"JWT"}`, payload())
		}, err: ErrAlgorithm},
		{name: "HS512 with our secret", token: func(t testing.TB) string {
			return forge(t, "HS512", []byte(katSecret), `{"alg":"HS512","typ":"JWT"}`, payload())
		}, err: ErrAlgorithm},
		{name: "alg lower-case hs256", token: hs(`{"alg":"hs256","typ":"JWT"}`, payload()), err: ErrAlgorithm},

		// T-JWT-03: HS/RS key confusion.
		{name: "HS256 keyed with RSA public PEM, RS256 only", cfg: withRS256, token: func(t testing.TB) string {
			return forge(t, "HS256", rsaPublicPEM(t), stdHeader, payload())
		}, err: ErrAlgorithm},
		{name: "HS256 keyed with RSA public PEM, RS256 and HS256", cfg: withRS256AndHS256, token: func(t testing.TB) string {
			return forge(t, "HS256", rsaPublicPEM(t), stdHeader, payload())
		}, err: ErrBadSignature},
		{name: "HS256 with kid of the RSA key", cfg: withRS256AndHS256, token: func(t testing.TB) string {
			return forge(t, "HS256", rsaPublicPEM(t), `{"alg":"HS256","kid":"rsa-1","typ":"JWT"}`, payload())
		}, err: ErrUnknownKey},

		// T-JWT-04: header shape.
		{name: "missing alg", token: hs(`{"typ":"JWT"}`, payload()), err: ErrAlgorithm},
		{name: "alg not a string", token: hs(`{"alg":5,"typ":"JWT"}`, payload()), err: ErrMalformed},
		{name: "missing typ", token: hs(`{"alg":"HS256"}`, payload()), err: ErrMalformed},
		{name: "foreign typ", token: hs(`{"alg":"HS256","typ":"at+jwt"}`, payload()), err: ErrMalformed},
		{name: "crit header", token: hs(`{"alg":"HS256","crit":["exp"],"typ":"JWT"}`, payload()), err: ErrMalformed},
		{name: "unknown header member", token: hs(`{"alg":"HS256","cty":"JWT","typ":"JWT"}`, payload()), err: ErrMalformed},
		{name: "duplicate alg", token: hs(`{"alg":"none","alg":"HS256","typ":"JWT"}`, payload()), err: ErrMalformed},
		{name: "header invalid UTF-8", token: hs("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"x\":\"\xff\"}", payload()), err: ErrMalformed},
		{name: "header not JSON", token: hs(`alg=HS256`, payload()), err: ErrMalformed},
		{name: "header is an array", token: hs(`["HS256"]`, payload()), err: ErrMalformed},

		// T-JWT-05: kid only selects among configured keys.
		{name: "kid unknown", token: hs(`{"alg":"HS256","kid":"nope","typ":"JWT"}`, payload()), err: ErrUnknownKey},
		{name: "kid path traversal", token: hs(`{"alg":"HS256","kid":"../../../dev/null","typ":"JWT"}`, payload()), err: ErrUnknownKey},
		{name: "kid SQL injection", token: hs(`{"alg":"HS256","kid":"' OR 1=1--","typ":"JWT"}`, payload()), err: ErrUnknownKey},
		{name: "kid empty", token: hs(`{"alg":"HS256","kid":"","typ":"JWT"}`, payload()), err: ErrUnknownKey},
		{name: "kid not a string", token: hs(`{"alg":"HS256","kid":7,"typ":"JWT"}`, payload()), err: ErrMalformed},
		{name: "kid 64 KiB", token: hs(`{"alg":"HS256","kid":"`+strings.Repeat("k", 64<<10)+`","typ":"JWT"}`, payload()), err: ErrTooLong},
		{name: "kid 64 KiB under a 1 MiB cap", cfg: withMaxLen, token: hs(`{"alg":"HS256","kid":"`+strings.Repeat("k", 64<<10)+`","typ":"JWT"}`, payload()), err: ErrUnknownKey},

		// T-JWT-06: key-carrying headers are refused, never used.
		{name: "jku header", token: hs(`{"alg":"HS256","jku":"https://attacker.example/jwks.json","typ":"JWT"}`, payload()), err: ErrMalformed},
		{name: "x5u header", token: hs(`{"alg":"HS256","typ":"JWT","x5u":"https://attacker.example/cert.pem"}`, payload()), err: ErrMalformed},
		{name: "x5c header", token: hs(`{"alg":"HS256","typ":"JWT","x5c":["MIIB"]}`, payload()), err: ErrMalformed},
		{name: "jwk of attacker key", cfg: withEdDSA, token: attackerJWK(true), err: ErrMalformed},
		{name: "attacker EdDSA key without jwk", cfg: withEdDSA, token: attackerJWK(false), err: ErrBadSignature},

		// T-JWT-07: structure and encoding.
		{name: "2 segments", token: tok(h + "." + p), err: ErrMalformed},
		{name: "4 segments", token: tok(katToken + "." + s), err: ErrMalformed},
		{name: "1 segment", token: tok(h), err: ErrMalformed},
		{name: "empty token", token: tok(""), err: ErrMalformed},
		{name: "only dots", token: tok(".."), err: ErrMalformed},
		{name: "1 MiB of dots", token: tok(strings.Repeat(".", 1<<20)), err: ErrTooLong},
		{name: "1 MiB of dots under a 1 MiB cap", cfg: withMaxLen, token: tok(strings.Repeat(".", 1<<20)), err: ErrMalformed},
		{name: "16 KiB token", token: tok(strings.Repeat("a", 16<<10)), err: ErrTooLong},
		{name: "16 KiB signed token", token: pl(member{"pad", `"` + strings.Repeat("x", 16<<10) + `"`}), err: ErrTooLong},
		{name: "slash instead of underscore", token: tok(strings.Replace(katToken, "_", "/", 1)), err: ErrMalformed},
		{name: "space", token: tok(h + "." + p + " ." + s), err: ErrMalformed},
		{name: "newline", token: tok(h + "." + p[:10] + "\n" + p[10:] + "." + s), err: ErrMalformed},
		{name: "non-ASCII", token: tok(katToken + "é"), err: ErrMalformed},
		{name: "NUL byte", token: tok(katToken + "\x00"), err: ErrMalformed},
		{name: "padded signature", token: tok(katToken + "="), err: ErrMalformed},
		{name: "padded header", token: tok(base64.URLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"} `)) + "." + p + "." + s), err: ErrMalformed},

		// T-JWT-08 / T-JWT-21: integrity and malleability.
		{name: "payload tampered", token: tok(h + "." + enc(payload(member{"user_id", "2"})) + "." + s), err: ErrBadSignature},
		{name: "signature bit flipped", token: tok(h + "." + p + "." + flipBit(s)), err: ErrBadSignature},
		{name: "signature truncated", token: tok(h + "." + p + "." + s[:40]), err: ErrBadSignature},
		{name: "signature empty", token: tok(h + "." + p + "."), err: ErrBadSignature},
		{name: "signature re-encoded with non-zero trailing bits", token: tok(h + "." + p + "." + altEncoding(s)), err: ErrMalformed},
		{name: "other deployment's secret", token: func(t testing.TB) string {
			return forge(t, "HS256", []byte("another-deployment-secret-0123456789abcdef"), stdHeader, payload())
		}, err: ErrBadSignature},

		// T-JWT-09: exp.
		{name: "exp past", token: pl(member{"exp", "1700000050"}), err: ErrExpired},
		{name: "exp equals now", token: pl(member{"exp", "1700000100"}), err: ErrExpired},
		{name: "exp 0", token: pl(member{"exp", "0"}), err: ErrExpired},
		{name: "exp missing", token: pl(member{"exp", "-"}), err: ErrClaims},
		{name: "exp string", token: pl(member{"exp", `"1700000300"`}), err: ErrMalformed},
		{name: "exp array", token: pl(member{"exp", `[1700000300]`}), err: ErrMalformed},
		{name: "exp object", token: pl(member{"exp", `{"t":1700000300}`}), err: ErrMalformed},
		{name: "exp 1e309", token: pl(member{"exp", `1e309`}), err: ErrMalformed},
		{name: "exp float", token: pl(member{"exp", `1700000300.5`}), err: ErrMalformed},
		{name: "exp null", token: pl(member{"exp", `null`}), err: ErrMalformed},
		{name: "exp true", token: pl(member{"exp", `true`}), err: ErrMalformed},
		{name: "exp negative", token: pl(member{"exp", `-1`}), err: ErrMalformed},
		{name: "exp beyond year 9999", token: pl(member{"exp", `253402300800`}), err: ErrMalformed},
		{name: "exp int64 overflow", token: pl(member{"exp", `9223372036854775808`}), err: ErrMalformed},
		{name: "expired and bad signature", token: func(t testing.TB) string {
			return forge(t, "HS256", []byte("another-deployment-secret-0123456789abcdef"), stdHeader, payload(member{"exp", "1700000050"}))
		}, err: ErrBadSignature},
		{name: "expired within leeway", cfg: withLeeway, token: pl(member{"exp", "1700000080"})},
		{name: "expired beyond leeway", cfg: withLeeway, token: pl(member{"exp", "1700000060"}), err: ErrExpired},

		// T-JWT-10 / T-JWT-19: aud and iss.
		{name: "aud ok", cfg: withAudience, token: pl(member{"aud", `"api"`})},
		{name: "aud ok in array", cfg: withAudience, token: pl(member{"aud", `["other","api"]`})},
		{name: "aud wrong", cfg: withAudience, token: pl(member{"aud", `"other"`}), err: ErrClaims},
		{name: "aud empty array", cfg: withAudience, token: pl(member{"aud", `[]`}), err: ErrClaims},
		{name: "aud other in array", cfg: withAudience, token: pl(member{"aud", `["other"]`}), err: ErrClaims},
		{name: "aud empty string", cfg: withAudience, token: pl(member{"aud", `""`}), err: ErrClaims},
		{name: "aud number", cfg: withAudience, token: pl(member{"aud", `5`}), err: ErrMalformed},
		{name: "aud null", cfg: withAudience, token: pl(member{"aud", `null`}), err: ErrMalformed},
		{name: "aud array of numbers", cfg: withAudience, token: pl(member{"aud", `[5]`}), err: ErrMalformed},
		{name: "aud object", cfg: withAudience, token: pl(member{"aud", `{"api":true}`}), err: ErrMalformed},
		{name: "aud missing", cfg: withAudience, token: pl(), err: ErrClaims},
		{name: "aud present, none configured", token: pl(member{"aud", `"api"`}), err: ErrClaims},
		{name: "iss ok", cfg: withIssuer, token: pl(member{"iss", `"https://issuer.example"`})},
		{name: "iss missing", cfg: withIssuer, token: pl(), err: ErrClaims},
		{name: "iss wrong", cfg: withIssuer, token: pl(member{"iss", `"https://other.example"`}), err: ErrClaims},
		{name: "iss number", cfg: withIssuer, token: pl(member{"iss", `5`}), err: ErrMalformed},

		// T-JWT-11: nbf and iat.
		{name: "nbf past", token: pl(member{"nbf", "1700000000"})},
		{name: "nbf future", token: pl(member{"nbf", "1700000200"}), err: ErrClaims},
		{name: "nbf string", token: pl(member{"nbf", `"1700000000"`}), err: ErrMalformed},
		{name: "iat future", token: pl(member{"iat", "1700000101"}), err: ErrClaims},
		{name: "iat missing", token: pl(member{"iat", "-"}), err: ErrClaims},
		{name: "iat string", token: pl(member{"iat", `"1700000000"`}), err: ErrMalformed},
		{name: "iat future within leeway", cfg: withLeeway, token: pl(member{"iat", "1700000120"})},
		{name: "iat future beyond leeway", cfg: withLeeway, token: pl(member{"iat", "1700000140"}), err: ErrClaims},

		// T-JWT-17 / T-JWT-18: token types.
		{name: "refresh as access", token: pl(member{"token_type", `"refresh"`}), want: Access, err: ErrWrongType},
		{name: "access as refresh", token: pl(), want: Refresh, err: ErrWrongType},
		{name: "refresh as any", token: pl(member{"token_type", `"refresh"`}), anyType: true},
		{name: "sliding as any", token: pl(member{"token_type", `"sliding"`}), anyType: true, err: ErrWrongType},
		{name: "token_type upper case", token: pl(member{"token_type", `"ACCESS"`}), err: ErrWrongType},
		{name: "token_type number", token: pl(member{"token_type", `1`}), err: ErrWrongType},
		{name: "token_type null", token: pl(member{"token_type", `null`}), err: ErrWrongType},
		{name: "no token_type", token: pl(member{"token_type", "-"}), err: ErrNoType},
		{name: "no token_type, any type", token: pl(member{"token_type", "-"}), anyType: true, err: ErrNoType},

		// jti.
		{name: "no jti", token: pl(member{"jti", "-"}), err: ErrNoID},
		{name: "jti number", token: pl(member{"jti", "5"}), err: ErrNoID},
		{name: "jti empty", token: pl(member{"jti", `""`}), err: ErrNoID},
		{name: "jti null", token: pl(member{"jti", `null`}), err: ErrNoID},
		{name: "jti 256 bytes", token: pl(member{"jti", `"` + strings.Repeat("a", 256) + `"`}), err: ErrNoID},

		// User id.
		{name: "user_id string", token: pl(member{"user_id", `"7"`})},
		{name: "user_id negative", token: pl(member{"user_id", `-3`})},
		{name: "user_id missing", token: pl(member{"user_id", "-"}), err: ErrNoUserID},
		{name: "user_id abc", token: pl(member{"user_id", `"abc"`}), err: ErrNoUserID},
		{name: "user_id 1.5", token: pl(member{"user_id", `1.5`}), err: ErrNoUserID},
		{name: "user_id true", token: pl(member{"user_id", `true`}), err: ErrNoUserID},
		{name: "user_id null", token: pl(member{"user_id", `null`}), err: ErrNoUserID},
		{name: "user_id empty string", token: pl(member{"user_id", `""`}), err: ErrNoUserID},
		{name: "user_id leading zero", token: pl(member{"user_id", `"07"`}), err: ErrNoUserID},
		{name: "user_id plus sign", token: pl(member{"user_id", `"+7"`}), err: ErrNoUserID},
		{name: "user_id exponent", token: pl(member{"user_id", `1e3`}), err: ErrNoUserID},
		{name: "user_id overflow", token: pl(member{"user_id", `99999999999999999999`}), err: ErrNoUserID},
		{name: "user_id array", token: pl(member{"user_id", `[1]`}), err: ErrNoUserID},

		// Precedence follows SimpleJWT: decode (signature, exp, aud, iss),
		// then jti, then token_type, then the user.
		{name: "no jti and no type", token: pl(member{"jti", "-"}, member{"token_type", "-"}), err: ErrNoID},
		{name: "expired and no jti", token: pl(member{"exp", "1700000050"}, member{"jti", "-"}), err: ErrExpired},
		{name: "expired and wrong type", token: pl(member{"exp", "1700000050"}), want: Refresh, err: ErrExpired},
		{name: "wrong type and no user", token: pl(member{"user_id", "-"}), want: Refresh, err: ErrWrongType},
		{name: "expired and wrong aud", cfg: withAudience, token: pl(member{"exp", "1700000050"}, member{"aud", `"other"`}), err: ErrClaims},

		// Payload shape.
		{name: "duplicate claim", token: hs(stdHeader, strings.TrimSuffix(payload(), "}")+`,"user_id":2}`), err: ErrMalformed},
		{name: "payload invalid UTF-8", token: pl(member{"note", "\"\xff\xfe\""}), err: ErrMalformed},
		{name: "payload array", token: hs(stdHeader, `[1,2]`), err: ErrMalformed},
		{name: "payload null", token: hs(stdHeader, `null`), err: ErrMalformed},
		{name: "payload string", token: hs(stdHeader, `"x"`), err: ErrMalformed},
		{name: "payload empty object", token: hs(stdHeader, `{}`), err: ErrClaims},
		{name: "payload null, bad signature", token: tok(enc(stdHeader) + "." + enc(`null`) + "." + strings.Split(katToken, ".")[2]), err: ErrBadSignature},
		{name: "payload empty", token: hs(stdHeader, ``), err: ErrMalformed},
		{name: "payload trailing data", token: hs(stdHeader, payload()+` x`), err: ErrMalformed},
		{name: "payload two objects", token: hs(stdHeader, payload()+`{}`), err: ErrMalformed},
		{name: "fam ok", token: pl(member{"fam", `"f1"`})},
		{name: "fam number", token: pl(member{"fam", `5`}), err: ErrMalformed},
		{name: "fam empty", token: pl(member{"fam", `""`}), err: ErrMalformed},
	}...)
	return cases
}

// attackerJWK returns an EdDSA token signed by a fresh attacker key,
// optionally embedding that key as a jwk header.
func attackerJWK(embed bool) func(testing.TB) string {
	return func(t testing.TB) string {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		hdr := `{"alg":"EdDSA","typ":"JWT"}`
		if embed {
			x := base64.RawURLEncoding.EncodeToString(pub)
			hdr = `{"alg":"EdDSA","jwk":{"crv":"Ed25519","kty":"OKP","x":"` + x + `"},"typ":"JWT"}`
		}
		return forge(t, "EdDSA", priv, hdr, payload())
	}
}

// flipBit flips one bit inside the decoded signature and re-encodes it.
func flipBit(seg string) string {
	b, _ := base64.RawURLEncoding.DecodeString(seg)
	b[5] ^= 0x01
	return base64.RawURLEncoding.EncodeToString(b)
}

// altEncoding sets the unused trailing bits of the last character, giving
// another string that a lenient decoder maps to the same bytes.
func altEncoding(seg string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, seg[len(seg)-1])
	return seg[:len(seg)-1] + string(alphabet[last|1])
}

func TestParseHostile(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			var edits []func(*Config)
			if tc.cfg != nil {
				edits = append(edits, tc.cfg)
			}
			c := mustNew(t, edits...)
			token := tc.token(t)
			want := tc.want
			if want == "" && !tc.anyType {
				want = Access
			}
			got, err := c.Parse(token, want)
			if err != tc.err {
				t.Fatalf("Parse: err = %v (reason %q), want %v (reason %q)", err, Reason(err), tc.err, Reason(tc.err))
			}
			if err != nil {
				if got != nil {
					t.Fatal("Parse returned claims with an error")
				}
				invalid := tc.err != ErrNoID && tc.err != ErrNoType && tc.err != ErrWrongType && tc.err != ErrNoUserID
				if errors.Is(err, ErrInvalid) != invalid {
					t.Fatalf("errors.Is(err, ErrInvalid) = %v, want %v", !invalid, invalid)
				}
				if errors.Is(err, ErrExpired) != (tc.err == ErrExpired) {
					t.Fatalf("errors.Is(err, ErrExpired) wrong for %v", err)
				}
				if len(token) > 0 && strings.Contains(err.Error(), token) {
					t.Fatal("error message contains the token")
				}
			} else if got == nil {
				t.Fatal("Parse returned nil claims and nil error")
			}
		})
	}
}

// The length cap and the segment scan run before any allocation.
func TestParseRejectsWithoutAllocating(t *testing.T) {
	c := mustNew(t)
	big := mustNew(t, withMaxLen)
	long := strings.Repeat("a", 16<<10)
	dots := strings.Repeat(".", 1<<20)
	for _, tc := range []struct {
		name  string
		c     *Codec
		token string
		err   error
	}{
		{"16 KiB", c, long, ErrTooLong},
		{"1 MiB of dots", c, dots, ErrTooLong},
		{"1 MiB of dots, cap 1 MiB", big, dots, ErrMalformed},
		{"bad character", c, katToken + " ", ErrMalformed},
	} {
		var err error
		allocs := testing.AllocsPerRun(100, func() { _, err = tc.c.Parse(tc.token, Access) })
		if err != tc.err {
			t.Fatalf("%s: err %v, want %v", tc.name, err, tc.err)
		}
		if allocs != 0 {
			t.Fatalf("%s: %v allocations, want 0", tc.name, allocs)
		}
	}
}
