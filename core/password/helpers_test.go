package password

import "testing"

// Cheap hashers for every non-KAT test.

func mustArgon2(t testing.TB, p Argon2Params) *Argon2 {
	t.Helper()
	h, err := NewArgon2(p)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func fastArgon2(t testing.TB) *Argon2 { return mustArgon2(t, FastArgon2Params()) }

func fastPBKDF2(t testing.TB, alg string) *PBKDF2 {
	t.Helper()
	h, err := NewPBKDF2(alg, MinPBKDF2Iterations)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func fastBcrypt(t testing.TB) *Bcrypt {
	t.Helper()
	h, err := NewBcrypt(MinBcryptCost)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func fastPlainBcrypt(t testing.TB) *Bcrypt {
	t.Helper()
	h, err := NewPlainBcrypt(MinBcryptCost)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// fastHashers returns one cheap hasher of every supported algorithm.
func fastHashers(t testing.TB) []Hasher {
	return []Hasher{
		fastArgon2(t),
		fastPBKDF2(t, "pbkdf2_sha256"),
		fastPBKDF2(t, "pbkdf2_sha1"),
		fastBcrypt(t),
		fastPlainBcrypt(t),
	}
}

// fastPolicy returns a Policy whose preferred hasher is a counting fast
// argon2 and whose verifiers are all cheap.
func fastPolicy(t testing.TB, opts ...Option) (*Policy, *CountingHasher) {
	t.Helper()
	c := NewCountingHasher(fastArgon2(t))
	hs := fastHashers(t)
	all := append([]Option{WithHasher(c), WithVerifiers(hs[1:]...)}, opts...)
	p, err := NewPolicy(all...)
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}
