package core

import (
	"context"
	"time"
)

// LoginTokenStore is an optional store capability: a token login's two
// writes, the last-login time and the new token, in one transaction, so a
// database that syncs every commit to disk (SQLite's WAL with
// synchronous=FULL) syncs once per login instead of twice (bench/NOTES.md,
// F9). core finds it by type assertion on Config.Store and otherwise calls
// RecordLogin, then CreateToken.
type LoginTokenStore interface {
	// CreateLoginToken sets LastLogin of user t.UserID to at, as
	// RecordLogin does, and inserts t, as CreateToken does, atomically:
	// both are written or neither is. It fails like CreateToken: a digest
	// collision returns ErrTokenExists, a token of an unknown user an
	// error wrapping ErrNotFound, a digest no store could hold an error
	// wrapping ErrInvalidValue; after any error LastLogin is unchanged.
	CreateLoginToken(ctx context.Context, t *Token, at time.Time) error
}
