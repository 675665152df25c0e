// Package pyjson writes JSON strings byte for byte as Python's json.dumps
// does with ensure_ascii=True (its default, and the setting of PyJWT,
// SimpleJWT and Django's session serializer), for the encoders that must
// reproduce Python's output exactly: signed JWT headers and payloads, and
// Django session data.
package pyjson

import "unicode/utf16"

const hexDigits = "0123456789abcdef"

// AppendString appends s as a JSON string: short escapes for " \ \n \r \t
// \b \f, and \uXXXX (lowercase hex, surrogate pairs above U+FFFF) for
// every other character outside printable ASCII (Python's [^\ -~]:
// control characters, DEL and all non-ASCII). Invalid UTF-8 bytes are
// written as \ufffd.
func AppendString(dst []byte, s string) []byte {
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
			dst = AppendUEscape(dst, r)
		}
	}
	return append(dst, '"')
}

// AppendUEscape appends r as one \uXXXX escape, or a surrogate pair above
// U+FFFF.
func AppendUEscape(dst []byte, r rune) []byte {
	if r > 0xFFFF {
		r1, r2 := utf16.EncodeRune(r)
		return AppendUEscape(AppendUEscape(dst, r1), r2)
	}
	return append(dst, '\\', 'u',
		hexDigits[r>>12&0xF], hexDigits[r>>8&0xF], hexDigits[r>>4&0xF], hexDigits[r&0xF])
}
