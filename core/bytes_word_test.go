package core

import "testing"

// TestHasByteAtMostSpace checks the word test against the byte test for
// every byte value in every position, and for pairs that could fool a
// borrow.
func TestHasByteAtMostSpace(t *testing.T) {
	base := "AAAAAAAA"
	if hasByteAtMostSpace(load64(base, 0)) {
		t.Fatal("a word of 'A's has a low byte")
	}
	for pos := range 8 {
		for b := range 256 {
			w := []byte(base)
			w[pos] = byte(b)
			if got, want := hasByteAtMostSpace(load64(string(w), 0)), b <= ' '; got != want {
				t.Fatalf("byte %#x at %d: got %v, want %v", b, pos, got, want)
			}
		}
	}
	for b1 := range 256 {
		for b2 := range 256 {
			w := []byte{'A', byte(b1), byte(b2), 'A', 'A', 'A', 'A', 'A'}
			if got, want := hasByteAtMostSpace(load64(string(w), 0)), b1 <= ' ' || b2 <= ' '; got != want {
				t.Fatalf("bytes %#x %#x: got %v, want %v", b1, b2, got, want)
			}
		}
	}
}

func TestLoad64(t *testing.T) {
	if got := load64("xx\x01\x02\x03\x04\x05\x06\x07\x08", 2); got != 0x0807060504030201 {
		t.Fatalf("load64 = %#x", got)
	}
}
