package core

import (
	"crypto/rand"
	"crypto/subtle"
	"strings"
)

// Django's CSRF token format: a 32-character secret over [a-zA-Z0-9],
// sent masked as 64 characters (mask + cipher) so that the value changes
// on every response (BREACH), or bare as 32 (Django ≥ 4.1 cookies).
const (
	csrfChars        = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	csrfSecretLength = 32
	csrfTokenLength  = 2 * csrfSecretLength
)

// randomCSRFString returns n characters from csrfChars, uniformly: one
// crypto/rand read, bytes at or above the largest multiple of 62 rejected
// (per-character big.Int draws cost a third of a Bearer request's CPU:
// bench/NOTES.md, finding F3).
func randomCSRFString(n int) string {
	const limit = 256 - 256%len(csrfChars) // 248
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic("restauth: crypto/rand failed: " + err.Error())
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, csrfChars[int(b)%len(csrfChars)])
			}
		}
	}
	return string(out)
}

// maskCSRFSecret returns the 64-character masked form of secret with a
// fresh random mask.
func maskCSRFSecret(secret string) string {
	return maskCSRFSecretWith(secret, randomCSRFString(csrfSecretLength))
}

// maskCSRFSecretWith is Django's _mask_cipher_secret with a given mask.
func maskCSRFSecretWith(secret, mask string) string {
	cipher := make([]byte, csrfSecretLength)
	for i := 0; i < csrfSecretLength; i++ {
		x := strings.IndexByte(csrfChars, secret[i]) + strings.IndexByte(csrfChars, mask[i])
		cipher[i] = csrfChars[x%len(csrfChars)]
	}
	return mask + string(cipher)
}

// csrfSecretOf returns the secret inside a submitted or stored token: a
// 64-character token is unmasked, a 32-character one is the secret itself.
// Anything else, or any character outside [a-zA-Z0-9], is invalid.
func csrfSecretOf(token string) (string, bool) {
	if len(token) != csrfTokenLength && len(token) != csrfSecretLength {
		return "", false
	}
	for i := 0; i < len(token); i++ {
		if strings.IndexByte(csrfChars, token[i]) < 0 {
			return "", false
		}
	}
	if len(token) == csrfSecretLength {
		return token, true
	}
	mask, cipher := token[:csrfSecretLength], token[csrfSecretLength:]
	secret := make([]byte, csrfSecretLength)
	n := len(csrfChars)
	for i := 0; i < csrfSecretLength; i++ {
		x := strings.IndexByte(csrfChars, cipher[i]) - strings.IndexByte(csrfChars, mask[i])
		secret[i] = csrfChars[((x%n)+n)%n]
	}
	return string(secret), true
}

// csrfTokensMatch compares the secrets of two tokens in constant time.
func csrfTokensMatch(a, b string) bool {
	sa, ok1 := csrfSecretOf(a)
	sb, ok2 := csrfSecretOf(b)
	return ok1 && ok2 && subtle.ConstantTimeCompare([]byte(sa), []byte(sb)) == 1
}
