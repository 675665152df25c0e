package password

import (
	"testing"
)

// TestHardenPadsToCurrentWork checks the padding of each hasher: the work
// of the verification plus the padding equals one verification at the
// current parameters, and nothing is padded for current, costlier or
// foreign hashes.
func TestHardenPadsToCurrentWork(t *testing.T) {
	t.Run("pbkdf2 iterations", func(t *testing.T) {
		cur, _ := NewPBKDF2("pbkdf2_sha256", 3000)
		old, _ := NewPBKDF2("pbkdf2_sha256", 1000)
		more, _ := NewPBKDF2("pbkdf2_sha256", 5000)
		h1, _ := old.Hash("pw")
		h3, _ := cur.Hash("pw")
		h5, _ := more.Hash("pw")
		for enc, want := range map[string]int{h1: 2000, h3: 0, h5: 0, "pbkdf2_sha1$1000$salt$x": 0, "garbage": 0} {
			if got := cur.hardenIterations(enc); got != want {
				t.Errorf("hardenIterations(%.20s…) = %d, want %d", enc, got, want)
			}
		}
	})
	t.Run("bcrypt rounds", func(t *testing.T) {
		cur, _ := NewBcrypt(MinBcryptCost + 2)
		old := fastBcrypt(t)
		h4, _ := old.Hash("pw")
		h6, _ := cur.Hash("pw")
		// 1 verification at cost 4 + 3 more = 4·2^4 = 2^6 rounds.
		if n, cost := cur.hardenHashes(h4); n != 3 || cost != MinBcryptCost {
			t.Errorf("hardenHashes(cost 4) = %d at cost %d, want 3 at cost 4", n, cost)
		}
		if n, _ := cur.hardenHashes(h6); n != 0 {
			t.Errorf("hardenHashes(current) = %d", n)
		}
		if n, _ := old.hardenHashes(h6); n != 0 {
			t.Errorf("hardenHashes(costlier) = %d", n)
		}
	})
	t.Run("argon2 blocks", func(t *testing.T) {
		cur := mustArgon2(t, Argon2Params{MemoryKiB: 64, Time: 2, Parallelism: 1, KeyLen: 32})
		salt := "abcdefghijklmnopqrstuv"
		for _, tc := range []struct {
			m, tm uint32
			p     uint8
			want  uint32 // 0: no padding
		}{
			{32, 1, 1, 48},  // 128 − 32 = 96 blocks as t=2 passes of 48
			{64, 1, 1, 32},  // 64 more
			{120, 1, 1, 8},  // 8 blocks: the smallest legal memory
			{64, 2, 1, 0},   // current
			{64, 2, 2, 0},   // other lanes, same work
			{256, 2, 1, 0},  // costlier (a Django-made hash)
			{16, 1, 1, 56},  // 112 blocks
			{127, 1, 1, 8},  // 1 block, rounded up to the minimum
			{128, 1, 1, 0},  // same work in one pass
			{64, 1, 8, 32},  // p does not change the work
			{100, 1, 1, 14}, // ceil(28/2)
		} {
			enc := makeArgon2("argon2id", tc.m, tc.tm, tc.p, salt, 16, "pw")
			m, ok := cur.hardenMemory(enc)
			if ok != (tc.want != 0) || m != tc.want {
				t.Errorf("m=%d,t=%d,p=%d: hardenMemory = %d, %v; want %d", tc.m, tc.tm, tc.p, m, ok, tc.want)
			}
		}
		if _, ok := cur.hardenMemory("argon2$garbage"); ok {
			t.Error("malformed hash padded")
		}
	})
	t.Run("runs without panicking on anything", func(t *testing.T) {
		for _, h := range fastHashers(t) {
			hd := h.(Hardener)
			for _, enc := range []string{"", "!", "garbage", "argon2$argon2id$v=19$m=8,t=1,p=1$YWJjZGVmZ2g$YWJjZA", "bcrypt$$2b$04$" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} {
				hd.HardenRuntime("pw", enc)
			}
		}
	})
}

// TestPolicyHardensOutdatedFailures checks CVE-2016-2513's fix through a
// Policy: a wrong password against an outdated hash of the preferred
// algorithm is padded once; a right one, a current hash, or a hash of
// another algorithm is not.
func TestPolicyHardensOutdatedFailures(t *testing.T) {
	ctx := t.Context()
	cur, _ := NewPBKDF2("pbkdf2_sha256", 2000)
	c := NewCountingHasher(cur)
	p, err := NewPolicy(WithHasher(c), WithVerifiers(fastArgon2(t)))
	if err != nil {
		t.Fatal(err)
	}
	old := fastPBKDF2(t, "pbkdf2_sha256")
	outdated, _ := old.Hash("right")
	current, _ := cur.Hash("right")
	foreign, _ := fastArgon2(t).Hash("right")
	for _, tc := range []struct {
		name, pw, enc string
		ok            bool
		hashes        int64
		hardened      int64
	}{
		{"outdated, wrong password", "wrong", outdated, false, 1, 1},
		{"outdated, right password", "right", outdated, true, 1, 0},
		{"current, wrong password", "wrong", current, false, 1, 0},
		{"other algorithm, wrong password", "wrong", foreign, false, 0, 0},
		{"unusable", "wrong", MakeUnusable(), false, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.Reset()
			ok, _, err := p.Check(ctx, tc.pw, tc.enc)
			if err != nil || ok != tc.ok {
				t.Fatalf("Check = %v, %v; want %v", ok, err, tc.ok)
			}
			if c.Count() != tc.hashes || c.Hardened() != tc.hardened {
				t.Errorf("hashes %d, hardened %d; want %d, %d", c.Count(), c.Hardened(), tc.hashes, tc.hardened)
			}
		})
	}
}
