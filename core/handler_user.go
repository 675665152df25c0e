package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"unicode"
)

// usernameRe is Django's UnicodeUsernameValidator: letters, digits and
// @/./+/-/_ (Python's Unicode \w is letters, digits and the underscore).
var usernameRe = regexp.MustCompile(`^[\p{L}\p{N}_.@+-]+$`)

// serveUser is GET/PUT/PATCH user/: read or update the caller's details.
// pk and email are read-only and silently ignored on write; PUT requires
// username (not in EmailOnly mode, where it is neither shown nor
// accepted); keeping one's own username is accepted (dj-rest-auth with
// allauth rejects it: upstream #187). Config.UserFields adds the
// application's members to both the answer and the update.
func (a *Auth) serveUser(req *request) error {
	ctx := req.r.Context()
	user := req.principal.User
	if req.principal.Stateless {
		// Stateless JWT: the claims carry only the id.
		u, err := a.cfg.Store.UserByID(ctx, user.ID)
		if err != nil {
			return a.userGone(err)
		}
		user = u
	}
	if req.r.Method == http.MethodGet || req.r.Method == http.MethodHead {
		return a.writeUser(req, user)
	}
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return err
	}
	updated := *user
	f := NewForm(body, a.msgs)
	if !a.cfg.EmailOnly {
		if name, ok := f.String(StringField{Name: "username", Required: req.r.Method == http.MethodPut, MaxLength: MaxUsernameLength}); ok {
			name = NormalizeUsername(name)
			if !usernameRe.MatchString(name) {
				f.AddError("username", a.msgs.Text(MsgInvalidUsername))
			}
			updated.Username = name
		}
	}
	if v, ok := f.String(StringField{Name: "first_name", AllowBlank: true, MaxLength: MaxNameLength}); ok {
		a.checkDisplayName(f, "first_name", v)
		updated.FirstName = v
	}
	if v, ok := f.String(StringField{Name: "last_name", AllowBlank: true, MaxLength: MaxNameLength}); ok {
		a.checkDisplayName(f, "last_name", v)
		updated.LastName = v
	}
	var save Save
	if parse := a.cfg.UserFields.Parse; parse != nil {
		if save, err = parse(ctx, &updated, f, req.r.Method == http.MethodPatch); err != nil {
			return hookErr("UserFields.Parse", err)
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	err = a.cfg.Store.UpdateProfile(ctx, &updated)
	a.logins.forgetUser(user.ID)
	switch {
	case errors.Is(err, ErrUsernameTaken):
		f.AddError("username", a.msgs.Text(MsgUsernameTaken))
		return f.Err()
	case err != nil:
		return a.userGone(err)
	}
	if save != nil {
		if err := save(ctx, &updated); err != nil {
			// Put restauth's part back, so the update is all or nothing.
			defer a.logins.forgetUser(user.ID)
			if uerr := a.cfg.Store.UpdateProfile(context.WithoutCancel(ctx), user); uerr != nil {
				a.cfg.Logger.LogAttrs(ctx, slog.LevelError, "restauth: restoring the profile after a failed UserFields save failed",
					slog.Int64("user_id", user.ID), slog.String("error", uerr.Error()))
			}
			return hookErr("UserFields save", err)
		}
	}
	return a.writeUser(req, &updated)
}

// writeUser answers 200 with u's representation. Without UserFields.Render
// and EmailOnly it is encoded directly (appendUserDetails), the same
// bytes as through userDetails and WriteJSON.
func (a *Auth) writeUser(req *request, u *User) error {
	if a.cfg.UserFields.Render == nil && !a.cfg.EmailOnly {
		d := u.Details()
		writeJSONBytes(req.w, http.StatusOK, appendUserDetails(make([]byte, 0, userDetailsSize(d)), d))
		return nil
	}
	d, err := a.userDetails(req.r.Context(), u)
	if err != nil {
		return err
	}
	WriteJSON(req.w, http.StatusOK, d)
	return nil
}

// hookErr passes an application hook's *Error (a field error, a 4xx) to
// the client as it is and answers anything else 503, naming the hook in
// the log only.
func hookErr(hook string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return unavailable(fmt.Errorf("restauth: %s: %w", hook, err))
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
