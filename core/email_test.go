package core

import (
	"strings"
	"testing"
	"time"
)

func TestValidEmail(t *testing.T) {
	good := []string{"alice@example.com", "a.b+tag@sub.example.co", "x@localhost", `"quoted"@example.com`, `"q\\\"x"@example.com`,
		"user@exämple.com", "o'brien@example.ie"}
	bad := []string{"", "notanemail", "@example.com", "alice@", "alice@example", "a@b.c", "a..b@example.com",
		"a@-example.com", "a@example.com\r\nBcc: x@evil.example", "a b@example.com", "a@exa_mple.com", `"quoted local"@example.com`,
		strings.Repeat("a", 250) + "@example.com", "a@@example.com"}
	for _, s := range good {
		if !validEmail(s) {
			t.Errorf("validEmail(%q) = false", s)
		}
	}
	for _, s := range bad {
		if validEmail(s) {
			t.Errorf("validEmail(%q) = true", s)
		}
	}
}

func TestValidEmailHostileInputIsFast(t *testing.T) {
	hostile := []string{"a@" + strings.Repeat("a.", 100000) + "com", strings.Repeat("a", 1<<20) + "@example.com"}
	for _, s := range hostile {
		start := time.Now()
		if validEmail(s) {
			t.Error("accepted a hostile address")
		}
		if d := time.Since(start); d > 50*time.Millisecond {
			// Not a timing assertion on the happy path: the length check
			// makes this constant; a regression would take seconds.
			t.Errorf("took %v", d)
		}
	}
}
