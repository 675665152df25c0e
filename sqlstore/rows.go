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
	IsStaff       bool          `db:"is_staff"`
	IsSuperuser   bool          `db:"is_superuser"`
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
		IsStaff:       r.IsStaff,
		IsSuperuser:   r.IsSuperuser,
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

// refreshTokenRow is a restauth_refresh_token row (columns t_*).
type refreshTokenRow struct {
	JTI      string        `db:"t_jti"`
	FamilyID string        `db:"t_family_id"`
	UserID   int64         `db:"t_user_id"`
	Issued   int64         `db:"t_issued"`
	Expires  int64         `db:"t_expires"`
	Used     sql.NullInt64 `db:"t_used"`
}

// token converts the row to a fresh core.RefreshToken.
func (r *refreshTokenRow) token() *core.RefreshToken {
	return &core.RefreshToken{
		JTI:      r.JTI,
		FamilyID: r.FamilyID,
		UserID:   r.UserID,
		Issued:   fromMicros(r.Issued),
		Expires:  fromMicros(r.Expires),
		Used:     fromNullMicros(r.Used),
	}
}

// refreshFamilyRow is a restauth_refresh_family row (columns f_*).
type refreshFamilyRow struct {
	ID      string        `db:"f_id"`
	UserID  int64         `db:"f_user_id"`
	Created int64         `db:"f_created"`
	Revoked sql.NullInt64 `db:"f_revoked"`
}

// family converts the row to a fresh core.RefreshFamily.
func (r *refreshFamilyRow) family() *core.RefreshFamily {
	return &core.RefreshFamily{
		ID:      r.ID,
		UserID:  r.UserID,
		Created: fromMicros(r.Created),
		Revoked: fromNullMicros(r.Revoked),
	}
}

// refreshTokenFamilyRow is a refresh token joined with its family.
type refreshTokenFamilyRow struct {
	refreshTokenRow
	refreshFamilyRow
}

// refreshFamilyUserRow is a refresh family joined with its owner.
type refreshFamilyUserRow struct {
	userRow
	refreshFamilyRow
}
