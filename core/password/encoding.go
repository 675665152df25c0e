package password

// Shared parsing helpers for stored hashes. They are strict on purpose: a
// stored hash is either in the canonical form Django writes or rejected, and
// every length is checked before anything is decoded or allocated.

// maxSaltBytes bounds the salt of a stored PBKDF2 or argon2 hash. Django
// writes 22 characters; its password column holds 128.
const maxSaltBytes = 256

// parseUint parses s as a canonical decimal number (ASCII digits only, no
// sign, no leading zero) that must not exceed max.
func parseUint(s string, max uint64) (uint64, bool) {
	if s == "" || len(s) > 20 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (max-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}
