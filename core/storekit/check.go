package storekit

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/restauth/restauth/core"
)

// TextField is one value checked by CheckText against its column limit
// (one of core's Max… constants), in characters.
type TextField struct {
	Name, Value string
	Max         int
}

// CheckText returns an error wrapping core.ErrInvalidValue, naming the
// field, for the first field that no store could hold: not valid UTF-8,
// holding a NUL byte (PostgreSQL refuses it in text), or longer than its
// column. Stores call it before writing, so that nothing is ever truncated
// and the databases behave alike.
func CheckText(fields ...TextField) error {
	for _, f := range fields {
		switch {
		case !utf8.ValidString(f.Value):
			return fmt.Errorf("%w: %s is not valid UTF-8", core.ErrInvalidValue, f.Name)
		case strings.IndexByte(f.Value, 0) >= 0:
			return fmt.Errorf("%w: %s contains a NUL byte", core.ErrInvalidValue, f.Name)
		case utf8.RuneCountInString(f.Value) > f.Max:
			return fmt.Errorf("%w: %s is longer than %d characters", core.ErrInvalidValue, f.Name, f.Max)
		}
	}
	return nil
}

// Storable reports whether a lookup value could be stored in a column of
// max characters. A store answers core.ErrNotFound for one that could not,
// without asking its database (PostgreSQL would fail on invalid UTF-8 or
// NUL instead of finding nothing).
func Storable(s string, max int) bool {
	return CheckText(TextField{Value: s, Max: max}) == nil
}

// UserKeys checks every stored field of u against the column limits and
// returns the keys a store makes unique and looks users up by:
// core.CanonicalUsername(u.Username) and core.CanonicalEmail(u.Email).
func UserKeys(u *core.User) (usernameKey, emailKey string, err error) {
	usernameKey = core.CanonicalUsername(u.Username)
	emailKey = core.CanonicalEmail(u.Email)
	err = CheckText(
		TextField{"username", u.Username, core.MaxUsernameLength},
		TextField{"username key", usernameKey, core.MaxKeyLength},
		TextField{"email", u.Email, core.MaxEmailLength},
		TextField{"email key", emailKey, core.MaxKeyLength},
		TextField{"first name", u.FirstName, core.MaxNameLength},
		TextField{"last name", u.LastName, core.MaxNameLength},
		TextField{"password", u.PasswordHash, core.MaxPasswordHashLength},
	)
	return usernameKey, emailKey, err
}

// CheckRefreshID refuses, with an error wrapping core.ErrInvalidValue, a
// refresh token jti or family ID that no store could hold, and the empty
// ID.
func CheckRefreshID(name, id string) error {
	if id == "" {
		return fmt.Errorf("%w: %s is empty", core.ErrInvalidValue, name)
	}
	return CheckText(TextField{Name: name, Value: id, Max: core.MaxRefreshIDLength})
}

// RefreshIDStorable reports whether a refresh jti or family ID to look up
// could be stored; a store answers core.ErrNotFound for one that could
// not, without a query.
func RefreshIDStorable(id string) bool {
	return id != "" && Storable(id, core.MaxRefreshIDLength)
}

// CheckInstant refuses the zero time as the instant of a rotation or
// revocation, with an error wrapping core.ErrInvalidValue: stored, it
// would read back as "not used" or "live".
func CheckInstant(name string, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("%w: %s time is zero", core.ErrInvalidValue, name)
	}
	return nil
}
