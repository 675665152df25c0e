package core

import (
	"strings"
	"testing"
)

// acceptsJSONSplit is acceptsJSON as it was written before it stopped
// splitting the header into slices: the oracle of FuzzAcceptsJSON.
func acceptsJSONSplit(values []string) bool {
	if len(values) == 0 {
		return true
	}
	qZero := func(params []string) bool {
		for _, p := range params {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "q") {
				v = strings.TrimRight(strings.TrimSpace(v), "0")
				return v == "" || v == "." || v == "0." || v == "0"
			}
		}
		return false
	}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			fields := strings.Split(part, ";")
			mt := strings.ToLower(strings.TrimSpace(fields[0]))
			if qZero(fields[1:]) {
				continue
			}
			switch mt {
			case "", "*/*", "application/*", "application/json", "text/html":
				return true
			}
		}
	}
	return false
}

// FuzzAcceptsJSON holds acceptsJSON to the split-based original on one
// or two header lines.
func FuzzAcceptsJSON(f *testing.F) {
	for _, s := range []string{
		"", ",", ";", "application/json", "APPLICATION/JSON", "application/json;q=0", "application/json; Q = 0.000",
		"application/json;q=0.5;q=0", "text/plain;q=0,application/json", "text/html,application/xhtml+xml,*/*;q=0.8",
		"application/xml", " ; q=0", "*/*;q=0.", "application/jſon", "\u212Aelvin/json", "text/\xffhtml", "application/*;level=1",
	} {
		f.Add(s, "")
		f.Add(s, "application/xml")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, values := range [][]string{{a}, {a, b}} {
			if got, want := acceptsJSON(values), acceptsJSONSplit(values); got != want {
				t.Fatalf("acceptsJSON(%q) = %v, want %v", values, got, want)
			}
		}
	})
}
