package djangosign

import (
	"encoding/base64"
	"strconv"
)

// encodeB64 is Django's b64_encode: urlsafe base64 with the "=" padding
// stripped.
func encodeB64(b []byte) string {
	return base64.RawURLEncoding.EncodeToString(b)
}

// isB64URL reports whether s uses only the base64url alphabet. Go's
// decoder silently skips CR and LF even in strict mode; this check keeps
// them (and everything else) out.
func isB64URL(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// decodeB64 decodes canonical unpadded base64url: Strict rejects non-zero
// trailing bits, so every byte string has exactly one accepted spelling.
func decodeB64(s string) ([]byte, bool) {
	if !isB64URL(s) {
		return nil, false
	}
	out, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, false
	}
	return out, true
}

// parseCanonicalInt parses s in the given base (10 or 36) only if it is
// exactly what strconv.FormatInt writes for the result: lowercase, no
// "+", no leading zeros, no spaces, no "-0", no overflow.
func parseCanonicalInt(s string, base int) (int64, bool) {
	v, err := strconv.ParseInt(s, base, 64)
	if err != nil || strconv.FormatInt(v, base) != s {
		return 0, false
	}
	return v, true
}
