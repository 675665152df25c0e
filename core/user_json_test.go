package core

import (
	"bytes"
	"encoding/json"
	"testing"
)

// encodingJSON is what encoding/json writes for v without HTML escaping,
// WriteJSON's encoding.
func encodingJSON(t testing.TB, v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// userJSONSeeds are strings that take every branch of appendJSONString.
var userJSONSeeds = []string{
	"", "alice", "alice@example.com", `quo"te`, `back\slash`, "tab\tnew\nline\rret",
	"\b\f\x00\x01\x1f\x7f", "<script>&amp;</script>", "Zoë Ångström", "日本語", "emoji 🙂",
	"\u2028line\u2029para", "bad \xff utf8 \xc3", "\xed\xa0\x80 surrogate", "trailing \xe2\x82",
}

// TestAppendUserDetails: the direct encoding of a user is byte for byte
// encoding/json's.
func TestAppendUserDetails(t *testing.T) {
	for _, pk := range []int64{0, 1, -7, 1 << 62} {
		for _, s := range userJSONSeeds {
			d := UserDetails{PK: pk, Username: s, Email: s + "@x", FirstName: s, LastName: "L" + s}
			got := appendUserDetails(nil, d)
			if want := encodingJSON(t, d); !bytes.Equal(got, want) {
				t.Errorf("%+v:\n got %s\nwant %s", d, got, want)
			}
			if b, err := marshalDetails(d, nil, false); err != nil || !bytes.Equal(b, got) {
				t.Errorf("marshalDetails(%+v) = %s, %v", d, b, err)
			}
		}
	}
}

// FuzzAppendJSONString holds appendJSONString to encoding/json's string
// encoding, invalid UTF-8 included.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range userJSONSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := appendJSONString([]byte("x"), s), append([]byte("x"), encodingJSON(t, s)...); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}
