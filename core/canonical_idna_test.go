package core

import "testing"

// TestPunycodeDecode checks RFC 3492 decoding on known A-labels and
// refuses malformed ones.
func TestPunycodeDecode(t *testing.T) {
	for in, want := range map[string]string{
		"exmple-cua":               "exämple",
		"mnchen-3ya":               "münchen",
		"bcher-kva":                "bücher",
		"MNCHEN-3YA":               "MüNCHEN",
		"wgv71a119e":               "日本語",
		"ihqwcrb4cv8a8dqg056pqjye": "他们为什么不说中文",
	} {
		if got, ok := punycodeDecode(in); !ok || got != want {
			t.Errorf("punycodeDecode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "abc-", "ab!c", "é-abc", "99999999999", "zzzzzzzzzzzzzzzzzzzz"} {
		if got, ok := punycodeDecode(in); ok {
			t.Errorf("punycodeDecode(%q) = %q, want a failure", in, got)
		}
	}
}

// TestCanonicalEmailIDN checks that an IDN domain and its A-label share a
// key, and that undecodable A-labels are kept as they are.
func TestCanonicalEmailIDN(t *testing.T) {
	same := [][2]string{
		{"user@exämple.com", "user@xn--exmple-cua.com"},
		{"User@MÜNCHEN.de", "user@XN--MNCHEN-3YA.DE"},
		{"a@sub.xn--bcher-kva.example", "A@sub.bücher.example"},
	}
	for _, p := range same {
		if CanonicalEmail(p[0]) != CanonicalEmail(p[1]) {
			t.Errorf("%q and %q should share a key: %q, %q", p[0], p[1], CanonicalEmail(p[0]), CanonicalEmail(p[1]))
		}
	}
	for _, s := range []string{"a@xn--.example", "a@xn--ab!c.example", "xn--exmple-cua@example.com"} {
		if k := CanonicalEmail(s); k != s {
			t.Errorf("CanonicalEmail(%q) = %q, want it unchanged", s, k)
		}
	}
}
