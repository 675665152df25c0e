package simplejwt

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Known-answer vector of SimpleJWT's HS256 encoding (fixed header segment,
// compact payload with the claims in SimpleJWT's order), observed against
// Django SimpleJWT 5.2.2 / PyJWT 2.6.
const (
	katSecret = "probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
	katJTI    = "0123456789abcdef0123456789abcdef"
	katIat    = 1700000000
	katExp    = 1700000300
	katNow    = 1700000100
	katToken  = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzAwMDAwMzAwLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6IjAxMjM0NTY3ODlhYmNkZWYwMTIzNDU2Nzg5YWJjZGVmIiwidXNlcl9pZCI6MX0.H448GkYRr551ToXWfq_ksil1FTVeRhFGgTuHCbTWZSU"
)

// Tokens minted by Django (dj-rest-auth HEAD, SimpleJWT 5.2.2) with
// SIGNING_KEY = katSecret, captured from a JWT login against that Django
// service.
const (
	djangoAccess    = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwiZXhwIjoxNzk1NzIxNzIzLCJpYXQiOjE3OTU3MjE0MjMsImp0aSI6ImY4YmNiOWQ2OWIxZTRlMzk5Y2JmYTJiM2U1YjFhZTgzIiwidXNlcl9pZCI6MX0.G7u_BvY5RVjoymzvJsj8YBPvhtcbAqJRFOlqrX57bqE"
	djangoRefresh   = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsImV4cCI6MTc5NTgwNzgyMywiaWF0IjoxNzk1NzIxNDIzLCJqdGkiOiI0ZjM4NzJlOGY3ZTY0NjA2OGRlZjBjYzdiMzg5M2MxZiIsInVzZXJfaWQiOjF9.Fr9I46DawkiKV2BVV6lN34MQAHFUak3E_7808fqraLM"
	djangoIat       = 1795721423
	djangoAccessExp = 1795721723
	djangoNow       = 1795721500
)

const stdHeader = `{"alg":"HS256","typ":"JWT"}`

// at returns a clock stuck at the given Unix second.
func at(sec int64) func() time.Time {
	return func() time.Time { return time.Unix(sec, 0) }
}

// katConfig is the known-answer configuration with the clock at katNow.
func katConfig() Config {
	return Config{SigningKey: Key{Secret: []byte(katSecret)}, Now: at(katNow)}
}

// mustNew builds a codec from katConfig after applying edits.
func mustNew(t testing.TB, edits ...func(*Config)) *Codec {
	t.Helper()
	cfg := katConfig()
	for _, edit := range edits {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func enc(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// forge builds a token from raw header and payload JSON, signed with the
// named golang-jwt method and key; alg "" means an empty signature.
func forge(t testing.TB, method string, key any, header, payload string) string {
	t.Helper()
	input := enc(header) + "." + enc(payload)
	if method == "" {
		return input + "."
	}
	sig, err := jwt.GetSigningMethod(method).Sign(input, key)
	if err != nil {
		t.Fatalf("forge %s: %v", method, err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// signed forges an HS256 token with the KAT secret: authentic for the
// default test codec, whatever it says.
func signed(t testing.TB, header, payload string) string {
	t.Helper()
	return forge(t, "HS256", []byte(katSecret), header, payload)
}

// member is one payload member, raw JSON value.
type member struct{ name, raw string }

// katMembers are the KAT payload's members in emission order.
func katMembers() []member {
	return []member{
		{"token_type", `"access"`},
		{"exp", "1700000300"},
		{"iat", "1700000000"},
		{"jti", `"` + katJTI + `"`},
		{"user_id", "1"},
	}
}

// payload renders the KAT payload after replacing, adding (at the end) or
// deleting (raw "-") members.
func payload(edits ...member) string {
	ms := katMembers()
	for _, e := range edits {
		i := -1
		for j, m := range ms {
			if m.name == e.name {
				i = j
			}
		}
		switch {
		case e.raw == "-" && i >= 0:
			ms = append(ms[:i], ms[i+1:]...)
		case i >= 0:
			ms[i].raw = e.raw
		case e.raw != "-":
			ms = append(ms, e)
		}
	}
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = `"` + m.name + `":` + m.raw
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// Test keys are generated once per test binary.
var (
	testRSA = sync.OnceValue(func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	})
	testRSA2 = sync.OnceValue(func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	})
	testEd = sync.OnceValue(func() ed25519.PrivateKey {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			panic(err)
		}
		return k
	})
	testEC = sync.OnceValue(func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		return k
	})
)
