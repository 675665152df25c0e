package core

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/restauth/restauth/core/djangosign"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/password"
)

// servePasswordReset is POST password/reset/: always 200 with the same
// body for a valid address, whether or not an account has it; an active
// user with a usable password gets a mail at the STORED address with a
// link built from Accounts.PasswordResetURL (never from the Host header),
// carrying allauth's base36 uid and email-aware token.
func (a *Auth) servePasswordReset(req *request) error {
	ctx := req.r.Context()
	u, err := a.mailRequest(req, "reset")
	if err != nil {
		return err
	}
	if u != nil && u.IsActive && password.IsUsable(u.PasswordHash) {
		ru, err := a.resetUser(ctx, u)
		if err != nil {
			return err
		}
		uid, token := djangosign.EncodeUIDBase36(u.ID), a.accounts.reset.Make(ru)
		a.sendMail(ctx, mail.TemplatePasswordReset, u, mail.Data{
			UID: uid, Token: token, PasswordResetURL: link(a.cfg.Accounts.PasswordResetURL, "uid", uid, "token", token),
		})
	}
	WriteJSON(req.w, http.StatusOK, map[string]string{"detail": a.msgs.Text(MsgPasswordResetSent)})
	return nil
}

// mailRequest reads the {"email": ...} body of the endpoints that mail a
// user (kind "reset" or "resend"), applies their per-IP limit and returns
// the account holding the address, or nil when none does or when the
// account's mail limit is reached (the caller then sends nothing and
// answers as usual).
func (a *Auth) mailRequest(req *request, kind string) (*User, error) {
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return nil, err
	}
	f := NewForm(body, a.msgs)
	email, _ := f.String(StringField{Name: "email", Required: true, Email: true})
	if err := f.Err(); err != nil {
		return nil, err
	}
	if err := a.mailIPLimit(req.r, kind); err != nil {
		return nil, err
	}
	u, err := a.cfg.Store.UserByEmail(req.r.Context(), email)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable(err)
	}
	if !a.mailAllowed(req.r, kind, u) {
		return nil, nil
	}
	return u, nil
}

// servePasswordResetConfirm is POST password/reset/confirm/: uid and token
// from the mailed link, and the new password twice. A bad uid is
// {"uid":["Invalid value"]}, a bad, expired or used token
// {"token":["Invalid value"]} (checked before the new password, so a weak
// password never reveals whether a token was valid); then the mismatch and
// validator messages go under new_password2. Success sets the password and
// revokes every credential of the user; the token dies with the old hash.
// With Accounts.NotifyPasswordChange the owner is then mailed.
func (a *Auth) servePasswordResetConfirm(req *request) error {
	ctx := req.r.Context()
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return err
	}
	f := NewForm(body, a.msgs)
	pw1, _ := f.String(StringField{Name: "new_password1", Required: true, MaxLength: maxPasswordFieldLength})
	pw2, _ := f.String(StringField{Name: "new_password2", Required: true, MaxLength: maxPasswordFieldLength})
	uid, _ := f.String(StringField{Name: "uid", Required: true})
	token, _ := f.String(StringField{Name: "token", Required: true})
	if err := f.Err(); err != nil {
		return err
	}
	// The link is checked before any limit, so a genuine one is never
	// refused by counters that strangers can fill; only failures count.
	id, uidErr := djangosign.DecodeUIDBase36(uid)
	invalid := func(field string) error {
		if err := a.resetConfirmFailed(req.r, id, uidErr == nil); err != nil {
			return err
		}
		f.AddError(field, a.msgs.Text(MsgInvalidLinkValue))
		return f.Err()
	}
	if uidErr != nil {
		return invalid("uid")
	}
	u, err := a.cfg.Store.UserByID(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return invalid("uid")
	}
	if err != nil {
		return unavailable(err)
	}
	ru, err := a.resetUser(ctx, u)
	if err != nil {
		return err
	}
	if !a.accounts.reset.Check(ru, token) {
		return invalid("token")
	}
	if err := a.setNewPassword(ctx, f, u, pw1, pw2, nil); err != nil {
		return err
	}
	a.logEvent(ctx, slog.LevelInfo, "restauth: password reset", Event{Type: EventPasswordReset, Outcome: OutcomeSuccess, User: u})
	a.notifyPasswordChange(ctx, mail.TemplatePasswordResetComplete, u)
	WriteJSON(req.w, http.StatusOK, map[string]string{"detail": a.msgs.Text(MsgPasswordResetComplete)})
	return nil
}
