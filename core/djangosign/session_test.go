package djangosign

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The session vectors come from the Django 3.2.25 fixture in
// sqlstore/testdata/django: a session Django's test client saved for
// alice (user 1), with this SECRET_KEY.
var (
	fixtureSecret      = []byte("peer-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
	fixtureSessionData = ".eJxVjEEOwiAQRe_C2hCG0kJduu8ZyAwzSNWUpLQr491Nky50-997_60i7luJe5M1zqyuCtTldyNMT1kOwA9c7lWnumzrTPpQ9EmbnirL63a6fwcFWzlqm5AMO_DeQN9ZRzAmSHkQj9IDW-zCSGbIzHnAbHtnhTJjCJgleFCfL_ErOLU:1xaH83:24jhptGM6K96GT55PIFBdgpxpJXs9ZBY2rHcpOwRGhs"
	fixtureSignedAt    = int64(1796582311)
	fixturePassword    = "argon2$argon2id$v=19$m=102400,t=2,p=8$TXpIa0dnaGNuTDR1TDFVdEtzZjVTYg$bETHJMjPNU0R6cT9M7404Q"
	fixtureAuthHash    = "d2cab0d4177015324b19c1cf6e7ae51d2a389b06fddf6af2542ebfda88afe871"
	fixtureAuthHash1   = "53a0b2ae962ef7fe5316189c917ee830e8badd90"
	fixtureJSON        = `{"_auth_user_id":"1","_auth_user_backend":"django.contrib.auth.backends.ModelBackend","_auth_user_hash":"` + fixtureAuthHash + `"}`
)

// fixtureItems is the fixture session's dict, in Django's order.
func fixtureItems() []SessionItem {
	return []SessionItem{
		{"_auth_user_id", "1"},
		{"_auth_user_backend", "django.contrib.auth.backends.ModelBackend"},
		{"_auth_user_hash", fixtureAuthHash},
	}
}

func mustSessionCodec(tb testing.TB, opts ...SignerOption) *SessionCodec {
	tb.Helper()
	c, err := NewSessionCodec(fixtureSecret, opts...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// fixturePayload returns the fixture's zlib bytes and their inflation.
func fixturePayload(t *testing.T) (compressed, data []byte) {
	t.Helper()
	payload := strings.SplitN(fixtureSessionData, ":", 2)[0]
	compressed, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(payload, "."))
	if err != nil {
		t.Fatal(err)
	}
	r, err := zlib.NewReader(bytes.NewReader(compressed))
	if err != nil {
		t.Fatal(err)
	}
	data, err = io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return compressed, data
}

// TestSessionLoadsFixture: Django's session data decodes to the documented
// dict, in order.
func TestSessionLoadsFixture(t *testing.T) {
	items, err := mustSessionCodec(t).Loads(fixtureSessionData)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(items, fixtureItems()) {
		t.Errorf("Loads(fixture) = %#v, want %#v", items, fixtureItems())
	}
}

// TestSessionDumpsFixture: re-encoding the fixture dict at its timestamp
// reproduces Django's JSON, and with Django's zlib output the whole value,
// byte for byte; Dumps (Go's deflate, which compresses to other bytes)
// makes a value Loads reads back with the same timestamp field.
func TestSessionDumpsFixture(t *testing.T) {
	compressed, data := fixturePayload(t)
	if string(data) != fixtureJSON {
		t.Fatalf("fixture JSON = %s", data)
	}
	got, err := appendSessionJSON(nil, fixtureItems())
	if err != nil || string(got) != fixtureJSON {
		t.Fatalf("JSON of the fixture dict = %s, %v; want %s", got, err, fixtureJSON)
	}
	c := mustSessionCodec(t, WithClock(func() time.Time { return time.Unix(fixtureSignedAt, 999_999_999) }))
	if got := c.dumpsAt(got, compressed, fixtureSignedAt); got != fixtureSessionData {
		t.Errorf("dumpsAt(fixture JSON, Django's zlib bytes) =\n%s\nwant\n%s", got, fixtureSessionData)
	}

	dumped, err := c.Dumps(fixtureItems())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(dumped, ".") || strings.Split(dumped, ":")[1] != "1xaH83" {
		t.Errorf("Dumps = %s, want a compressed payload and timestamp 1xaH83", dumped)
	}
	items, err := c.Loads(dumped)
	if err != nil || !reflect.DeepEqual(items, fixtureItems()) {
		t.Errorf("Loads(Dumps(fixture)) = %#v, %v", items, err)
	}
}

// TestSessionDumpsUncompressed: a value too short to gain from zlib is
// written uncompressed, without the "." flag; with the allauth salt this
// is exactly an observed allauth key (same signing.dumps code path).
func TestSessionDumpsUncompressed(t *testing.T) {
	c := &SessionCodec{keys: deriveKeys(AllauthSalt+"signer", probeSecret, nil), now: time.Now}
	for _, v := range signingVectors {
		data, err := appendPyValue(nil, v.pk)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.dumpsAt(data, compress(data), v.unix); got != v.key {
			t.Errorf("dumpsAt(%d) = %q, want %q", v.pk, got, v.key)
		}
	}
}

// TestSessionLoadsVariants: Django 3.2 also accepts a SHA-1 signature and
// the pre-3.1 format; the vectors were computed with Python's hmac and
// hashlib from the formulas in Django 3.2's signing.py and
// sessions/backends/base.py.
func TestSessionLoadsVariants(t *testing.T) {
	c := mustSessionCodec(t)
	sha1Signed := strings.TrimSuffix(fixtureSessionData, "24jhptGM6K96GT55PIFBdgpxpJXs9ZBY2rHcpOwRGhs") + "ay9CSsTwKyH8RjEprXKjMLtiqA4"
	if items, err := c.Loads(sha1Signed); err != nil || !reflect.DeepEqual(items, fixtureItems()) {
		t.Errorf("SHA-1 signature: %#v, %v", items, err)
	}
	legacy := "YzFjNWM4ZDc5ODQ5MzVkNzBjYjAyZGI1YmVlNzhmYzFiNGUwZjQ2Njp7Il9hdXRoX3VzZXJfaWQiOiIxIiwiX2F1dGhfdXNlcl9iYWNrZW5kIjoiZGphbmdvLmNvbnRyaWIuYXV0aC5iYWNrZW5kcy5Nb2RlbEJhY2tlbmQiLCJfYXV0aF91c2VyX2hhc2giOiI1M2EwYjJhZTk2MmVmN2ZlNTMxNjE4OWM5MTdlZTgzMGU4YmFkZDkwIn0="
	want := fixtureItems()
	want[2].Value = fixtureAuthHash1
	if items, err := c.Loads(legacy); err != nil || !reflect.DeepEqual(items, want) {
		t.Errorf("pre-3.1 format: %#v, %v", items, err)
	}
	// The legacy hash covers the JSON: changing it breaks the value.
	raw, _ := base64.StdEncoding.DecodeString(legacy)
	tampered := base64.StdEncoding.EncodeToString(bytes.Replace(raw, []byte(`"1"`), []byte(`"2"`), 1))
	if items, err := c.Loads(tampered); !errors.Is(err, ErrBadSignature) || items != nil {
		t.Errorf("tampered pre-3.1 data: %#v, %v", items, err)
	}
}

// TestSessionLoadsRefuses: tampering anywhere, another secret, and
// malformed input are refused with the sentinels and no items; a fallback
// secret is accepted.
func TestSessionLoadsRefuses(t *testing.T) {
	c := mustSessionCodec(t)
	mutate := func(i int) string {
		b := []byte(fixtureSessionData)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for i := 0; i < len(fixtureSessionData); i++ {
		if fixtureSessionData[i] == ':' {
			continue
		}
		if items, err := c.Loads(mutate(i)); err == nil || items != nil {
			t.Fatalf("byte %d changed: accepted %#v", i, items)
		}
	}
	other, err := NewSessionCodec([]byte("another-secret"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.Loads(fixtureSessionData); !errors.Is(err, ErrBadSignature) {
		t.Errorf("other secret: %v, want ErrBadSignature", err)
	}
	rotated, err := NewSessionCodec([]byte("new-secret"), WithFallbackSecrets(fixtureSecret))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rotated.Loads(fixtureSessionData); err != nil {
		t.Errorf("fallback secret: %v", err)
	}
	for _, s := range append(hostileStrings(), strings.Repeat("a", DefaultMaxSessionSize+1)) {
		items, err := c.Loads(s)
		if items != nil || !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrBadSignature) {
			t.Errorf("Loads(%.20q) = %#v, %v", s, items, err)
		}
	}
	if _, err := NewSessionCodec(nil); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("empty secret: %v", err)
	}
}

// signedJSON signs arbitrary JSON bytes as Dumps would, for payloads Dumps
// cannot produce.
func signedJSON(c *SessionCodec, data []byte, compressed bool) string {
	payload := encodeB64(data)
	if compressed {
		payload = "." + encodeB64(compress(data))
	}
	value := payload + ":" + encodeBase62(fixtureSignedAt)
	return value + ":" + signature(c.keys[0], value)
}

// TestSessionLoadsJSON: what a correctly signed payload may contain, read
// as Python's json.loads would.
func TestSessionLoadsJSON(t *testing.T) {
	c := mustSessionCodec(t)
	items, err := c.Loads(signedJSON(c, []byte(`{"a":1,"b":{"z":[1,2]},"a":3.5,"c":null,"d":true,"e":"\u00e9"}`), false))
	want := []SessionItem{{"a", json.Number("3.5")}, {"b", json.RawMessage(`{"z":[1,2]}`)}, {"c", nil}, {"d", true}, {"e", "é"}}
	if err != nil || !reflect.DeepEqual(items, want) {
		t.Errorf("Loads = %#v, %v; want %#v", items, err, want)
	}
	if items, err := c.Loads(signedJSON(c, []byte("{}"), false)); err != nil || items == nil || len(items) != 0 {
		t.Errorf("empty dict: %#v, %v; want no items, not nil", items, err)
	}
	// latin-1: a byte above 0x7f is the code point of the same value.
	if items, err := c.Loads(signedJSON(c, []byte("{\"k\":\"\xe9\"}"), false)); err != nil || items[0].Value != "é" {
		t.Errorf("latin-1 byte: %#v, %v", items, err)
	}
	for _, bad := range []string{`[]`, `"x"`, `1`, `{"a":1} x`, `{"a":}`, `{`, ``, `{"a":NaN}`} {
		if items, err := c.Loads(signedJSON(c, []byte(bad), false)); !errors.Is(err, ErrMalformed) || items != nil {
			t.Errorf("JSON %q: %#v, %v; want ErrMalformed", bad, items, err)
		}
	}
	bomb := append([]byte(`{"k":"`), bytes.Repeat([]byte("a"), DefaultMaxSessionSize)...)
	bomb = append(bomb, `"}`...)
	if items, err := c.Loads(signedJSON(c, bomb, true)); !errors.Is(err, ErrMalformed) || items != nil {
		t.Errorf("payload inflating past the limit: %v", err)
	}
}

// TestSessionDumpsPython: values are written as Python's
// json.dumps(separators=(",", ":")) writes them (expected strings printed
// by CPython 3).
func TestSessionDumpsPython(t *testing.T) {
	items := []SessionItem{
		{"s", "é💥\x7f<>&/\"\\\n\r\t\b\f\x01 ~"},
		{"f", []any{1.0, 1e16, 1.5e-05, 0.0001, 123.456, math.Copysign(0, -1), 9999999999999998.0, 1e22, math.NaN(), math.Inf(1)}},
	}
	want := `{"s":"\u00e9\ud83d\udca5\u007f<>&/\"\\\n\r\t\b\f\u0001 ~","f":[1.0,1e+16,1.5e-05,0.0001,123.456,-0.0,9999999999999998.0,1e+22,NaN,Infinity]}`
	if got, err := appendSessionJSON(nil, items); err != nil || string(got) != want {
		t.Errorf("got  %s, %v\nwant %s", got, err, want)
	}
	items = []SessionItem{
		{"a", json.RawMessage(` {"z" : 1, "b":[1, 2, {"é":null}]} `)},
		{"m", map[string]any{"z": int64(1), "a": []SessionItem{{"y", false}, {"x", json.Number("-1.5e3")}}}},
		{"i", []any{int8(-1), uint64(math.MaxUint64), int64(math.MinInt64), nil}},
	}
	want = `{"a":{"z":1,"b":[1,2,{"\u00e9":null}]},"m":{"a":{"y":false,"x":-1.5e3},"z":1},"i":[-1,18446744073709551615,-9223372036854775808,null]}`
	if got, err := appendSessionJSON(nil, items); err != nil || string(got) != want {
		t.Errorf("got  %s, %v\nwant %s", got, err, want)
	}
	c := mustSessionCodec(t)
	for _, bad := range []any{struct{}{}, json.Number("1x"), json.Number(`"1"`), json.RawMessage(`{`), []any{make(chan int)}, map[string]any{"k": time.Now()}} {
		if _, err := c.Dumps([]SessionItem{{"k", bad}}); !errors.Is(err, ErrUnsupportedValue) {
			t.Errorf("Dumps(%T) = %v, want ErrUnsupportedValue", bad, err)
		}
	}
}

// TestSessionAuthHash: Django's get_session_auth_hash of alice's password
// hash, and its SHA-1 variant, both accepted; anything else refused.
func TestSessionAuthHash(t *testing.T) {
	if got := SessionAuthHash(fixtureSecret, fixturePassword); got != fixtureAuthHash {
		t.Errorf("SessionAuthHash = %s, want %s", got, fixtureAuthHash)
	}
	if got := legacySessionAuthHash(fixtureSecret, fixturePassword); got != fixtureAuthHash1 {
		t.Errorf("SHA-1 variant = %s, want %s", got, fixtureAuthHash1)
	}
	for _, h := range []string{fixtureAuthHash, fixtureAuthHash1} {
		if !ValidSessionAuthHash(fixtureSecret, fixturePassword, h) {
			t.Errorf("ValidSessionAuthHash(%s) = false", h)
		}
	}
	for _, h := range []string{"", strings.ToUpper(fixtureAuthHash), fixtureAuthHash[:63], fixtureAuthHash + "0", SessionAuthHash([]byte("x"), fixturePassword)} {
		if ValidSessionAuthHash(fixtureSecret, fixturePassword, h) {
			t.Errorf("ValidSessionAuthHash(%q) = true", h)
		}
	}
	if ValidSessionAuthHash(fixtureSecret, fixturePassword+"x", fixtureAuthHash) {
		t.Error("hash of another password accepted")
	}
}

// FuzzSessionLoads: arbitrary session data never panics, fails only with
// the sentinels and no items, and what loads dumps again.
func FuzzSessionLoads(f *testing.F) {
	c := mustSessionCodec(f, WithClock(func() time.Time { return time.Unix(fixtureSignedAt, 0) }))
	f.Add(fixtureSessionData)
	f.Add(signedJSON(c, []byte(`{"a":[1,{"b":"\u00e9"}],"c":1e400}`), true))
	f.Add("YzFjNWM4ZDc5ODQ5MzVkNzBjYjAyZGI1YmVlNzhmYzFiNGUwZjQ2Njp7fQ==")
	f.Add("eyJ9:1xaH83:x")
	f.Add(".eJw:0:")
	f.Fuzz(func(t *testing.T, s string) {
		items, err := c.Loads(s)
		if err != nil {
			if items != nil || !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrBadSignature) {
				t.Fatalf("%#v, %v", items, err)
			}
			return
		}
		again, err := c.Dumps(items)
		if err != nil {
			t.Fatalf("Dumps of loaded items: %v", err)
		}
		if back, err := c.Loads(again); err != nil || len(back) != len(items) {
			t.Fatalf("round trip: %#v, %v", back, err)
		}
	})
}

// FuzzSessionJSON: any JSON text a signed payload may carry never panics
// the parser, and what it accepts is written back and read again to the
// same items.
func FuzzSessionJSON(f *testing.F) {
	for _, s := range []string{fixtureJSON, `{"a":1,"a":2}`, `{"x":{"é":[null,true,1.5e3,"\ud83d\udca5"]}}`, `{}`, `{"k":"\u0000\u007f"}`, "{\"k\":\"\xff\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := parseSessionJSON(data)
		if err != nil {
			if items != nil || !errors.Is(err, ErrMalformed) {
				t.Fatalf("%#v, %v", items, err)
			}
			return
		}
		out, err := appendSessionJSON(nil, items)
		if err != nil {
			t.Fatalf("write back: %v", err)
		}
		for _, c := range out {
			if c < 0x20 || c > 0x7e {
				t.Fatalf("non-ASCII byte %#x in %q", c, out)
			}
		}
		back, err := parseSessionJSON(out)
		if err != nil {
			t.Fatalf("read back %q: %v", out, err)
		}
		again, err := appendSessionJSON(nil, back)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not stable: %q then %q (%v)", out, again, err)
		}
	})
}
