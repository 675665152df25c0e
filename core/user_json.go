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
// UserDetailsSerializer: {"pk","username","email","first_name","last_name"},
// then the members Config.UserFields renders, sorted by name. It is the
// allow-list of what ever leaves the server about a user.
type UserDetails struct {
	PK        int64  `json:"pk"`
	Username  string `json:"username"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	// Extra holds the application's members (UserFields.Render); nil when
	// there are none.
	Extra map[string]any `json:"-"`
	// emailOnly leaves "username" out (Config.EmailOnly).
	emailOnly bool
}

// Details returns u's wire representation without extra members, as
// restauth renders it with the default configuration.
func (u *User) Details() UserDetails {
	return UserDetails{PK: u.ID, Username: u.Username, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName}
}

// reservedUserMembers are the members restauth renders itself, which
// UserFields.Render cannot replace.
var reservedUserMembers = []string{"pk", "username", "email", "first_name", "last_name"}

// plainDetails and emailOnlyDetails marshal without MarshalJSON.
type (
	plainDetails     UserDetails
	emailOnlyDetails struct {
		PK        int64  `json:"pk"`
		Email     string `json:"email"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	}
)

// MarshalJSON writes restauth's members in dj-rest-auth's order, then the
// extra members sorted by name (a reserved name among them is skipped).
func (d UserDetails) MarshalJSON() ([]byte, error) {
	var (
		b   []byte
		err error
	)
	if d.emailOnly {
		b, err = marshalRaw(emailOnlyDetails{PK: d.PK, Email: d.Email, FirstName: d.FirstName, LastName: d.LastName})
	} else {
		b, err = marshalRaw(plainDetails(d))
	}
	if err != nil || len(d.Extra) == 0 {
		return b, err
	}
	var buf bytes.Buffer
	buf.Write(b[:len(b)-1]) // without the closing brace
	for _, name := range slices.Sorted(maps.Keys(d.Extra)) {
		if slices.Contains(reservedUserMembers, name) {
			continue
		}
		k, _ := marshalRaw(name)
		v, err := marshalRaw(d.Extra[name])
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
// (UserFields.Render) and, in EmailOnly mode, no username. A failing
// Render answers 503; a reserved member it returns is dropped and logged.
func (a *Auth) userDetails(ctx context.Context, u *User) (UserDetails, error) {
	d := u.Details()
	d.emailOnly = a.cfg.EmailOnly
	render := a.cfg.UserFields.Render
	if render == nil {
		return d, nil
	}
	extra, err := render(ctx, u)
	if err != nil {
		return d, unavailable(fmt.Errorf("restauth: UserFields.Render: %w", err))
	}
	for name := range extra {
		if slices.Contains(reservedUserMembers, name) {
			a.cfg.Logger.LogAttrs(ctx, slog.LevelError, "restauth: UserFields.Render returned a member restauth renders itself; dropped",
				slog.String("member", name))
		}
	}
	d.Extra = extra
	if _, err := d.MarshalJSON(); err != nil {
		// Found here, not while the answer is written: a 503, not a
		// half-written 200.
		return d, unavailable(err)
	}
	return d, nil
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
