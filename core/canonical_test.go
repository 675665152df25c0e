package core

import (
	"testing"
	"unicode/utf8"
)

func TestCanonicalUsername(t *testing.T) {
	same := [][2]string{{"Alice", "alice"}, {"ＡＬＩＣＥ", "alice"}, {"é", "e\u0301"}, {"Straße", "strasse"}}
	for _, p := range same {
		if CanonicalUsername(p[0]) != CanonicalUsername(p[1]) {
			t.Errorf("%q and %q should share a key", p[0], p[1])
		}
	}
	differ := [][2]string{{"аdmin", "admin"}, {"résumé", "resume"}, {"bob", "bob "}}
	for _, p := range differ {
		if CanonicalUsername(p[0]) == CanonicalUsername(p[1]) {
			t.Errorf("%q and %q must not share a key", p[0], p[1])
		}
	}
	if CanonicalEmail("  Alice@Example.COM ") != "alice@example.com" {
		t.Error("email key")
	}
	if CanonicalEmail("") != "" {
		t.Error("empty email")
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"Alice", "ＡＬＩＣＥ", "ß", "ﬁ", "İ", "\u212A", "e\u0301", "\xff", "a@xn--exmple-cua.com", "a@XN--ｘｎ--abc-kva.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := CanonicalUsername(s)
		if CanonicalUsername(k) != k {
			t.Errorf("not idempotent: %q → %q → %q", s, k, CanonicalUsername(k))
		}
		if utf8.ValidString(s) && !utf8.ValidString(k) {
			t.Errorf("invalid UTF-8 from %q", s)
		}
		e := CanonicalEmail(s)
		if CanonicalEmail(e) != e {
			t.Errorf("email key not idempotent for %q", s)
		}
	})
}
