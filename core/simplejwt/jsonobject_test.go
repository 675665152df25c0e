package simplejwt

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

var walkSeeds = []string{
	`{}`, ` { } `, `{"a":1}`, `{"a":"x,}]","b":[1,{"c":"]}"}],"d":null}`,
	`{"a\"b":true, "c" : -1.5e3 ,"d":{"e":[[]]}}`, `{"a":1,"\u0061":2}`, `{"a":1,"a":2}`,
	`[1]`, `"s"`, `{"a":1} {}`, `{"a":1}x`, `{"a":}`, `{"a":1,}`, "{\"a\":\"\xff\"}",
	`{"é":"\ud83d\ude00"}`, "{\"t\":\"a\tb\"}",
	// Strictness edges the single-pass walker checks itself.
	`{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12G4"}`, `{"a":"\ud800"}`, `{"a":"\`, `{"a":"abc`,
	`{"a":"\"\\\/\b\f\n\r\t\u00E9"}`, `{"a":tru}`, `{"a":truex}`, `{"a":True}`, `{"a":nul}`,
	`{"a":[true,false,null]}`, `{"a":1e309}`, `{"a":-0}`, `{"a":1E+2}`, `{"a":01}`, `{"a":-}`,
	`{"a":1.}`, `{"a":.5}`, `{"a":+1}`, `{"a":1e}`, `{"a":1e+}`, `{"a":[1,]}`, `{"a":[1 2]}`,
	`{"a":{"b":1,"b":2}}`, `{"a":{"b" 1}}`, `{"a":{1:2}}`, `{"":1}`, `{"a":1,"\u0061":2}`,
	" \t\r\n{} \t\r\n", "\v{}", "{}\x00", `null`, `{`, `}`, `{"a"}`, `{"a":}`, `{,}`, `{"a":1 "b":2}`,
	`{"a":[[[[[]]]]],"b":{"c":{"d":{}}}}`,
}

// walkObject agrees with encoding/json on every valid UTF-8 object without
// duplicate names, and rejects everything else.
func checkWalk(t *testing.T, in []byte) {
	var got []string
	var vals []json.RawMessage
	err := walkObject(in, func(name, raw []byte) error {
		got = append(got, string(name))
		vals = append(vals, raw)
		return nil
	})
	if !utf8.Valid(in) {
		if err == nil {
			t.Fatalf("walkObject accepted invalid UTF-8 %q", in)
		}
		return // refused on purpose; encoding/json would substitute U+FFFD
	}
	var want map[string]json.RawMessage
	stdErr := json.Unmarshal(in, &want)
	if err != nil {
		if stdErr == nil && len(want) == countMembers(in) {
			t.Fatalf("walkObject rejected %q (%v), encoding/json accepts it without duplicates", in, err)
		}
		return
	}
	if stdErr != nil {
		t.Fatalf("walkObject accepted %q, encoding/json: %v", in, stdErr)
	}
	if len(got) != len(want) {
		t.Fatalf("%q: %d members, encoding/json %d", in, len(got), len(want))
	}
	for i, name := range got {
		w, ok := want[name]
		if !ok || !bytes.Equal(bytes.TrimSpace(w), vals[i]) {
			t.Fatalf("%q: member %q = %s, encoding/json %s", in, name, vals[i], w)
		}
	}
}

// countMembers counts top-level members with a json.Decoder, duplicates
// included.
func countMembers(in []byte) int {
	dec := json.NewDecoder(bytes.NewReader(in))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return -1
	}
	n := 0
	for dec.More() {
		if _, err := dec.Token(); err != nil {
			return -1
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return -1
		}
		n++
	}
	return n
}

func TestWalkObject(t *testing.T) {
	for _, s := range walkSeeds {
		checkWalk(t, []byte(s))
	}
	for _, dup := range []string{`{"a":1,"a":2}`, `{"a":1,"\u0061":2}`} {
		if err := walkObject([]byte(dup), func(_, _ []byte) error { return nil }); err != errDuplicate {
			t.Fatalf("%s: %v, want errDuplicate", dup, err)
		}
	}
}

// Nesting is limited exactly where encoding/json limits it.
func TestWalkObjectDepth(t *testing.T) {
	for _, arrays := range []int{maxDepth - 2, maxDepth - 1, maxDepth, maxDepth + 1} {
		doc := []byte(`{"a":` + strings.Repeat("[", arrays) + strings.Repeat("]", arrays) + `}`)
		err := walkObject(doc, func(_, _ []byte) error { return nil })
		if (err == nil) != json.Valid(doc) {
			t.Fatalf("%d nested arrays: walkObject %v, json.Valid %v", arrays, err, json.Valid(doc))
		}
		checkWalk(t, doc)
	}
}

// Names without escapes and values alias the document: walking a token's
// payload allocates nothing.
func TestWalkObjectAllocations(t *testing.T) {
	doc := []byte(payload(member{"fam", `"f"`}, member{"x", `{"a":[1,true,null,"s"]}`}))
	allocs := testing.AllocsPerRun(100, func() {
		if err := walkObject(doc, func(_, _ []byte) error { return nil }); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations, want 0", allocs)
	}
}

func FuzzWalkObject(f *testing.F) {
	for _, s := range walkSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkWalk)
}

// Duplicates are caught on both sides of the switch to a map.
func TestNameSet(t *testing.T) {
	for _, n := range []int{3, 12, 13, 40} {
		var s nameSet
		for i := range n {
			if !s.add([]byte(string(rune('A' + i)))) {
				t.Fatalf("n=%d: %d reported as duplicate", n, i)
			}
		}
		for i := range n {
			if s.add([]byte(string(rune('A' + i)))) {
				t.Fatalf("n=%d: duplicate %d missed", n, i)
			}
		}
	}
}
