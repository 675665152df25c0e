package sqlstore

import (
	"database/sql"

	"github.com/restauth/restauth/core"
)

// userRow is a restauth_user row as scanned by sqlx.
type userRow struct {
	ID            int64         `db:"id"`
	Username      string        `db:"username"`
	Email         string        `db:"email"`
	FirstName     string        `db:"first_name"`
	LastName      string        `db:"last_name"`
	Password      string        `db:"password"`
	IsActive      bool          `db:"is_active"`
	EmailVerified bool          `db:"email_verified"`
	DateJoined    int64         `db:"date_joined"`
	LastLogin     sql.NullInt64 `db:"last_login"`
	TokenEpoch    int64         `db:"token_epoch"`
}

// user converts the row to a fresh core.User.
func (r *userRow) user() *core.User {
	return &core.User{
		ID:            r.ID,
		Username:      r.Username,
		Email:         r.Email,
		FirstName:     r.FirstName,
		LastName:      r.LastName,
		PasswordHash:  r.Password,
		IsActive:      r.IsActive,
		EmailVerified: r.EmailVerified,
		DateJoined:    fromMicros(r.DateJoined),
		LastLogin:     fromNullMicros(r.LastLogin),
		TokenEpoch:    r.TokenEpoch,
	}
}

// tokenUserRow is a restauth_token row joined with its owner.
type tokenUserRow struct {
	userRow
	Digest  string        `db:"t_digest"`
	UserID  int64         `db:"t_user_id"`
	Created int64         `db:"t_created"`
	Expires sql.NullInt64 `db:"t_expires"`
}

// token converts the token part of the row to a fresh core.Token.
func (r *tokenUserRow) token() *core.Token {
	return &core.Token{
		Digest:  r.Digest,
		UserID:  r.UserID,
		Created: fromMicros(r.Created),
		Expires: fromNullMicros(r.Expires),
	}
}
