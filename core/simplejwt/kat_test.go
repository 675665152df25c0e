package simplejwt

import (
	"encoding/base64"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core/internal/pyjson"
)

func katClaims() Claims {
	return Claims{
		TokenType: Access,
		Expires:   time.Unix(katExp, 0).UTC(),
		IssuedAt:  time.Unix(katIat, 0).UTC(),
		JTI:       katJTI,
		UserID:    1,
	}
}

func TestMintKnownAnswer(t *testing.T) {
	c := mustNew(t)
	got, err := c.Mint(katClaims())
	if err != nil {
		t.Fatal(err)
	}
	if got != katToken {
		t.Fatalf("Mint:\n got %s\nwant %s", got, katToken)
	}
}

func TestParseKnownAnswer(t *testing.T) {
	c := mustNew(t)
	for _, want := range []TokenType{Access, ""} {
		got, err := c.Parse(katToken, want)
		if err != nil {
			t.Fatalf("Parse(want %q): %v", want, err)
		}
		if !reflect.DeepEqual(*got, katClaims()) {
			t.Fatalf("Parse(want %q) = %+v, want %+v", want, *got, katClaims())
		}
	}
}

// A token signed by Django's SimpleJWT is accepted, and re-minting its
// claims reproduces it byte for byte (so Django accepts ours).
func TestDjangoMintedTokens(t *testing.T) {
	c := mustNew(t, func(cfg *Config) { cfg.Now = at(djangoNow) })
	cases := []struct {
		token string
		typ   TokenType
		jti   string
		exp   int64
	}{
		{djangoAccess, Access, "f8bcb9d69b1e4e399cbfa2b3e5b1ae83", djangoAccessExp},
		{djangoRefresh, Refresh, "4f3872e8f7e646068def0cc7b3893c1f", djangoIat + 86400},
	}
	for _, tc := range cases {
		got, err := c.Parse(tc.token, tc.typ)
		if err != nil {
			t.Fatalf("Parse %s: %v", tc.typ, err)
		}
		want := Claims{
			TokenType: tc.typ,
			Expires:   time.Unix(tc.exp, 0).UTC(),
			IssuedAt:  time.Unix(djangoIat, 0).UTC(),
			JTI:       tc.jti,
			UserID:    1,
		}
		if !reflect.DeepEqual(*got, want) {
			t.Fatalf("Parse %s = %+v, want %+v", tc.typ, *got, want)
		}
		again, err := c.Mint(*got)
		if err != nil || again != tc.token {
			t.Fatalf("re-Mint %s = %q, %v; want the Django token", tc.typ, again, err)
		}
	}
	// Once expired, the access token is rejected as expired (not as forged).
	late := mustNew(t, func(cfg *Config) { cfg.Now = at(djangoAccessExp) })
	if _, err := late.Parse(djangoAccess, Access); err != ErrExpired {
		t.Fatalf("expired Django token: %v, want ErrExpired", err)
	}
}

// SimpleJWT ≥5.5.1 writes the user id as a string.
func TestUserIDAsString(t *testing.T) {
	c := mustNew(t)
	got, err := c.Parse(signed(t, stdHeader, payload(member{"user_id", `"7"`})), Access)
	if err != nil {
		t.Fatal(err)
	}
	if got.UserID != 7 {
		t.Fatalf("UserID = %d, want 7", got.UserID)
	}
}

func TestMintEmissionOrderAndEscaping(t *testing.T) {
	c := mustNew(t, func(cfg *Config) {
		cfg.Audience = "api"
		cfg.Issuer = "https://issuer.example"
	})
	cl := Claims{
		TokenType: Refresh,
		Expires:   time.Unix(1, 0),
		IssuedAt:  time.Unix(0, 500_000_000), // truncated to 0
		JTI:       "j",
		UserID:    1,
		Family:    "f",
		Extra: map[string]any{
			"uni":    "é😀<>&",
			"n":      5,
			"nested": map[string]any{"b": 1, "a": []any{true, nil}},
		},
	}
	tok, err := c.Mint(cl)
	if err != nil {
		t.Fatal(err)
	}
	// What Python's json.dumps(separators=(",",":")) writes for the same
	// dict, then aud and iss appended as SimpleJWT does.
	want := `{"token_type":"refresh","exp":1,"iat":0,"jti":"j","user_id":1,"fam":"f","n":5,"nested":{"a":[true,null],"b":1},"uni":"\u00e9\ud83d\ude00<>&","aud":"api","iss":"https://issuer.example"}`
	seg := strings.Split(tok, ".")[1]
	raw, _ := base64.RawURLEncoding.DecodeString(seg)
	if string(raw) != want {
		t.Fatalf("payload\n got %s\nwant %s", raw, want)
	}
}

