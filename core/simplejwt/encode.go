package simplejwt

import (
	"bytes"
	"encoding/json"
	"unicode/utf16"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// appendPyString appends s as a JSON string exactly as Python's json.dumps
// (ensure_ascii=True, PyJWT's and SimpleJWT's setting) writes it: short
// escapes for " \ \n \r \t \b \f, and \uXXXX (lowercase hex, surrogate
// pairs above U+FFFF) for every other character outside printable ASCII
// (Python's [^\ -~]: control characters, DEL and all non-ASCII).
// s must be valid UTF-8 (Mint checks); invalid bytes become \ufffd.
func appendPyString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for _, r := range s {
		switch {
		case r == '"':
			dst = append(dst, '\\', '"')
		case r == '\\':
			dst = append(dst, '\\', '\\')
		case r == '\n':
			dst = append(dst, '\\', 'n')
		case r == '\r':
			dst = append(dst, '\\', 'r')
		case r == '\t':
			dst = append(dst, '\\', 't')
		case r == '\b':
			dst = append(dst, '\\', 'b')
		case r == '\f':
			dst = append(dst, '\\', 'f')
		case r >= 0x20 && r <= 0x7e:
			dst = append(dst, byte(r))
		default:
			dst = appendUEscape(dst, r)
		}
	}
	return append(dst, '"')
}

// appendUEscape appends r as one \uXXXX escape, or a surrogate pair.
func appendUEscape(dst []byte, r rune) []byte {
	if r > 0xFFFF {
		r1, r2 := utf16.EncodeRune(r)
		return appendUEscape(appendUEscape(dst, r1), r2)
	}
	return append(dst, '\\', 'u',
		hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}

// appendPyJSON appends v encoded as JSON the way Python's json.dumps writes
// it for strings (see appendPyString): encoding/json without HTML escaping,
// then DEL and every non-ASCII character escaped. Object keys come out
// sorted. Those bytes only occur inside JSON strings (encoding/json escapes
// the other control characters itself), so escaping them in the whole
// output is exact.
func appendPyJSON(dst []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
	for len(out) > 0 {
		if out[0] < 0x7f {
			dst = append(dst, out[0])
			out = out[1:]
			continue
		}
		r, n := utf8.DecodeRune(out)
		dst = appendUEscape(dst, r)
		out = out[n:]
	}
	return dst, nil
}

// isTokenByte reports whether c may appear in a compact JWS: the base64url
// alphabet and the segment separator.
func isTokenByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
}
