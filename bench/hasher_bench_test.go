package bench

import (
	"context"
	"testing"

	"github.com/restauth/restauth/bench/internal/fixture"
	"github.com/restauth/restauth/core/password"
)

// hashers are the Django formats at production parameters, and the cheap
// argon2 the login benchmark uses.
func hashers(b *testing.B) map[string]password.Hasher {
	fast, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		b.Fatal(err)
	}
	return map[string]password.Hasher{
		"argon2id-default":      password.DefaultArgon2(), // m=19 MiB, t=2, p=1
		"argon2id-fast":         fast,
		"pbkdf2_sha256-1000000": password.DefaultPBKDF2(),
		"bcrypt_sha256-12":      password.DefaultBcrypt(),
	}
}

// hasherOrder keeps the output stable.
var hasherOrder = []string{"argon2id-default", "argon2id-fast", "pbkdf2_sha256-1000000", "bcrypt_sha256-12"}

// BenchmarkHasher measures one hash and one verification per format.
// Verification is what a login costs; the production ones take tens to
// hundreds of milliseconds per operation.
func BenchmarkHasher(b *testing.B) {
	hs := hashers(b)
	for _, name := range hasherOrder {
		h := hs[name]
		b.Run(name+"/hash", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := h.Hash(fixture.Password); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/verify", func(b *testing.B) {
			encoded, err := h.Hash(fixture.Password)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if ok, err := h.Verify(fixture.Password, encoded); !ok || err != nil {
					b.Fatalf("verify: %v %v", ok, err)
				}
			}
		})
	}
}

// BenchmarkPolicyCheck is the default policy's Check of a default argon2
// hash: the hash plus parsing and the limiter, exactly what login spends.
func BenchmarkPolicyCheck(b *testing.B) {
	p, err := password.NewPolicy()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	encoded, err := p.Make(ctx, fixture.Password)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if ok, rehash, err := p.Check(ctx, fixture.Password, encoded); !ok || rehash || err != nil {
			b.Fatalf("check: %v %v %v", ok, rehash, err)
		}
	}
}
