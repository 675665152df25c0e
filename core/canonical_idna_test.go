package core

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// TestDecodeALabel checks which labels decode: real A-labels in any case,
// and not the spellings that are no label's encoding.
func TestDecodeALabel(t *testing.T) {
	for in, want := range map[string]string{
		"xn--exmple-cua":               "exämple",
		"xn--mnchen-3ya":               "münchen",
		"XN--MNCHEN-3YA":               "münchen",
		"Xn--bcher-KVA":                "bücher",
		"xn--wgv71a119e":               "日本語",
		"xn--ihqwcrb4cv8a8dqg056pqjye": "他们为什么不说中文",
	} {
		if got, ok := decodeALabel(in); !ok || got != want {
			t.Errorf("decodeALabel(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for in, why := range map[string]string{
		"xn--":                           "nothing encoded",
		"xn--abc-":                       "nothing encoded after the delimiter",
		"xn--ab!c":                       "not a base-36 digit",
		"xn--é-abc":                      "not ASCII",
		"xn--99999999999":                "overflow",
		"xn--zzzzzzzzzzzzzzzzzzzz":       "beyond U+10FFFF",
		"xn---2ba":                       "leading delimiter: xn--2ba is the encoding of ¿",
		"xn--" + strings.Repeat("a", 60): "longer than 63 octets",
		"exmple-cua":                     "no prefix",
		"xn--5g7c":                       "decodes to U+FF0E, which folds to '.'",
		"xn--oh7c":                       "decodes to U+FF20, which folds to '@'",
	} {
		if got, ok := decodeALabel(in); ok {
			t.Errorf("decodeALabel(%q) = %q, want it refused (%s)", in, got, why)
		}
	}
}

// TestCanonicalEmailIDN checks that an IDN domain and its A-label share a
// key, and that whatever is not an A-label is kept as it is.
func TestCanonicalEmailIDN(t *testing.T) {
	same := [][2]string{
		{"user@exämple.com", "user@xn--exmple-cua.com"},
		{"User@MÜNCHEN.de", "user@XN--MNCHEN-3YA.DE"},
		{"a@sub.xn--bcher-kva.example", "A@sub.bücher.example"},
		{"a@¿.example", "a@xn--2ba.example"},
	}
	for _, p := range same {
		if CanonicalEmail(p[0]) != CanonicalEmail(p[1]) {
			t.Errorf("%q and %q should share a key: %q, %q", p[0], p[1], CanonicalEmail(p[0]), CanonicalEmail(p[1]))
		}
	}
	for _, s := range []string{"a@xn--.example", "a@xn--ab!c.example", "xn--exmple-cua@example.com", "a@xn---2ba.example"} {
		if k := CanonicalEmail(s); k != s {
			t.Errorf("CanonicalEmail(%q) = %q, want it unchanged", s, k)
		}
	}
	// Two DNS names, two keys: the old hand-written decoder read the
	// first as ¿ too.
	if CanonicalEmail("a@xn---2ba.example") == CanonicalEmail("a@xn--2ba.example") {
		t.Error("xn---2ba and xn--2ba share a key")
	}
}

// FuzzCanonicalEmailIDN checks the property decodeALabels exists for: an
// address with a Unicode domain label and the same address with that
// label's A-label (in any ASCII case) share one key, whenever the label
// can be one (at most 63 octets encoded, and nothing in it that folds to
// a '.', an '@' or an "xn--" prefix, which would change how the address
// splits).
func FuzzCanonicalEmailIDN(f *testing.F) {
	for _, s := range []string{"exämple", "MÜNCHEN", "日本語", "¿", "e\u0301x", "ǅ", "ß", "İ", "\u212A", "ABCé", "a-é-b", "\uff21\u00e9", "donaudampfschifffahrtsgesellschaftskapitän"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, u string) {
		if !utf8.ValidString(u) || isASCII(u) || strings.ContainsAny(u, ".@") {
			return
		}
		if k := canonical(u); strings.ContainsAny(k, ".@") || strings.HasPrefix(k, "xn--") {
			return
		}
		a, err := idna.Punycode.ToASCII(u)
		if err != nil || len(a) > aceLabelMax {
			return
		}
		want := CanonicalEmail("User@" + u + ".example")
		for _, alabel := range []string{a, strings.ToUpper(a)} {
			if got := CanonicalEmail("User@" + alabel + ".example"); got != want {
				t.Errorf("%q and its A-label %q: keys %q and %q", u, alabel, want, got)
			}
		}
	})
}
