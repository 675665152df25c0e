package simplejwt

import (
	"bytes"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// Internal decode failures; Parse reports them as ErrMalformed.
var (
	errNotObject = errors.New("not a single JSON object")
	errDuplicate = errors.New("duplicate member name")
	errBadUTF8   = errors.New("invalid UTF-8")
)

// maxDepth is encoding/json's nesting limit: json.Valid rejects a document
// with more than this many nested objects and arrays, and so does
// walkObject.
const maxDepth = 10000

// walkObject calls visit for each member of the JSON object b, in order,
// with the member's name (unescaped) and its raw value. It rejects invalid
// JSON, invalid UTF-8 (which encoding/json would silently replace, RFC 8725
// §3.7), anything but a single object, and duplicate member names (JSON
// parsers disagree on which duplicate wins, so such a token has no single
// meaning).
//
// The grammar is checked as the members are found, in one pass: it accepts
// exactly what json.Valid accepts (literals, numbers such as 1e309, string
// escapes, nesting up to maxDepth), so nothing is scanned twice. Names
// without escapes and all values are sub-slices of b: walking allocates
// nothing unless a name is escaped or the object has more members than
// nameSet holds inline. A visit error stops the walk and is returned; a
// syntax error later in b is then not looked at (either way the document
// is refused). Every index is bounds-checked, so no input can panic.
func walkObject(b []byte, visit func(name, raw []byte) error) error {
	if !utf8.Valid(b) {
		return errBadUTF8
	}
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errNotObject
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return endOfDocument(b, i+1)
	}
	var names nameSet
	for {
		end, escaped := scanString(b, i)
		if end < 0 {
			return errNotObject
		}
		name := b[i+1 : end-1]
		if escaped {
			var ok bool
			if name, ok = unescape(b[i:end]); !ok {
				return errNotObject
			}
		}
		if !names.add(name) {
			return errDuplicate
		}

		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return errNotObject
		}
		i = skipSpace(b, i+1)
		end = scanValue(b, i, 2)
		if end < 0 {
			return errNotObject
		}
		if err := visit(name, b[i:end]); err != nil {
			return err
		}

		i = skipSpace(b, end)
		if i >= len(b) {
			return errNotObject
		}
		switch b[i] {
		case ',':
			i = skipSpace(b, i+1)
		case '}':
			return endOfDocument(b, i+1)
		default:
			return errNotObject
		}
	}
}

// endOfDocument accepts the end of the top-level object at i when only
// white space follows.
func endOfDocument(b []byte, i int) error {
	if skipSpace(b, i) != len(b) {
		return errNotObject
	}
	return nil
}

// nameSet detects duplicate member names: a linear scan of a small array
// for the handful of members a token has, a map beyond that so a hostile
// object with thousands of members stays linear. The names it holds alias
// the document, which outlives the walk.
type nameSet struct {
	small [12][]byte
	n     int
	large map[string]struct{}
}

// add records name and reports whether it was new.
func (s *nameSet) add(name []byte) bool {
	if s.large != nil {
		if _, dup := s.large[string(name)]; dup {
			return false
		}
		s.large[string(name)] = struct{}{}
		return true
	}
	for _, seen := range s.small[:s.n] {
		if bytes.Equal(seen, name) {
			return false
		}
	}
	if s.n < len(s.small) {
		s.small[s.n] = name
		s.n++
		return true
	}
	s.large = make(map[string]struct{}, 2*len(s.small))
	for _, seen := range s.small {
		s.large[string(seen)] = struct{}{}
	}
	s.large[string(name)] = struct{}{}
	return true
}

