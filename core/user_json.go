package core

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"slices"
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
		b, err = marshalRaw(d)
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
