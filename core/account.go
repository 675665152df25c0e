package core

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/restauth/restauth/core/password"
)

// NewUser is what CreateUser needs to make an account.
type NewUser struct {
	Username  string
	Email     string
	Password  string // plain text; empty makes an unusable password
	FirstName string
	LastName  string
	// Inactive creates a deactivated account.
	Inactive bool
	// EmailVerified marks the email as already confirmed (management
	// commands, imports).
	EmailVerified bool
	// IsStaff and IsSuperuser set Django's is_staff and is_superuser
	// (createsuperuser sets both). Self-service endpoints never set them.
	IsStaff     bool
	IsSuperuser bool
	// SkipPasswordValidation bypasses the password validators (not the
	// length cap), like Django's createsuperuser --noinput: for operators
	// and imports, never for self-service endpoints.
	SkipPasswordValidation bool
	// GenerateUsername gives the account a generated unique username, as
	// allauth does for accounts made without one (social sign-ups,
	// email-only accounts): Username, when set, is only a suggestion
	// (a provider's login name), cleaned to username characters; else
	// the email's local part is used, else "user"; random digits are
	// appended on a collision.
	GenerateUsername bool
}

// CreateUser validates nu like registration does (username rules, email
// syntax, the password validators with the user's attributes), hashes the
// password through the policy and stores the account. Validation problems
// and taken usernames or emails come back as a 400 *Error with field-keyed
// messages; store failures wrap ErrUnavailable.
func (a *Auth) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	body := Body{}
	for k, v := range map[string]string{"username": nu.Username, "email": nu.Email, "first_name": nu.FirstName, "last_name": nu.LastName} {
		if v != "" {
			body[k] = v
		}
	}
	f := NewForm(body, a.msgs)
	u := &User{IsActive: !nu.Inactive, EmailVerified: nu.EmailVerified, IsStaff: nu.IsStaff, IsSuperuser: nu.IsSuperuser,
		DateJoined: a.cfg.Now().UTC()}
	// With Config.EmailOnly the username is optional (generated when
	// empty) and the email required.
	emailOnly := a.cfg.EmailOnly
	if nu.GenerateUsername {
		delete(body, "username")
	}
	if name, ok := f.String(StringField{Name: "username", Required: !emailOnly && !nu.GenerateUsername, MaxLength: MaxUsernameLength}); ok {
		u.Username = NormalizeUsername(name)
		if !usernameRe.MatchString(u.Username) {
			f.AddError("username", a.msgs.Text(MsgInvalidUsername))
		}
	}
	u.Email, _ = f.String(StringField{Name: "email", Required: emailOnly, AllowBlank: !emailOnly, Email: true})
	if v, ok := f.String(StringField{Name: "first_name", AllowBlank: true, MaxLength: MaxNameLength}); ok {
		a.checkDisplayName(f, "first_name", v)
		u.FirstName = v
	}
	if v, ok := f.String(StringField{Name: "last_name", AllowBlank: true, MaxLength: MaxNameLength}); ok {
		a.checkDisplayName(f, "last_name", v)
		u.LastName = v
	}
	if nu.Password == "" {
		u.PasswordHash = password.MakeUnusable()
	} else if f.Valid() && !nu.SkipPasswordValidation {
		for _, msg := range a.ValidatePassword(nu.Password, u) {
			f.AddError("password", msg)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if nu.Password != "" {
		hash, err := a.hashPassword(ctx, nu.Password, "password")
		if err != nil {
			return nil, err
		}
		u.PasswordHash = hash
	}
	if nu.GenerateUsername {
		hint := nu.Username
		if hint == "" {
			hint = u.Email
		}
		if err := a.newUserGenerated(ctx, u, usernameBase(hint), f); err != nil {
			return nil, err
		}
		return u, nil
	}
	if err := a.storeNewUser(ctx, u, f); err != nil {
		return nil, err
	}
	return u, nil
}

// ValidatePassword runs the configured validators against pw for user u
// (nil skips the similarity check) and returns every message, in order.
func (a *Auth) ValidatePassword(pw string, u *User) []string {
	var attrs []password.Attribute
	if u != nil {
		attrs = []password.Attribute{
			{Name: "username", Value: u.Username},
			{Name: "first name", Value: u.FirstName},
			{Name: "last name", Value: u.LastName},
			{Name: "email address", Value: u.Email},
		}
	}
	var msgs []string
	for _, v := range password.Validate(pw, attrs, a.cfg.PasswordValidators) {
		if t, ok := a.cfg.Messages[v.Code]; ok {
			msgs = append(msgs, t)
		} else {
			msgs = append(msgs, v.Message)
		}
	}
	return msgs
}

// hashPassword hashes pw, reporting an over-long password as a field error.
func (a *Auth) hashPassword(ctx context.Context, pw, field string) (string, error) {
	hash, err := a.cfg.Passwords.Make(ctx, pw)
	if errors.Is(err, password.ErrPasswordTooLong) {
		var v validationError
		limit := a.cfg.Passwords.MaxLength()
		if len(pw) <= limit {
			// Refused by the hasher itself: plain bcrypt's 72 bytes.
			limit = password.BcryptMaxPasswordBytes
		}
		v.Add(field, a.msgs.Format(MsgPasswordTooLong, "max_length", strconv.Itoa(limit)))
		return "", v.Err()
	}
	if err != nil {
		return "", fmt.Errorf("restauth: hashing password: %w", err)
	}
	return hash, nil
}

// SetUserPassword sets a new password for user id, running the validators
// first when validate is true, and revokes every credential the user holds
// (DB tokens; the epoch bump kills stateless ones). It backs the
// changepassword management command.
func (a *Auth) SetUserPassword(ctx context.Context, id int64, pw string, validate bool) error {
	u, err := a.cfg.Store.UserByID(ctx, id)
	if err != nil {
		return storeErr(err)
	}
	if pw == "" {
		var v validationError
		v.Add("password", a.msgs.Text(MsgBlank))
		return v.Err()
	}
	if validate {
		if msgs := a.ValidatePassword(pw, u); len(msgs) > 0 {
			var v validationError
			for _, m := range msgs {
				v.Add("password", m)
			}
			return v.Err()
		}
	}
	hash, err := a.hashPassword(ctx, pw, "password")
	if err != nil {
		return err
	}
	if err := a.cfg.Store.SetPassword(ctx, id, hash); err != nil {
		return storeErr(err)
	}
	return a.revokeAll(ctx, id)
}

// Deactivate sets user id inactive and revokes every credential it holds.
func (a *Auth) Deactivate(ctx context.Context, id int64) error {
	if err := a.cfg.Store.SetActive(ctx, id, false); err != nil {
		return storeErr(err)
	}
	a.logins.forgetUser(id)
	return a.revokeAll(ctx, id)
}

// revokeAll ends every credential user id holds.
func (a *Auth) revokeAll(ctx context.Context, id int64) error {
	return a.RevokeCredentials(ctx, id, nil)
}

// RevokeCredentials ends every credential user id holds except keep's (the
// caller's own login, which a password change must not log out; nil keeps
// nothing): DB tokens and, when the store keeps them, JWT logins (refresh
// families, and with them their access tokens).
func (a *Auth) RevokeCredentials(ctx context.Context, id int64, keep *Principal) error {
	// After the writes, whatever they did (the password or activity change
	// before them too): this instance enforces them on its next request.
	defer a.logins.forgetUser(id)
	var keepToken, keepFamily string
	if keep != nil && keep.User.ID == id {
		switch keep.Method {
		case MethodToken:
			keepToken = keep.Credential
		case MethodJWT:
			keepFamily = keep.Credential
		}
	}
	if _, err := a.cfg.Store.DeleteUserTokens(ctx, id, keepToken); err != nil {
		return unavailable(err)
	}
	if rs, ok := a.cfg.Store.(RefreshStore); ok {
		if _, err := rs.RevokeUserRefreshFamilies(ctx, id, keepFamily, a.cfg.Now().UTC()); err != nil {
			return unavailable(err)
		}
	}
	return nil
}

// storeErr keeps ErrNotFound as is and marks everything else unavailable.
func storeErr(err error) error {
	if errors.Is(err, ErrNotFound) {
		return err
	}
	return unavailable(err)
}
