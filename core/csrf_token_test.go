package core

import (
	"strings"
	"testing"
)

// TestNewCSRFToken: the one-read token is a masked token of a random
// secret like maskCSRFSecret(randomCSRFString(32)): 64 characters of the
// alphabet, unmasking to a valid secret, different each time, and every
// character of the alphabet turns up in both halves.
func TestNewCSRFToken(t *testing.T) {
	seen := map[string]bool{}
	var maskChars, cipherChars [256]bool
	for range 2000 {
		tok := newCSRFToken()
		if len(tok) != csrfTokenLength || !validCSRFToken(tok) {
			t.Fatalf("token %q", tok)
		}
		secret, ok := csrfSecretOf(tok)
		if !ok || !csrfTokensMatch(tok, secret) || maskCSRFSecretWith(secret, tok[:csrfSecretLength]) != tok {
			t.Fatalf("token %q does not unmask and mask back (secret %q)", tok, secret)
		}
		if seen[secret] {
			t.Fatalf("secret %q drawn twice", secret)
		}
		seen[secret] = true
		for i := 0; i < csrfSecretLength; i++ {
			maskChars[tok[i]] = true
			cipherChars[tok[csrfSecretLength+i]] = true
		}
	}
	for i := 0; i < len(csrfChars); i++ {
		if c := csrfChars[i]; !maskChars[c] || !cipherChars[c] {
			t.Errorf("%q never drawn", c)
		}
	}
}

// TestCSRFCharIndex matches the position of every byte in csrfChars.
func TestCSRFCharIndex(t *testing.T) {
	for c := 0; c < 256; c++ {
		if got, want := csrfCharIndex(byte(c)), strings.IndexByte(csrfChars, byte(c)); got != want {
			t.Errorf("csrfCharIndex(%q) = %d, want %d", byte(c), got, want)
		}
	}
	if s := randomCSRFString(csrfSecretLength); len(s) != csrfSecretLength || !validCSRFToken(s) {
		t.Errorf("randomCSRFString: %q", s)
	}
}
