package authtest

import (
	"regexp"
	"testing"
)

// The catalogue holds security.md §3's 146 cases, each once.
func TestHostileIDs(t *testing.T) {
	if len(hostileIDs) != 151 {
		t.Errorf("%d hostile cases, the catalogue has 151", len(hostileIDs))
	}
	id := regexp.MustCompile(`^T-[A-Z]+-\d\d$`)
	seen := map[string]bool{}
	for _, h := range hostileIDs {
		if !id.MatchString(h) || seen[h] {
			t.Errorf("bad or repeated case ID %q", h)
		}
		seen[h] = true
	}
}
