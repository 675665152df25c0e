package core

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/restauth/restauth/core/djangosign"
	"github.com/restauth/restauth/core/mail"
)

// accountService holds the signers of the account flows.
type accountService struct {
	reset  *djangosign.ResetTokens // allauth's email-aware reset tokens
	signer *djangosign.Signer      // allauth's HMAC confirmation keys
}

func newAccountService(cfg Config) (*accountService, error) {
	reset, err := djangosign.NewResetTokens(cfg.SecretKey,
		djangosign.WithTimeout(cfg.Accounts.PasswordResetTimeout), djangosign.WithAllauth(), djangosign.WithClock(cfg.Now))
	if err != nil {
		return nil, fmt.Errorf("restauth: invalid config: reset tokens: %w", err)
	}
	signer, err := djangosign.NewSigner(cfg.SecretKey, djangosign.AllauthSalt, djangosign.WithClock(cfg.Now))
	if err != nil {
		return nil, fmt.Errorf("restauth: invalid config: confirmation keys: %w", err)
	}
	return &accountService{reset: reset, signer: signer}, nil
}

// registrationEnabled reports whether registration/ is mounted.
func (a *Auth) registrationEnabled() bool {
	ac := a.cfg.Accounts
	return !ac.DisableRegistration && (ac.Mailer != nil || a.cfg.EmailVerification == VerifyNone)
}

// resetUser is what a reset token is bound to: the password hash, the last
// login and the addresses (with an EmailAddressStore, every address row of
// the user, as allauth's tokens), so the token dies when any of them
// changes.
func (a *Auth) resetUser(ctx context.Context, u *User) (djangosign.ResetUser, error) {
	r := djangosign.ResetUser{PK: u.ID, PasswordHash: u.PasswordHash, LastLogin: u.LastLogin, Email: u.Email}
	if es, ok := a.cfg.Store.(EmailAddressStore); ok {
		var err error
		if r.ExtraEmails, err = es.EmailAddresses(ctx, u.ID); err != nil {
			return r, unavailable(err)
		}
	}
	return r, nil
}

// link fills a URL template's {name} placeholders with path-escaped values.
func link(template string, kv ...string) string {
	pairs := make([]string, 0, len(kv))
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, "{"+kv[i]+"}", url.PathEscape(kv[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(template)
}

// sendMail renders and sends one account mail to u's stored address. A
// failure is logged (never with the link) and not returned: the answer to
// the client must not depend on delivery (Django CVE-2024-45231). Unless
// Accounts.SynchronousMail, the mail only enters a.mailQueue here and is
// delivered after the answer, so the answer's timing does not depend on
// the mail server either (T-RESET-02); a full queue (ErrQueueFull) is a
// failure like any other.
func (a *Auth) sendMail(ctx context.Context, template string, u *User, data mail.Data) {
	ac := a.cfg.Accounts
	data.SiteName = ac.SiteName
	if fu, err := url.Parse(ac.FrontendURL); err == nil {
		data.SiteDomain = fu.Host
	}
	data.Username, data.Email, data.FirstName, data.LastName = u.Username, u.Email, u.FirstName, u.LastName
	if a.cfg.EmailOnly {
		data.Username = u.Email // allauth's user_display without usernames
	}
	subject, text, html, err := ac.Templates.Render(template, data)
	if err == nil {
		err = a.mailer.Send(ctx, mail.Message{To: u.Email, Subject: subject, Text: text, HTML: html, Template: template})
	}
	if err != nil {
		a.cfg.Logger.LogAttrs(ctx, slog.LevelError, "restauth: sending mail failed",
			slog.String("template", template), slog.Int64("user_id", u.ID), slog.String("error", err.Error()))
		return
	}
	msg := "restauth: mail sent"
	if a.mailQueue != nil {
		msg = "restauth: mail queued" // delivery failures are logged by the queue
	}
	a.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, msg,
		slog.String("event", "mail"), slog.String("template", template), slog.Int64("user_id", u.ID))
}

// sendConfirmation mails u a verification link for its email.
func (a *Auth) sendConfirmation(ctx context.Context, u *User) {
	if u.Email == "" || a.cfg.Accounts.Mailer == nil {
		return
	}
	id := u.ID
	if es, ok := a.cfg.Store.(EmailAddressStore); ok {
		// allauth signs the address's row, not the user.
		var err error
		if id, err = es.EmailAddressID(ctx, u.ID); err != nil {
			a.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "restauth: no confirmation mail: email address not found",
				slog.Int64("user_id", u.ID), slog.String("error", err.Error()))
			return
		}
	}
	key := a.accounts.signer.DumpsInt(id)
	a.sendMail(ctx, mail.TemplateEmailConfirmation, u, mail.Data{
		Key: key, ActivateURL: link(a.cfg.Accounts.VerifyEmailURL, "key", key),
	})
}

// notifyPasswordChange mails u that its password was changed or reset
// (template mail.TemplatePasswordChanged or TemplatePasswordResetComplete)
// when Accounts.NotifyPasswordChange is set and u has an email. Like every
// account mail, a failure is logged and does not change the answer.
func (a *Auth) notifyPasswordChange(ctx context.Context, template string, u *User) {
	if !a.cfg.Accounts.NotifyPasswordChange || a.mailer == nil || u.Email == "" {
		return
	}
	a.sendMail(ctx, template, u, mail.Data{})
}
