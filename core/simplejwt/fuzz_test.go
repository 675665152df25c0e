package simplejwt

import (
	"testing"
)

// FuzzParse feeds arbitrary strings to Parse with the known-answer codec.
// Parse must never panic, and must accept only tokens Mint produces with a
// configured key: re-minting the returned claims must give back exactly
// the input. The seed corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	c := mustNew(f)
	f.Add(katToken)
	f.Fuzz(func(t *testing.T, token string) {
		for _, want := range []TokenType{"", Access, Refresh} {
			cl, err := c.Parse(token, want)
			if err != nil {
				if cl != nil {
					t.Fatal("claims returned with an error")
				}
				if Reason(err) == "" {
					t.Fatalf("Parse returned a foreign error %T", err)
				}
				continue
			}
			again, err := c.Mint(*cl)
			if err != nil {
				t.Fatalf("accepted claims cannot be re-minted: %v", err)
			}
			if again != token {
				t.Fatalf("accepted a token Mint did not produce:\n%q\n%q", token, again)
			}
		}
	})
}
