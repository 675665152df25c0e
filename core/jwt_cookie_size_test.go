package core

import (
	"strings"
	"testing"
)

// A configuration whose JWT cookies would exceed what browsers keep is
// refused at startup, at the exact boundary. (nopStore is no RefreshStore:
// New checks the cookie size before that, and only size errors count.)
func TestJWTCookieSizeChecked(t *testing.T) {
	secret := []byte("0123456789abcdefghijklmnopqrstuvwxyzABCD")
	build := func(issuer string, noCookies bool) error {
		_, err := New(Config{Store: nopStore{}, SecretKey: secret, Methods: []Method{MethodJWT},
			JWT: JWTConfig{Issuer: issuer, DisableCookies: noCookies}})
		if err != nil && !strings.Contains(err.Error(), "4096") {
			return nil // fails later, for the test store's lack of RefreshStore
		}
		return err
	}
	// Find the longest issuer that still fits (binary search): every byte
	// of it adds 4/3 bytes of base64 to both tokens.
	fits, over := 0, 4096
	for over-fits > 1 {
		mid := (fits + over) / 2
		if build(strings.Repeat("i", mid), false) == nil {
			fits = mid
		} else {
			over = mid
		}
	}
	if fits < 2000 || fits >= 3100 {
		t.Fatalf("longest issuer that fits: %d bytes", fits)
	}
	err := build(strings.Repeat("i", fits+1), false)
	if err == nil || !strings.Contains(err.Error(), "4096") || !strings.Contains(err.Error(), `"access"`) && !strings.Contains(err.Error(), `"refresh"`) {
		t.Errorf("over the limit: %v", err)
	}
	if err := build(strings.Repeat("i", fits+4), true); err != nil {
		t.Errorf("header-only JWT has no cookie limit: %v", err)
	}
}
