package sessionkit

import (
	"fmt"

	"github.com/restauth/restauth/core"
)

const (
	// IDLength is the length of a session ID: 32 characters from
	// [a-z0-9], about 165 bits from crypto/rand, like Django's.
	IDLength = 32
	// DefaultMaxAge is the default lifetime of a session, in seconds: two
	// weeks (Django's SESSION_COOKIE_AGE).
	DefaultMaxAge = 1209600
	// DefaultMaxSize is the default limit, in bytes, of the encoded values
	// of one session.
	DefaultMaxSize = 64 << 10
)

// ErrTooLarge is returned (wrapped) when encoded session values exceed a
// store's size limit. It wraps core.ErrInvalidValue.
var ErrTooLarge = fmt.Errorf("%w: session values too large", core.ErrInvalidValue)
