package simplejwt

import (
	"strings"
	"sync"
	"testing"
)

// The pooled HMACs are shared by concurrent Parse calls: authentic and
// forged tokens, under the current and a previous key, interleaved from
// several goroutines, each get their own answer (run with -race).
func TestParseConcurrentPooledMAC(t *testing.T) {
	const previous = "an-older-hmac-secret-0123456789abcdef"
	c := mustNew(t, func(cfg *Config) {
		cfg.SigningKey.ID = "new"
		cfg.PreviousKeys = []Key{{ID: "old", Secret: []byte(previous)}}
	})
	oldHeader := `{"alg":"HS256","kid":"old","typ":"JWT"}`
	tokens := map[string]error{
		forge(t, "HS256", []byte(katSecret), `{"alg":"HS256","kid":"new","typ":"JWT"}`, payload()):                    nil,
		forge(t, "HS256", []byte(previous), oldHeader, payload()):                                                     nil,
		forge(t, "HS256", []byte(katSecret), oldHeader, payload()):                                                    ErrBadSignature,
		forge(t, "HS256", []byte(previous), oldHeader, payload(member{"pad", `"` + strings.Repeat("x", 5000) + `"`})): nil,
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 200 {
				for token, want := range tokens {
					if _, err := c.Parse(token, Access); err != want {
						t.Errorf("Parse: %v, want %v", err, want)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}
