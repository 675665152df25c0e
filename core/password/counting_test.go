package password

import (
	"errors"
	"strings"
	"testing"
)

func TestCountingHasher(t *testing.T) {
	inner := fastPlainBcrypt(t)
	c := NewCountingHasher(inner)
	if c.Unwrap() != Hasher(inner) || c.Algorithm() != "bcrypt" || c.Cost() != inner.Cost() {
		t.Fatal("CountingHasher does not forward")
	}
	enc, _ := c.Hash("pw")
	c.Verify("pw", enc)
	c.Verify("pw", "bcrypt$garbage")                                                    // rejected before hashing
	if _, err := c.Hash(strings.Repeat("x", 73)); !errors.Is(err, ErrPasswordTooLong) { // refused
		t.Fatal(err)
	}
	if c.Count() != 2 || c.Calls() != 4 {
		t.Errorf("Count %d, Calls %d; want 2, 4", c.Count(), c.Calls())
	}
	_ = c.NeedsRehash(enc)
	if c.Calls() != 4 {
		t.Error("NeedsRehash was counted")
	}
	if c.EncodedCost(enc) != inner.Cost() {
		t.Error("EncodedCost of a non-EncodedCoster")
	}
	a := NewCountingHasher(fastArgon2(t))
	big := makeArgon2("argon2id", 1024, 1, 1, "abcdefghijklmnopqrstuv", 16, "pw")
	if a.EncodedCost(big).MemoryBytes != 1024*1024 {
		t.Error("EncodedCost not forwarded")
	}
	c.Reset()
	if c.Count() != 0 || c.Calls() != 0 {
		t.Error("Reset")
	}
}

func TestCountingHasherUnusable(t *testing.T) {
	c := NewCountingHasher(fastArgon2(t))
	c.Verify("pw", MakeUnusable())
	if c.Count() != 0 || c.Calls() != 1 {
		t.Errorf("Count %d, Calls %d", c.Count(), c.Calls())
	}
}
