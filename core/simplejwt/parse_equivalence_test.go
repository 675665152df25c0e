package simplejwt

import (
	"encoding/base64"
	"reflect"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// legacyCodec builds a codec like mustNew, with the golang-jwt parser the
// previous Parse used for the same configuration.
func legacyCodec(t testing.TB, edits ...func(*Config)) (*Codec, *jwt.Parser) {
	t.Helper()
	cfg := katConfig()
	for _, edit := range edits {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, jwt.NewParser(c.parserOptions(cfg.withDefaults().Leeway)...)
}

// sameAsLegacy fails unless Parse and legacyParse give the same sentinel
// and the same claims for token, for every wanted type.
func sameAsLegacy(t *testing.T, c *Codec, p *jwt.Parser, token string) {
	t.Helper()
	for _, want := range []TokenType{Access, Refresh, ""} {
		got, err := c.Parse(token, want)
		old, oldErr := c.legacyParse(p, token, want)
		if err != oldErr {
			t.Fatalf("want %q: Parse err %v (%s), legacy %v (%s)\ntoken %q", want, err, Reason(err), oldErr, Reason(oldErr), token)
		}
		if !reflect.DeepEqual(got, old) {
			t.Fatalf("want %q: Parse claims %+v, legacy %+v", want, got, old)
		}
	}
}

// Every hostile case gets the same answer from the rewritten Parse as from
// the golang-jwt based one.
func TestParseMatchesLegacyOnHostileCases(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			var edits []func(*Config)
			if tc.cfg != nil {
				edits = append(edits, tc.cfg)
			}
			c, p := legacyCodec(t, edits...)
			sameAsLegacy(t, c, p, tc.token(t))
		})
	}
}

// The strictness edges get the same answers from both implementations,
// with a valid signature and with a forged one.
func TestParseMatchesLegacyOnStrictPayloads(t *testing.T) {
	c, p := legacyCodec(t)
	_, _, katSig := katParts()
	for _, sc := range strictCases() {
		sameAsLegacy(t, c, p, signed(t, stdHeader, sc.payload))
		sameAsLegacy(t, c, p, enc(stdHeader)+"."+enc(sc.payload)+"."+katSig)
	}
}

// Nesting up to encoding/json's limit is accepted, one level deeper is
// malformed, in both implementations.
func TestParseMatchesLegacyOnDepth(t *testing.T) {
	c, p := legacyCodec(t, withMaxLen)
	for _, arrays := range []int{maxDepth - 2, maxDepth - 1, maxDepth, maxDepth + 1} {
		nested := strings.Repeat("[", arrays) + strings.Repeat("]", arrays)
		sameAsLegacy(t, c, p, signed(t, stdHeader, payload(member{"deep", nested})))
	}
}

// A few headers at the edges, including escapes in alg and kid.
func TestParseMatchesLegacyOnHeaders(t *testing.T) {
	c, p := legacyCodec(t, withRS256AndHS256)
	for _, h := range []string{
		`{"alg":"HS\u0032\u0035\u0036","typ":"JWT"}`,
		`{"alg":"HS256","typ":"\u004aWT"}`,
		`{"alg":"HS256","kid":"rsa\u002d1","typ":"JWT"}`,
		`{"alg":"RS256","kid":"rsa\u002d1","typ":"JWT"}`,
		`{"alg":"HS256","kid":null,"typ":"JWT"}`,
		`{"alg":"HS256","typ":"JWT","alg":"HS256"}`,
		`{"alg":"HS256","typ":"JWT"`,
		`{"alg":"HS256","typ":"JWT"}x`,
		`{"typ":"JWT","alg":"HS256"}`,
		` {"alg":"HS256","typ":"JWT"} `,
		`{"alg":"HS256 ","typ":"JWT"}`,
		`{"alg":["HS256"],"typ":"JWT"}`,
	} {
		sameAsLegacy(t, c, p, forge(t, "HS256", []byte("an-older-hmac-secret-0123456789abcdef"), h, payload()))
		sameAsLegacy(t, c, p, forge(t, "RS256", testRSA(), h, payload()))
	}
}

// FuzzParseMatchesLegacy signs arbitrary header and payload JSON with the
// KAT secret (or forges or mangles the signature) and requires the same
// answer from Parse as from the golang-jwt based implementation.
func FuzzParseMatchesLegacy(f *testing.F) {
	f.Add(stdHeader, payload(), uint8(0))
	f.Add(stdHeader, payload(member{"fam", `"f"`}, member{"x", `{"a":[1,"\u00e9",null]}`}), uint8(0))
	f.Add(stdHeader, `null`, uint8(1))
	f.Add(`{"alg":"HS256","kid":"k","typ":"JWT"}`, payload(), uint8(0))
	for _, sc := range strictCases() {
		f.Add(stdHeader, sc.payload, uint8(0))
	}
	c, p := legacyCodec(f)
	ca, pa := legacyCodec(f, withAudience, withIssuer, withLeeway)
	f.Fuzz(func(t *testing.T, header, pl string, mode uint8) {
		token := signed(t, header, pl)
		switch mode % 4 {
		case 1: // forged
			token = forge(t, "HS256", []byte("another-deployment-secret-0123456789abcdef"), header, pl)
		case 2: // no signature
			token = enc(header) + "." + enc(pl) + "."
		case 3: // the signature segment is the payload, re-encoded leniently
			token = enc(header) + "." + enc(pl) + "." + base64.RawStdEncoding.EncodeToString([]byte(pl))
		}
		sameAsLegacy(t, c, p, token)
		sameAsLegacy(t, ca, pa, token)
	})
}
