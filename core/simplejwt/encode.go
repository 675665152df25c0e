package simplejwt

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"

	"github.com/restauth/restauth/core/internal/pyjson"
)

// appendPyJSON appends v encoded as JSON the way Python's json.dumps writes
// it for strings (see pyjson.AppendString): encoding/json without HTML escaping,
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
		dst = pyjson.AppendUEscape(dst, r)
		out = out[n:]
	}
	return dst, nil
}

// isTokenByte reports whether c may appear in a compact JWS: the base64url
// alphabet and the segment separator.
func isTokenByte(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.'
}
