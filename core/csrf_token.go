package core

import (
	"crypto/rand"
	"crypto/subtle"
)

// Django's CSRF token format: a 32-character secret over [a-zA-Z0-9],
// sent masked as 64 characters (mask + cipher) so that the value changes
// on every response (BREACH), or bare as 32 (Django ≥ 4.1 cookies).
const (
	csrfChars        = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	csrfSecretLength = 32
	csrfTokenLength  = 2 * csrfSecretLength
)

// csrfCharIndex returns the position of c in csrfChars, or -1 when c is
// not one of them: arithmetic instead of a search of the 62-byte alphabet
// (strings.IndexByte per character made validating a cookie cost more
// than the rest of its handling).
func csrfCharIndex(c byte) int {
	switch {
	case 'a' <= c && c <= 'z':
		return int(c - 'a')
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 26
	case '0' <= c && c <= '9':
		return int(c-'0') + 52
	}
	return -1
}

// randomCSRFIndexes fills dst with uniform random positions in csrfChars:
// one crypto/rand read per 2×len(dst) bytes (refilled in the rare case
// that too many are rejected), bytes at or above the largest multiple of
// 62 rejected (per-character big.Int draws cost a third of a Bearer
// request's CPU: bench/NOTES.md, finding F3). len(dst) is at most
// csrfTokenLength.
func randomCSRFIndexes(dst []byte) {
	const limit = 256 - 256%len(csrfChars) // 248
	var buf [2 * csrfTokenLength]byte
	raw := buf[:2*len(dst)]
	n := 0
	for n < len(dst) {
		if _, err := rand.Read(raw); err != nil {
			panic("restauth: crypto/rand failed: " + err.Error())
		}
		for _, b := range raw {
			if int(b) < limit && n < len(dst) {
				dst[n] = b % byte(len(csrfChars))
				n++
			}
		}
	}
}

// randomCSRFString returns n characters from csrfChars, uniformly (see
// randomCSRFIndexes); n is at most csrfTokenLength.
func randomCSRFString(n int) string {
	var buf [csrfTokenLength]byte
	out := buf[:n]
	randomCSRFIndexes(out)
	for i, x := range out {
		out[i] = csrfChars[x]
	}
	return string(out)
}

// newCSRFToken returns a masked token (64 characters) of a new random
// secret, as maskCSRFSecret(randomCSRFString(csrfSecretLength)) does, from
// one crypto/rand read and with one allocation, for the csrftoken cookie
// handed to a client that has none.
func newCSRFToken() string {
	var idx [csrfTokenLength]byte // the secret's positions, then the mask's
	randomCSRFIndexes(idx[:])
	var tok [csrfTokenLength]byte // mask, then cipher
	for i := 0; i < csrfSecretLength; i++ {
		s, m := idx[i], idx[csrfSecretLength+i]
		tok[i] = csrfChars[m]
		tok[csrfSecretLength+i] = csrfChars[(int(s)+int(m))%len(csrfChars)]
	}
	return string(tok[:])
}

// maskCSRFSecret returns the 64-character masked form of secret with a
// fresh random mask.
func maskCSRFSecret(secret string) string {
	return maskCSRFSecretWith(secret, randomCSRFString(csrfSecretLength))
}

// maskCSRFSecretWith is Django's _mask_cipher_secret with a given mask.
func maskCSRFSecretWith(secret, mask string) string {
	var tok [csrfTokenLength]byte
	copy(tok[:], mask)
	for i := 0; i < csrfSecretLength; i++ {
		x := csrfCharIndex(secret[i]) + csrfCharIndex(mask[i])
		tok[csrfSecretLength+i] = csrfChars[x%len(csrfChars)]
	}
	return string(tok[:])
}

// validCSRFToken reports whether csrfSecretOf accepts token, without
// unmasking it.
func validCSRFToken(token string) bool {
	if len(token) != csrfTokenLength && len(token) != csrfSecretLength {
		return false
	}
	for i := 0; i < len(token); i++ {
		if csrfCharIndex(token[i]) < 0 {
			return false
		}
	}
	return true
}

// csrfSecretOf returns the secret inside a submitted or stored token: a
// 64-character token is unmasked, a 32-character one is the secret itself.
// Anything else, or any character outside [a-zA-Z0-9], is invalid.
func csrfSecretOf(token string) (string, bool) {
	if !validCSRFToken(token) {
		return "", false
	}
	if len(token) == csrfSecretLength {
		return token, true
	}
	mask, cipher := token[:csrfSecretLength], token[csrfSecretLength:]
	var secret [csrfSecretLength]byte
	n := len(csrfChars)
	for i := 0; i < csrfSecretLength; i++ {
		x := csrfCharIndex(cipher[i]) - csrfCharIndex(mask[i])
		secret[i] = csrfChars[((x%n)+n)%n]
	}
	return string(secret[:]), true
}

// csrfTokensMatch compares the secrets of two tokens in constant time.
func csrfTokensMatch(a, b string) bool {
	sa, ok1 := csrfSecretOf(a)
	sb, ok2 := csrfSecretOf(b)
	return ok1 && ok2 && subtle.ConstantTimeCompare([]byte(sa), []byte(sb)) == 1
}
