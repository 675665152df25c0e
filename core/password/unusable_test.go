package password

import (
	"regexp"
	"testing"
)

func TestMakeUnusable(t *testing.T) {
	re := regexp.MustCompile(`^![a-zA-Z0-9]{40}$`)
	a, b := MakeUnusable(), MakeUnusable()
	if !re.MatchString(a) || a == b {
		t.Fatalf("MakeUnusable = %q, %q", a, b)
	}
	for _, h := range fastHashers(t) {
		if ok, err := h.Verify("", a); ok || err != nil {
			t.Errorf("%s.Verify(unusable) = %v, %v", h.Algorithm(), ok, err)
		}
	}
}

func TestIsUsable(t *testing.T) {
	for enc, want := range map[string]bool{
		"":                             false,
		"!":                            false,
		"!abc":                         false,
		MakeUnusable():                 false,
		"pbkdf2_sha256$1000$salt$hash": true,
		"garbage":                      true, // usable but malformed: Verify reports it
	} {
		if got := IsUsable(enc); got != want {
			t.Errorf("IsUsable(%q) = %v", enc, got)
		}
	}
}

func TestRandomStringUniform(t *testing.T) {
	counts := map[rune]int{}
	for i := 0; i < 200; i++ {
		for _, r := range randomString(62) {
			counts[r]++
		}
	}
	if len(counts) != 62 {
		t.Fatalf("saw %d distinct characters, want 62", len(counts))
	}
	for r, n := range counts {
		// Expected 200 each; a biased or broken generator falls far out.
		if n < 100 || n > 320 {
			t.Errorf("character %q drawn %d times", r, n)
		}
	}
}
