package authtest

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"testing"
)

// threatModel is the repository's catalogue of hostile cases, one table
// row per case whose first cell is the ID.
const threatModel = "../../docs/threat-model.md"

// The suite's catalogue and the threat model list the same cases, each
// once, in the same order: a case added to one must be added to the other.
func TestHostileIDs(t *testing.T) {
	f, err := os.Open(threatModel)
	if err != nil {
		t.Fatalf("the threat model: %v", err)
	}
	defer f.Close()
	row := regexp.MustCompile(`^\| (T-[A-Z]+-\d\d) \|`)
	var documented []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			documented = append(documented, m[1])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(documented, hostileIDs[:]) {
		t.Errorf("%s lists %d cases, the suite %d, or in another order:\n doc   %v\n suite %v",
			threatModel, len(documented), len(hostileIDs), documented, hostileIDs)
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
