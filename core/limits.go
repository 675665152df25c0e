package core

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Column limits, in characters (Unicode code points), that every store
// honours. They are Django's auth_user sizes where Django has one.
const (
	MaxUsernameLength     = 150
	MaxEmailLength        = 254 // RFC 5321 forward path; Django's EmailField
	MaxNameLength         = 150
	MaxPasswordHashLength = 255
	// MaxKeyLength bounds CanonicalUsername and CanonicalEmail results:
	// case folding and NFKC can expand a string.
	MaxKeyLength = 600
	// TokenDigestLength is the length of a token digest (hex SHA-256).
	TokenDigestLength = 64
	// MaxRefreshIDLength bounds refresh token jtis and family IDs.
	MaxRefreshIDLength = 64
)

// ErrInvalidValue is returned (wrapped, naming the field) by stores for a
// value no store could hold: longer than its column, not valid UTF-8, or
// holding a NUL byte. Stores check before writing, so the three databases
// behave alike and nothing is ever truncated; nothing is written.
var ErrInvalidValue = errors.New("restauth: invalid value")

// ErrTokenExists is returned by TokenStore.CreateToken when the digest is
// already stored.
var ErrTokenExists = errors.New("restauth: token digest already exists")

// TextField is one value checked by CheckText against its column limit.
type TextField struct {
	Name, Value string
	Max         int
}

// CheckText returns an error wrapping ErrInvalidValue for the first field
// that does not fit its column.
func CheckText(fields ...TextField) error {
	for _, f := range fields {
		switch {
		case !utf8.ValidString(f.Value):
			return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalidValue, f.Name)
		case strings.IndexByte(f.Value, 0) >= 0:
			return fmt.Errorf("%w: %s contains a NUL byte", ErrInvalidValue, f.Name)
		case utf8.RuneCountInString(f.Value) > f.Max:
			return fmt.Errorf("%w: %s is longer than %d characters", ErrInvalidValue, f.Name, f.Max)
		}
	}
	return nil
}

// Storable reports whether a lookup value could be stored in a column of
// max characters; stores answer ErrNotFound for one that could not, without
// asking the database (PostgreSQL would fail on invalid UTF-8 or NUL).
func Storable(s string, max int) bool {
	return CheckText(TextField{Value: s, Max: max}) == nil
}

// UserKeys checks every stored field of u against the column limits and
// returns its canonical username and email keys.
func UserKeys(u *User) (usernameKey, emailKey string, err error) {
	usernameKey = CanonicalUsername(u.Username)
	emailKey = CanonicalEmail(u.Email)
	err = CheckText(
		TextField{"username", u.Username, MaxUsernameLength},
		TextField{"username key", usernameKey, MaxKeyLength},
		TextField{"email", u.Email, MaxEmailLength},
		TextField{"email key", emailKey, MaxKeyLength},
		TextField{"first name", u.FirstName, MaxNameLength},
		TextField{"last name", u.LastName, MaxNameLength},
		TextField{"password", u.PasswordHash, MaxPasswordHashLength},
	)
	return usernameKey, emailKey, err
}

// CheckRefreshID refuses a refresh token jti or family ID that no store
// could hold, and the empty ID, with an error wrapping ErrInvalidValue.
func CheckRefreshID(name, id string) error {
	if id == "" {
		return fmt.Errorf("%w: %s is empty", ErrInvalidValue, name)
	}
	return CheckText(TextField{Name: name, Value: id, Max: MaxRefreshIDLength})
}

// RefreshIDStorable reports whether a lookup ID could be stored; stores
// answer ErrNotFound for one that could not, without a query.
func RefreshIDStorable(id string) bool {
	return id != "" && Storable(id, MaxRefreshIDLength)
}

// CheckInstant refuses the zero time as the instant of a rotation or
// revocation: stored, it would read back as "not used" or "live".
func CheckInstant(name string, at time.Time) error {
	if at.IsZero() {
		return fmt.Errorf("%w: %s time is zero", ErrInvalidValue, name)
	}
	return nil
}
