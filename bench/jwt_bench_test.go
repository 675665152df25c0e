package bench

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"github.com/restauth/restauth/core/simplejwt"
)

// BenchmarkJWTParse is the token codec alone: the signature check and the
// strict claim decoding every JWT-authenticated request pays.
func BenchmarkJWTParse(b *testing.B) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	for _, k := range []simplejwt.Key{
		{Algorithm: "HS256", Secret: []byte("0123456789abcdef0123456789abcdef")},
		{Algorithm: "EdDSA", Private: priv},
	} {
		b.Run(k.Algorithm, func(b *testing.B) {
			c, err := simplejwt.New(simplejwt.Config{SigningKey: k})
			if err != nil {
				b.Fatal(err)
			}
			access, _, _, _, err := c.NewPair(42, simplejwt.NewJTI(), nil, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := c.Parse(access, simplejwt.Access); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
