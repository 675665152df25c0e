package djangosign

import "crypto/rand"

// RandomKeyLen is the length of allauth's database-mode confirmation keys.
const RandomKeyLen = 64

// randomKeyChars is the alphabet of allauth's get_random_string(64).lower().
const randomKeyChars = "abcdefghijklmnopqrstuvwxyz0123456789"

// RandomKey returns a key for allauth's database-mode email confirmations
// (ACCOUNT_EMAIL_CONFIRMATION_HMAC=False): [RandomKeyLen] lowercase
// alphanumerics from crypto/rand, about 330 bits. allauth's
// get_random_string(64).lower() favours letters; these are uniform.
// allauth lower-cases a submitted key before looking it up; callers
// should do the same.
func RandomKey() string {
	out := make([]byte, 0, RandomKeyLen)
	var buf [RandomKeyLen + RandomKeyLen/4]byte
	for len(out) < RandomKeyLen {
		rand.Read(buf[:]) // never returns an error (crypto/rand, Go ≥ 1.24)
		for _, b := range buf {
			// 252 = 7*36: rejecting bytes ≥ 252 removes modulo bias.
			if b < 252 && len(out) < RandomKeyLen {
				out = append(out, randomKeyChars[b%36])
			}
		}
	}
	return string(out)
}
