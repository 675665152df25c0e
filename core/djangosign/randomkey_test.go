package djangosign

import "testing"

func TestRandomKey(t *testing.T) {
	seen := make(map[string]bool)
	counts := make(map[rune]int)
	for range 200 {
		k := RandomKey()
		if len(k) != RandomKeyLen {
			t.Fatalf("length %d", len(k))
		}
		for _, c := range k {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				t.Fatalf("character %q", c)
			}
			counts[c]++
		}
		if seen[k] {
			t.Fatal("repeated key")
		}
		seen[k] = true
	}
	if len(counts) != 36 {
		t.Errorf("only %d distinct characters in 12800", len(counts))
	}
}
