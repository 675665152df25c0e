package simplejwt

import (
	"testing"
)

func BenchmarkParseHS256(b *testing.B) {
	c := mustNew(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Parse(katToken, Access); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMintHS256(b *testing.B) {
	c := mustNew(b)
	cl := katClaims()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Mint(cl); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseEdDSA(b *testing.B) {
	c := mustNew(b, withEdDSA)
	token, err := c.Mint(katClaims())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Parse(token, Access); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseTooLong(b *testing.B) {
	c := mustNew(b)
	token := string(make([]byte, 16<<10))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Parse(token, Access); err != ErrTooLong {
			b.Fatal(err)
		}
	}
}
