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

// walkObject calls visit for each member of the JSON object b, in order,
// with the member's raw value. It rejects invalid JSON, invalid UTF-8
// (which encoding/json would silently replace, RFC 8725 §3.7), anything
// but a single object, and duplicate member names (JSON parsers disagree
// on which duplicate wins, so such a token has no single meaning).
//
// b is validated with json.Valid first; the scan below then only finds
// member boundaries, and is bounds-checked anyway so it can never panic.
func walkObject(b []byte, visit func(name string, raw json.RawMessage) error) error {
	if !utf8.Valid(b) {
		return errBadUTF8
	}
	if !json.Valid(b) {
		return errNotObject
	}
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errNotObject
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil // {} is the only object json.Valid lets end here
	}
	var names nameSet
	for {
		end := scanString(b, i)
		if end < 0 {
			return errNotObject
		}
		name, ok := rawString(b[i:end])
		if !ok {
			return errNotObject
		}
		if !names.add(name) {
			return errDuplicate
		}

		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return errNotObject
		}
		i = skipSpace(b, i+1)
		end = scanValue(b, i)
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
			if skipSpace(b, i+1) != len(b) {
				return errNotObject
			}
			return nil
		default:
			return errNotObject
		}
	}
}

// nameSet detects duplicate member names: a linear scan of a small array
// for the handful of members a token has, a map beyond that so a hostile
// object with thousands of members stays linear.
type nameSet struct {
	small [12]string
	n     int
	large map[string]struct{}
}

// add records name and reports whether it was new.
func (s *nameSet) add(name string) bool {
	if s.large != nil {
		if _, dup := s.large[name]; dup {
			return false
		}
		s.large[name] = struct{}{}
		return true
	}
	for _, seen := range s.small[:s.n] {
		if seen == name {
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
		s.large[seen] = struct{}{}
	}
	s.large[name] = struct{}{}
	return true
}

// skipSpace returns the index of the first non-whitespace byte at or after i.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the index just past the JSON string starting at i, or
// -1.
func scanString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// scanValue returns the index just past the JSON value starting at i, or -1.
func scanValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return scanString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end := scanString(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// rawString decodes raw if it is a JSON string; ok is false for any other
// JSON type (including null). Strings without escapes, the usual case, are
// converted directly.
func rawString(raw []byte) (s string, ok bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && utf8.Valid(inner) && !hasControl(inner) {
		return string(inner), true
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
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
