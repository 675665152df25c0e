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

// externalGroups are the groups of the threat model whose cases run in
// another module's suite, with the test there that checks the document
// lists exactly its cases: social login is a module of its own, and its
// suite runs through the adapters and databases of the integration
// module.
var externalGroups = map[string]string{
	"T-SOC": "social's TestHostileIDs (social/socialtest)",
	"T-DJ":  "integration's TestDjangoHostileIDs",
}

// The suite's catalogue and the threat model list the same cases, each
// once, in the same order: a case added to one must be added to the other.
// The cases of externalGroups are left to their own module's check.
func TestHostileIDs(t *testing.T) {
	f, err := os.Open(threatModel)
	if err != nil {
		t.Fatalf("the threat model: %v", err)
	}
	defer f.Close()
	row := regexp.MustCompile(`^\| ((T-[A-Z]+)-\d\d) \|`)
	var documented []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			if _, ok := externalGroups[m[2]]; ok {
				continue
			}
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
