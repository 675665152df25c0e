package password

import "crypto/rand"

// saltChars is Django's RANDOM_STRING_CHARS.
const saltChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// saltLen is the length of Django's salts: ceil(128 / log2(62)) = 22
// characters give at least 128 bits of entropy.
const saltLen = 22

// randomString returns n characters drawn uniformly from saltChars using
// crypto/rand, like Django's get_random_string.
func randomString(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/4+8)
	for len(out) < n {
		rand.Read(buf) // never returns an error (crypto/rand, Go ≥ 1.24)
		for _, b := range buf {
			// 248 = 4*62: rejecting bytes ≥ 248 removes modulo bias.
			if b < 248 && len(out) < n {
				out = append(out, saltChars[b%62])
			}
		}
	}
	return string(out)
}

// saltNeedsUpdate reports whether a salt of n characters has less than 128
// bits of entropy when read as a Django random string, like Django's
// must_update_salt.
func saltNeedsUpdate(n int) bool {
	return n < saltLen
}