func TestPythonStringEscaping(t *testing.T) {
	// Reference: python3 -c 'import json; print(json.dumps(s))'.
	in := "é😀\u2028<>&\x01\x7f\"\\/\b\f\n\r\t"
	want := `"\u00e9\ud83d\ude00\u2028<>&\u0001\u007f\"\\/\b\f\n\r\t"`
	if got := string(pyjson.AppendString(nil, in)); got != want {
		t.Fatalf("pyjson.AppendString = %s, want %s", got, want)
	}
	got, err := appendPyJSON(nil, in)
	if err != nil || string(got) != want {
		t.Fatalf("appendPyJSON = %s, %v; want %s", got, err, want)
	}
}

func TestExtraRoundTrip(t *testing.T) {
	c := mustNew(t)
	extra := map[string]any{
		"role":  "admin",
		"n":     json.Number("12345678901234567890"),
		"flags": []any{"a", json.Number("1.5"), true, nil},
		"sub":   "alice",
	}
	cl := katClaims()
	cl.Family = "fam-1"
	cl.Extra = extra
	tok, err := c.Mint(cl)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Parse(tok, Access)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, cl) {
		t.Fatalf("round trip = %+v, want %+v", *got, cl)
	}
	if again, _ := c.Mint(*got); again != tok {
		t.Fatal("re-minting parsed claims changed the token")
	}
}

var jtiPattern = regexp.MustCompile(`^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$`)

func TestNewJTI(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		j := NewJTI()
		if !jtiPattern.MatchString(j) {
			t.Fatalf("NewJTI() = %q, not uuid4 hex", j)
		}
		if seen[j] {
			t.Fatalf("NewJTI repeated %q", j)
		}
		seen[j] = true
	}
}

func TestNewPairAndNewAccess(t *testing.T) {
	now := time.Unix(katNow, 987_654_321)
	c := mustNew(t, func(cfg *Config) { cfg.Now = func() time.Time { return now } })
	extra := map[string]any{"role": "staff"}
	access, refresh, ac, rc, err := c.NewPair(42, "family-x", extra, extra)
	if err != nil {
		t.Fatal(err)
	}
	if ac.JTI == rc.JTI {
		t.Fatal("access and refresh share a jti")
	}
	wantIat := time.Unix(katNow, 0).UTC()
	if !ac.IssuedAt.Equal(wantIat) || !rc.IssuedAt.Equal(wantIat) {
		t.Fatalf("iat = %v / %v, want %v", ac.IssuedAt, rc.IssuedAt, wantIat)
	}
	if got := ac.Expires.Sub(wantIat); got != DefaultAccessLifetime {
		t.Fatalf("access lifetime %v", got)
	}
	if got := rc.Expires.Sub(wantIat); got != DefaultRefreshLifetime {
		t.Fatalf("refresh lifetime %v", got)
	}
	for _, tc := range []struct {
		tok  string
		typ  TokenType
		want Claims
	}{{access, Access, ac}, {refresh, Refresh, rc}} {
		got, err := c.Parse(tc.tok, tc.typ)
		if err != nil {
			t.Fatalf("Parse %s: %v", tc.typ, err)
		}
		if !reflect.DeepEqual(*got, tc.want) {
			t.Fatalf("Parse %s = %+v, want %+v", tc.typ, *got, tc.want)
		}
	}
	extra["role"] = "mutated" // the returned claims do not alias the input
	if ac.Extra["role"] != "staff" {
		t.Fatal("NewPair claims alias the caller's Extra map")
	}

	now = now.Add(time.Minute)
	parsed, _ := c.Parse(refresh, Refresh)
	tok, cl, err := c.NewAccess(*parsed)
	if err != nil {
		t.Fatal(err)
	}
	if cl.JTI == rc.JTI || cl.JTI == ac.JTI || cl.UserID != 42 || cl.Family != "family-x" || cl.Extra["role"] != "staff" {
		t.Fatalf("NewAccess claims %+v", cl)
	}
	if !cl.IssuedAt.Equal(wantIat.Add(time.Minute)) || !cl.Expires.Equal(wantIat.Add(time.Minute+DefaultAccessLifetime)) {
		t.Fatalf("NewAccess times %v %v", cl.IssuedAt, cl.Expires)
	}
	if got, err := c.Parse(tok, Access); err != nil || !reflect.DeepEqual(*got, cl) {
		t.Fatalf("Parse(NewAccess) = %+v, %v", got, err)
	}
	if _, _, err := c.NewAccess(ac); !isErr(err, ErrBadClaims) {
		t.Fatalf("NewAccess from access claims: %v, want ErrBadClaims", err)
	}
}
