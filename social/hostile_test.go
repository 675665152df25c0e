package social_test

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/restauth/restauth/social/socialtest"
)

// TestHostileIDs: the threat model's group N (social login) and the
// cases socialtest.Run runs are the same, each once, in the same order.
// core/authtest's own check leaves group N to this one.
func TestHostileIDs(t *testing.T) {
	f, err := os.Open("../docs/threat-model.md")
	if err != nil {
		t.Fatalf("the threat model: %v", err)
	}
	defer f.Close()
	row := regexp.MustCompile(`^\| (T-SOC-\d\d) \|`)
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
	if ids := socialtest.HostileIDs(); !slices.Equal(documented, ids) {
		t.Errorf("the threat model lists %v, the suite runs %v", documented, ids)
	}
}
