package simplejwt

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

var walkSeeds = []string{
	`{}`, ` { } `, `{"a":1}`, `{"a":"x,}]","b":[1,{"c":"]}"}],"d":null}`,
	`{"a\"b":true, "c" : -1.5e3 ,"d":{"e":[[]]}}`, `{"a":1,"\u0061":2}`, `{"a":1,"a":2}`,
	`[1]`, `"s"`, `{"a":1} {}`, `{"a":1}x`, `{"a":}`, `{"a":1,}`, "{\"a\":\"\xff\"}",
	`{"é":"\ud83d\ude00"}`, "{\"t\":\"a\tb\"}",
}

// walkObject agrees with encoding/json on every valid UTF-8 object without
// duplicate names, and rejects everything else.
func checkWalk(t *testing.T, in []byte) {
	var got []string
	var vals []json.RawMessage
	err := walkObject(in, func(name string, raw json.RawMessage) error {
		got = append(got, name)
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
		if err := walkObject([]byte(dup), func(string, json.RawMessage) error { return nil }); err != errDuplicate {
			t.Fatalf("%s: %v, want errDuplicate", dup, err)
		}
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
			if !s.add(string(rune('A' + i))) {
				t.Fatalf("n=%d: %d reported as duplicate", n, i)
			}
		}
		for i := range n {
			if s.add(string(rune('A' + i))) {
				t.Fatalf("n=%d: duplicate %d missed", n, i)
			}
		}
	}
}
