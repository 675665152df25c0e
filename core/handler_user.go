package core

import (
	"errors"
	"net/http"
	"regexp"
	"unicode"
)

// usernameRe is Django's UnicodeUsernameValidator: letters, digits and
// @/./+/-/_ (Python's Unicode \w is letters, digits and the underscore).
var usernameRe = regexp.MustCompile(`^[\p{L}\p{N}_.@+-]+$`)

// serveUser is GET/PUT/PATCH user/: read or update the caller's details.
// pk and email are read-only and silently ignored on write; PUT requires
// username; keeping one's own username is accepted (dj-rest-auth with
// allauth rejects it: upstream #187).
func (a *Auth) serveUser(req *request) error {
	user := req.principal.User
	if req.principal.Stateless {
		// Stateless JWT: the claims carry only the id.
		u, err := a.cfg.Store.UserByID(req.r.Context(), user.ID)
		if err != nil {
			return a.userGone(err)
		}
		user = u
	}
	if req.r.Method == http.MethodGet || req.r.Method == http.MethodHead {
		WriteJSON(req.w, http.StatusOK, user.Details())
		return nil
	}
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return err
	}
	updated := *user
	f := NewForm(body, a.msgs)
	if name, ok := f.String(StringField{Name: "username", Required: req.r.Method == http.MethodPut, MaxLength: MaxUsernameLength}); ok {
		name = NormalizeUsername(name)
		if !usernameRe.MatchString(name) {
			f.AddError("username", a.msgs.Text(MsgInvalidUsername))
		}
		updated.Username = name
	}
	if v, ok := f.String(StringField{Name: "first_name", AllowBlank: true, MaxLength: MaxNameLength}); ok {
		a.checkDisplayName(f, "first_name", v)
		updated.FirstName = v
	}
	if v, ok := f.String(StringField{Name: "last_name", AllowBlank: true, MaxLength: MaxNameLength}); ok {
		a.checkDisplayName(f, "last_name", v)
		updated.LastName = v
	}
	if err := f.Err(); err != nil {
		return err
	}
	err = a.cfg.Store.UpdateProfile(req.r.Context(), &updated)
	switch {
	case errors.Is(err, ErrUsernameTaken):
		f.AddError("username", a.msgs.Text(MsgUsernameTaken))
		return f.Err()
	case err != nil:
		return a.userGone(err)
	}
	WriteJSON(req.w, http.StatusOK, updated.Details())
	return nil
}

// checkDisplayName rejects control and format characters (zero-width
// joiners, bidi overrides) that spoof names in admin screens and mails.
func (a *Auth) checkDisplayName(f *Form, field, v string) {
	for _, r := range v {
		if unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) {
			f.AddError(field, a.msgs.Text(MsgInvalidValue))
			return
		}
	}
}

// userGone answers a user lookup that failed after authentication: a
// deleted user is an authentication failure, anything else a store fault.
func (a *Auth) userGone(err error) error {
	if errors.Is(err, ErrNotFound) {
		return NewAuthError(a.msgs.Text(MsgUserInactive))
	}
	return unavailable(err)
}
