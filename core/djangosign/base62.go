package djangosign

// base62Digits is Django's baseconv.BASE62_ALPHABET.
const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// maxBase62Len is the length of the base62 encoding of the largest int64.
const maxBase62Len = 11

// encodeBase62 encodes a non-negative n like Django's base62.encode.
// Negative inputs are encoded as 0.
func encodeBase62(n int64) string {
	if n <= 0 {
		return "0"
	}
	var buf [maxBase62Len]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = base62Digits[n%62]
		n /= 62
	}
	return string(buf[i:])
}

// base62Value returns the value of one base62 digit, or -1.
func base62Value(c byte) int64 {
	switch {
	case c >= '0' && c <= '9':
		return int64(c - '0')
	case c >= 'A' && c <= 'Z':
		return int64(c-'A') + 10
	case c >= 'a' && c <= 'z':
		return int64(c-'a') + 36
	}
	return -1
}

// decodeBase62 parses the canonical base62 spelling of a non-negative
// int64: no sign, no leading zeros, at most maxBase62Len digits. It
// reports false for anything else, including overflow.
func decodeBase62(s string) (int64, bool) {
	if len(s) == 0 || len(s) > maxBase62Len || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	const limit = (1<<63 - 1) / 62
	var n int64
	for i := 0; i < len(s); i++ {
		d := base62Value(s[i])
		if d < 0 || n > limit {
			return 0, false
		}
		n *= 62
		if n > (1<<63-1)-d {
			return 0, false
		}
		n += d
	}
	return n, true
}