// skipSpace returns the index of the first non-whitespace byte at or after
// i; JSON white space is space, tab, line feed and carriage return only.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the index just past the JSON string starting at i, or
// -1 when there is no valid string there: unterminated, an unescaped
// control character (< 0x20), or an escape other than \" \\ \/ \b \f \n
// \r \t and \u with four hex digits. escaped reports whether it holds any
// escape. UTF-8 is checked by the caller, once for the whole document.
func scanString(b []byte, i int) (end int, escaped bool) {
	if i >= len(b) || b[i] != '"' {
		return -1, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, escaped
		case c == '\\':
			escaped = true
			j++
			if j >= len(b) {
				return -1, false
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-j <= 4 || !isHex(b[j+1]) || !isHex(b[j+2]) || !isHex(b[j+3]) || !isHex(b[j+4]) {
					return -1, false
				}
				j += 4
			default:
				return -1, false
			}
		case c < 0x20:
			return -1, false
		}
	}
	return -1, false
}

// isHex reports whether c is a hexadecimal digit, in either case.
func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// scanValue returns the index just past the JSON value starting at i, or
// -1 when there is no valid value there. depth is the nesting depth an
// object or array starting at i would have (the top-level object is 1);
// beyond maxDepth it is refused, as json.Valid refuses it.
func scanValue(b []byte, i, depth int) int {
	if i >= len(b) {
		return -1
	}
	switch c := b[i]; {
	case c == '"':
		end, _ := scanString(b, i)
		return end
	case c == '{':
		if depth > maxDepth {
			return -1
		}
		return scanObject(b, i, depth)
	case c == '[':
		if depth > maxDepth {
			return -1
		}
		return scanArray(b, i, depth)
	case c == 't':
		return scanLiteral(b, i, "true")
	case c == 'f':
		return scanLiteral(b, i, "false")
	case c == 'n':
		return scanLiteral(b, i, "null")
	case c == '-' || '0' <= c && c <= '9':
		return scanNumber(b, i)
	}
	return -1
}

// scanObject returns the index just past the nested object starting at i
// (b[i] is '{'), or -1. Its members are checked for syntax only; duplicate
// names matter at the top level, where the claims are.
func scanObject(b []byte, i, depth int) int {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1
	}
	for {
		end, _ := scanString(b, i)
		if end < 0 {
			return -1
		}
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return -1
		}
		if end = scanValue(b, skipSpace(b, i+1), depth+1); end < 0 {
			return -1
		}
		i = skipSpace(b, end)
		switch {
		case i >= len(b):
			return -1
		case b[i] == ',':
			i = skipSpace(b, i+1)
		case b[i] == '}':
			return i + 1
		default:
			return -1
		}
	}
}

// scanArray returns the index just past the array starting at i (b[i] is
// '['), or -1.
func scanArray(b []byte, i, depth int) int {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1
	}
	for {
		end := scanValue(b, i, depth+1)
		if end < 0 {
			return -1
		}
		i = skipSpace(b, end)
		switch {
		case i >= len(b):
			return -1
		case b[i] == ',':
			i = skipSpace(b, i+1)
		case b[i] == ']':
			return i + 1
		default:
			return -1
		}
	}
}

// scanLiteral returns the index just past lit at i, or -1. What follows
// is the caller's to check ("truex" fails there).
func scanLiteral(b []byte, i int, lit string) int {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// scanNumber returns the index just past the JSON number at i, or -1:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?. Its range is not
// checked (1e309 is valid JSON); the claims that need a range check it.
func scanNumber(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i+1)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

// skipDigits returns the index of the first non-digit at or after i.
func skipDigits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// stringBytes returns the contents of raw if it is a JSON string; ok is
// false for any other JSON type (including null). Strings without escapes,
// the usual case, are returned as a sub-slice of raw without allocating.
func stringBytes(raw []byte) (s []byte, ok bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return nil, false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && utf8.Valid(inner) && !hasControl(inner) {
		return inner, true
	}
	return unescape(raw)
}

// unescape decodes the JSON string raw with encoding/json, whose handling of
// escapes (including lone surrogates, which become U+FFFD) it keeps.
func unescape(raw []byte) ([]byte, bool) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, false
	}
	return []byte(s), true
}

// rawString is stringBytes as a string, for values that are kept.
func rawString(raw []byte) (string, bool) {
	s, ok := stringBytes(raw)
	return string(s), ok
}

// hasControl reports whether b holds a byte JSON forbids unescaped in a
// string.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}
