package core

import "errors"

// Column limits, in characters (Unicode code points), that every store
// honours (core/storekit checks values against them). They are Django's
// auth_user sizes where Django has one.
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
