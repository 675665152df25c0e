package core

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// UserDetails is the wire representation of a user, dj-rest-auth's
// UserDetailsSerializer: {"pk","username","email","first_name","last_name"}.
// It is the allow-list of what ever leaves the server about a user;
// Config.UserFields may add members after these, and Config.EmailOnly
// leaves "username" out.
type UserDetails struct {
	PK        int64  `json:"pk"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// Details returns u's wire representation, as restauth renders it with
// the default configuration.
func (u *User) Details() UserDetails {
	return UserDetails{PK: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName}
}

// reservedUserMembers are the members restauth renders itself, which
// UserFields.Render cannot replace.
var reservedUserMembers = []string{"pk", "username", "email", "first_name", "last_name"}

// emailOnlyDetails is UserDetails without the username.
type emailOnlyDetails struct {
	PK        int64  `json:"pk"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
}

// marshalDetails writes d in dj-rest-auth's member order (without the
// username in EmailOnly mode), then the extra members sorted by name,
// skipping reserved names.
func marshalDetails(d UserDetails, extra map[string]any, emailOnly bool) ([]byte, error) {
	var (
		b   []byte
		err error
	)
	if emailOnly {
		b, err = marshalRaw(emailOnlyDetails{PK: d.PK, Email: d.Email, FirstName: d.FirstName, LastName: d.LastName})
	} else {
		b = appendUserDetails(make([]byte, 0, userDetailsSize(d)), d)
	}
	if err != nil || len(extra) == 0 {
		return b, err
	}
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1]) // without the closing brace
	for _, name := range slices.Sorted(maps.Keys(extra)) {
		if slices.Contains(reservedUserMembers, name) {
			continue
		}
		k, _ := marshalRaw(name)
		v, err := marshalRaw(extra[name])
		if err != nil {
			return nil, fmt.Errorf("restauth: user member %s: %w", k, err)
		}
		buf.WriteByte(',')
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// userDetails renders u for the wire: restauth's members, the application's
// (UserFields.Render) and, in EmailOnly mode, no username. The result is a
// plain UserDetails when neither hook applies, else the representation
// already encoded (json.RawMessage), so that an unencodable member is a
// 503 found here, not a half-written 200, and nothing is encoded twice. A
// failing Render answers 503; a reserved member it returns is dropped and
// logged.
func (a *Auth) userDetails(ctx context.Context, u *User) (any, error) {
	render := a.cfg.UserFields.Render
	if render == nil && !a.cfg.EmailOnly {
		return u.Details(), nil
	}
	var extra map[string]any
	if render != nil {
		var err error
		if extra, err = render(ctx, u); err != nil {
			return nil, unavailable(fmt.Errorf("restauth: UserFields.Render: %w", err))
		}
		for name := range extra {
			if slices.Contains(reservedUserMembers, name) {
				a.cfg.Logger.LogAttrs(ctx, slog.LevelError, "restauth: UserFields.Render returned a member restauth renders itself; dropped",
					slog.String("member", name))
			}
		}
	}
	b, err := marshalDetails(u.Details(), extra, a.cfg.EmailOnly)
	if err != nil {
		return nil, unavailable(err)
	}
	return json.RawMessage(b), nil
}

// marshalRaw is json.Marshal without HTML escaping, as WriteJSON writes.
func marshalRaw(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// userDetailsSize is the length of d's JSON when no member needs
// escaping: room enough for appendUserDetails in the usual case.
func userDetailsSize(d UserDetails) int {
	return len(`{"pk":,"username":"","email":"","first_name":"","last_name":""}`) + 20 +
		len(d.Username) + len(d.Email) + len(d.FirstName) + len(d.LastName)
}

// appendUserDetails appends d's JSON to dst, byte for byte what
// encoding/json writes for it without HTML escaping (marshalRaw,
// WriteJSON), without reflection: GET user/ renders it on every call.
func appendUserDetails(dst []byte, d UserDetails) []byte {
	dst = append(dst, `{"pk":`...)
	dst = strconv.AppendInt(dst, d.PK, 10)
	dst = append(dst, `,"username":`...)
	dst = appendJSONString(dst, d.Username)
	dst = append(dst, `,"email":`...)
	dst = appendJSONString(dst, d.Email)
	dst = append(dst, `,"first_name":`...)
	dst = appendJSONString(dst, d.FirstName)
	dst = append(dst, `,"last_name":`...)
	dst = appendJSONString(dst, d.LastName)
	return append(dst, '}')
}

// appendJSONString appends s as a JSON string exactly as encoding/json
// writes it with SetEscapeHTML(false): '"', '\\' and control characters
// escaped (\b, \f, \n, \r, \t by name, the others as \u00XX), invalid
// UTF-8 replaced by \ufffd, U+2028 and U+2029 escaped, everything else as
// it is. It is encoding/json's appendString, kept in step with it by
// FuzzAppendJSONString.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= ' ' && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
