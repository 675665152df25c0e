package core

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
)

// serveRegistration is POST registration/ (dj-rest-auth's RegisterView with
// allauth): validate username, email, password1 and password2, create the
// user, and then, by EmailVerification:
//   - mandatory: mail a verification link and answer 201
//     {"detail": "Verification e-mail sent."} (no login);
//   - optional: mail a verification link and log the user in (201 with the
//     login answer of the configured methods; JWT cookies are set too,
//     unlike dj-rest-auth: upstream #460);
//   - none: log the user in without a mail.
//
// With Config.EmailOnly there is no username member (one is generated);
// Config.RegistrationFields reads extra members, whose Save runs after the
// account is created and deletes it again when it fails.
//
// Uniqueness of username and email is case-insensitive; concurrent
// duplicates are decided by the store's unique constraints and answered
// with the same 400.
func (a *Auth) serveRegistration(req *request) error {
	ctx := req.r.Context()
	if err := a.hit(req.r, a.cfg.Throttle.RegisterPerIP, "register-ip", a.ClientIP(req.r).String()); err != nil {
		return err
	}
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return err
	}
	f := NewForm(body, a.msgs)
	u := &User{IsActive: true, DateJoined: a.cfg.Now().UTC(), EmailVerified: false}
	if !a.cfg.EmailOnly { // EmailOnly: no username member, one is generated
		if name, ok := a.readUsername(f, true); ok {
			u.Username = name
			if _, err := a.cfg.Store.UserByUsername(ctx, name); err == nil {
				f.AddError("username", a.msgs.Text(MsgUsernameTaken))
			} else if !errors.Is(err, ErrNotFound) {
				return unavailable(err)
			}
		}
	}
	optional := a.cfg.Accounts.RegistrationEmailOptional // never with EmailOnly
	if email, ok := f.String(StringField{Name: "email", Required: !optional, AllowBlank: optional, Email: true}); ok && email != "" {
		u.Email = email
		if _, err := a.cfg.Store.UserByEmail(ctx, email); err == nil {
			f.AddError("email", a.msgs.Text(MsgEmailTaken))
		} else if !errors.Is(err, ErrNotFound) {
			return unavailable(err)
		}
	}
	pw1, ok1 := f.String(StringField{Name: "password1", Required: true, MaxLength: maxPasswordFieldLength})
	if ok1 {
		for _, msg := range a.ValidatePassword(pw1, nil) {
			f.AddError("password1", msg)
		}
	}
	pw2, _ := f.String(StringField{Name: "password2", Required: true, MaxLength: maxPasswordFieldLength})
	var save Save
	if parse := a.cfg.RegistrationFields.Parse; parse != nil {
		if save, err = parse(ctx, f); err != nil {
			return hookErr("RegistrationFields.Parse", err)
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	if pw1 != pw2 {
		return NonFieldError(a.msgs.Text(MsgRegisterMismatch))
	}
	if msgs := a.ValidatePassword(pw1, u); len(msgs) > 0 {
		for _, m := range msgs {
			f.AddError("non_field_errors", m)
		}
		return f.Err()
	}
	if u.PasswordHash, err = a.hashPassword(ctx, pw1, "password1"); err != nil {
		return err
	}
	if err := a.storeNewUser(ctx, u, f); err != nil {
		return err
	}
	if save != nil {
		if err := save(ctx, u); err != nil {
			a.undoRegistration(ctx, u)
			return hookErr("RegistrationFields save", err)
		}
	}
	if a.cfg.EmailVerification == VerifyMandatory {
		a.logRegistered(ctx, u)
		a.sendConfirmation(ctx, u)
		WriteJSON(req.w, http.StatusCreated, map[string]string{"detail": a.msgs.Text(MsgVerificationSent)})
		return nil
	}
	if err := a.completeLogin(req, u, http.StatusCreated, ""); err != nil {
		// The login credential could not be issued: undo the account, so
		// that the client's retry registers it again (T-REG-05 in
		// docs/threat-model.md). No mail has gone out for it yet.
		a.undoRegistration(ctx, u)
		return err
	}
	a.logRegistered(ctx, u)
	if a.cfg.EmailVerification != VerifyNone {
		a.sendConfirmation(ctx, u)
	}
	return nil
}

// storeNewUser creates u (under a generated username when it has none, in
// EmailOnly mode), answering a taken username or email as a field error.
func (a *Auth) storeNewUser(ctx context.Context, u *User, f *Form) error {
	var err error
	if a.cfg.EmailOnly && u.Username == "" {
		err = a.createEmailOnlyUser(ctx, u)
	} else {
		err = a.cfg.Store.CreateUser(ctx, u)
	}
	switch {
	case errors.Is(err, ErrUsernameTaken):
		f.AddError("username", a.msgs.Text(MsgUsernameTaken))
		return f.Err()
	case errors.Is(err, ErrEmailTaken):
		f.AddError("email", a.msgs.Text(MsgEmailTaken))
		return f.Err()
	case err != nil:
		return storeErr(err)
	}
	return nil
}

// undoRegistration deletes the account just created, so that the client's
// retry registers it again; it runs even when the request was cancelled.
func (a *Auth) undoRegistration(ctx context.Context, u *User) {
	defer a.logins.forgetUser(u.ID)
	if err := a.cfg.Store.DeleteUser(context.WithoutCancel(ctx), u.ID); err != nil {
		a.cfg.Logger.LogAttrs(ctx, slog.LevelError, "restauth: undoing a failed registration failed",
			slog.Int64("user_id", u.ID), slog.String("error", err.Error()))
	}
}

// logRegistered emits the registration event.
func (a *Auth) logRegistered(ctx context.Context, u *User) {
	a.logEvent(ctx, slog.LevelInfo, "restauth: user registered", Event{Type: EventRegister, Outcome: OutcomeSuccess, User: u})
}

// readUsername reads and checks a username field like Django's
// UnicodeUsernameValidator, after NFKC normalisation.
func (a *Auth) readUsername(f *Form, required bool) (string, bool) {
	name, ok := f.String(StringField{Name: "username", Required: required, MaxLength: MaxUsernameLength})
	if !ok {
		return "", false
	}
	name = NormalizeUsername(name)
	if !usernameRe.MatchString(name) {
		f.AddError("username", a.msgs.Text(MsgInvalidUsername))
		return "", false
	}
	return name, true
}

// serveVerifyEmail is POST registration/verify-email/: a valid, unexpired
// key for a user whose email is not yet verified verifies it (200
// {"detail":"ok"}); anything else is allauth's 404 {"detail":"Not found."}.
// A key works once in effect: a verified address makes it a 404.
func (a *Auth) serveVerifyEmail(req *request) error {
	ctx := req.r.Context()
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return err
	}
	f := NewForm(body, a.msgs)
	key, _ := f.String(StringField{Name: "key", Required: true})
	if err := f.Err(); err != nil {
		return err
	}
	notFound := NewDetailError(http.StatusNotFound, a.msgs.Text(MsgNotFound))
	id, _, err := a.accounts.signer.LoadsInt(key, a.cfg.Accounts.EmailConfirmationExpiry)
	if err != nil {
		return notFound
	}
	var u *User
	if es, ok := a.cfg.Store.(EmailAddressStore); ok {
		u, err = es.UserByEmailAddressID(ctx, id)
	} else {
		u, err = a.cfg.Store.UserByID(ctx, id)
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return notFound
	case err != nil:
		return unavailable(err)
	case u.EmailVerified || u.Email == "":
		return notFound
	}
	if err := a.cfg.Store.SetEmailVerified(ctx, u.ID, true); err != nil {
		return storeErr(err)
	}
	a.logins.forgetUser(u.ID)
	a.logEvent(ctx, slog.LevelInfo, "restauth: email verified", Event{Type: EventEmailVerified, Outcome: OutcomeSuccess, User: u})
	WriteJSON(req.w, http.StatusOK, map[string]string{"detail": a.msgs.Text(MsgOK)})
	return nil
}

// serveResendEmail is POST registration/resend-email/: always 200
// {"detail":"ok"} for a valid address, so it reveals nothing; a mail is
// sent only to an active user whose stored email matches and is not
// verified yet.
func (a *Auth) serveResendEmail(req *request) error {
	u, err := a.mailRequest(req, "resend")
	if err != nil {
		return err
	}
	if u != nil && u.IsActive && !u.EmailVerified {
		a.sendConfirmation(req.r.Context(), u)
	}
	WriteJSON(req.w, http.StatusOK, map[string]string{"detail": a.msgs.Text(MsgOK)})
	return nil
}
