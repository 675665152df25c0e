package core

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/password"
)

// maxPasswordFieldLength is Django's SetPasswordForm max_length.
const maxPasswordFieldLength = 128

// servePasswordChange is POST password/change/: check old_password (unless
// SkipOldPasswordCheck), new_password1 == new_password2 and the
// validators, then set the password and revoke every other credential of
// the user (other DB tokens, other JWT logins and their access tokens,
// other sessions), while the credential that made the request keeps
// working (a session is re-issued under a new ID), unless
// LogoutOnPasswordChange ends it too. With Accounts.NotifyPasswordChange
// the owner is then mailed.
func (a *Auth) servePasswordChange(req *request) error {
	ctx := req.r.Context()
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return err
	}
	user := req.principal.User
	if req.principal.Stateless {
		if user, err = a.cfg.Store.UserByID(ctx, user.ID); err != nil {
			return a.userGone(err)
		}
	}
	f := NewForm(body, a.msgs)
	var old string
	if !a.cfg.SkipOldPasswordCheck {
		old, _ = f.String(StringField{Name: "old_password", Required: true, MaxLength: maxPasswordFieldLength})
	}
	pw1, _ := f.String(StringField{Name: "new_password1", Required: true, MaxLength: maxPasswordFieldLength})
	pw2, _ := f.String(StringField{Name: "new_password2", Required: true, MaxLength: maxPasswordFieldLength})
	if err := f.Err(); err != nil {
		return err
	}
	if !a.cfg.SkipOldPasswordCheck {
		// A wrong old password is a password guess like a failed login.
		// It is counted against the credential that made the request,
		// which only its holder can fill: counted against the account, a
		// stranger's failed logins would keep the owner from changing
		// the password.
		rate, scope, value := a.cfg.Throttle.LoginFailuresPerAccount, "password-change", credentialKey(req.principal)
		if err := a.blocked(req.r, rate, scope, value); err != nil {
			return err
		}
		ok, _, err := a.cfg.Passwords.Check(ctx, old, user.PasswordHash)
		if err != nil && !errors.Is(err, password.ErrPasswordTooLong) {
			return err
		}
		if !ok {
			a.count(req.r, rate, scope, value)
			f.AddError("old_password", a.msgs.Text(MsgOldPasswordIncorrect))
			return f.Err()
		}
	}
	trustedDevice := a.devices.read(req.r).trusts(user)
	keep := req.principal
	if a.cfg.LogoutOnPasswordChange {
		keep = nil
	}
	if err := a.setNewPassword(ctx, f, user, pw1, pw2, keep); err != nil {
		return err
	}
	reissueSession := req.principal.Method == MethodSession && keep != nil
	if reissueSession || trustedDevice {
		// Other sessions die with the old password hash; the caller's is
		// re-issued under a new ID (Django's update_session_auth_hash).
		// So is the caller's device cookie, which the new token epoch
		// ended.
		fresh, err := a.cfg.Store.UserByID(ctx, user.ID)
		if err != nil {
			return a.userGone(err)
		}
		if reissueSession {
			if err := a.startSession(req.w, req.r, fresh); err != nil {
				return err
			}
		}
		if trustedDevice {
			a.issueDeviceCookie(req.w, fresh)
		}
	}
	a.logEvent(ctx, slog.LevelInfo, "restauth: password changed", Event{Type: EventPasswordChange, Outcome: OutcomeSuccess, User: user, Method: req.principal.Method})
	a.notifyPasswordChange(ctx, mail.TemplatePasswordChanged, user)
	WriteJSON(req.w, http.StatusOK, map[string]string{"detail": a.msgs.Text(MsgPasswordChanged)})
	return nil
}

// setNewPassword finishes SetPasswordForm for user: new_password1 must
// equal new_password2 and pass the validators (messages under
// new_password2, in f), then the password is replaced and every credential
// of the user except keep's is revoked.
func (a *Auth) setNewPassword(ctx context.Context, f *Form, user *User, pw1, pw2 string, keep *Principal) error {
	if pw1 != pw2 {
		f.AddError("new_password2", a.msgs.Text(MsgPasswordMismatch))
		return f.Err()
	}
	for _, msg := range a.ValidatePassword(pw2, user) {
		f.AddError("new_password2", msg)
	}
	if err := f.Err(); err != nil {
		return err
	}
	hash, err := a.hashPassword(ctx, pw2, "new_password2")
	if err != nil {
		return err
	}
	if err := a.cfg.Store.SetPassword(ctx, user.ID, hash); err != nil {
		return storeErr(err)
	}
	return a.RevokeCredentials(ctx, user.ID, keep)
}

// credentialKey names the credential of p for the counters kept per
// credential: the method and the credential's identifier (token digest,
// refresh family or session ID), or the user for a credential without one
// (a stateless JWT minted elsewhere).
func credentialKey(p *Principal) string {
	if p.Credential == "" {
		return string(p.Method) + ":user:" + strconv.FormatInt(p.User.ID, 10)
	}
	return string(p.Method) + ":" + p.Credential
}
