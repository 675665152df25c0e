package core

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/restauth/restauth/core/mail"
)

// AccountConfig configures the account flows: registration with email
// verification (registration/, registration/verify-email/,
// registration/resend-email/) and password reset (password/reset/,
// password/reset/confirm/). The reset endpoints are mounted when a Mailer
// is set; the registration endpoints when a Mailer is set or
// EmailVerification is VerifyNone, unless DisableRegistration.
type AccountConfig struct {
	// Mailer delivers account mails (mail.NewSMTP in production,
	// mail.NewConsole in development, mail.NewOutbox in tests). Unless
	// SynchronousMail is set, New wraps it in a mail.Queue, so mail is
	// delivered in the background and call (*Auth).Close at shutdown.
	Mailer mail.Mailer
	// SynchronousMail delivers account mail inside the request instead of
	// through a background mail.Queue. Default false (asynchronous): with
	// synchronous delivery the SMTP round trip shows in the latency of a
	// reset or resend-email request for an existing account only, which
	// tells an attacker that the address is registered (T-RESET-02 in
	// docs/threat-model.md). Set it in tests that read an in-memory outbox
	// right after the request, or when Mailer is already asynchronous (your
	// own mail.NewQueue with other limits).
	SynchronousMail bool
	// Templates render the mails. Default mail.DefaultTemplates()
	// (allauth's texts); override them to brand the mails.
	Templates *mail.Templates
	// FrontendURL is the base URL of links in mails, e.g.
	// "https://app.example.com". Links are never built from the request's
	// Host header. Required with a Mailer.
	FrontendURL string
	// SiteName names the site in mail subjects and bodies. Default: the
	// host of FrontendURL.
	SiteName string
	// PasswordResetURL is the reset link template, with {uid} and {token}.
	// Default FrontendURL + "/password-reset/confirm/{uid}/{token}/".
	PasswordResetURL string
	// VerifyEmailURL is the verification link template, with {key}.
	// Default FrontendURL + Prefix + "registration/account-confirm-email/{key}/"
	// (dj-rest-auth's link shape).
	VerifyEmailURL string
	// PasswordResetTimeout is Django's PASSWORD_RESET_TIMEOUT. Default 3 days.
	PasswordResetTimeout time.Duration
	// EmailConfirmationExpiry is allauth's
	// ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS. Default 3 days.
	EmailConfirmationExpiry time.Duration
	// DisableRegistration unmounts the registration endpoints.
	DisableRegistration bool
	// NotifyPasswordChange mails the account owner after a successful
	// password/change/ (mail.TemplatePasswordChanged) or
	// password/reset/confirm/ (mail.TemplatePasswordResetComplete), like
	// allauth's ACCOUNT_EMAIL_NOTIFICATIONS. Turn it on so that an owner
	// whose password was changed by someone else (a stolen session, a
	// hijacked mailbox used for a reset) learns of it and can act
	// (ASVS 6.3.7; T-RESET-09 in docs/threat-model.md). The mail goes to
	// the stored address through the Mailer (queued unless
	// SynchronousMail), carries no secret and no link that acts on the
	// account, and is skipped for a user without an email; a failure is
	// logged and never changes the answer. Default false (allauth's
	// default); requires a Mailer.
	NotifyPasswordChange bool
	// RegistrationEmailOptional lets users register without an email
	// (allauth's ACCOUNT_EMAIL_REQUIRED=False). Default false: required.
	RegistrationEmailOptional bool
}

// Account defaults.
const (
	DefaultPasswordResetTimeout    = 3 * 24 * time.Hour
	DefaultEmailConfirmationExpiry = 3 * 24 * time.Hour
)

func (ac AccountConfig) withDefaults(c Config) AccountConfig {
	ac.FrontendURL = strings.TrimRight(ac.FrontendURL, "/")
	if ac.Templates == nil {
		ac.Templates = mail.DefaultTemplates()
	}
	if ac.SiteName == "" {
		if u, err := url.Parse(ac.FrontendURL); err == nil {
			ac.SiteName = u.Host
		}
	}
	if ac.PasswordResetURL == "" && ac.FrontendURL != "" {
		ac.PasswordResetURL = ac.FrontendURL + "/password-reset/confirm/{uid}/{token}/"
	}
	if ac.VerifyEmailURL == "" && ac.FrontendURL != "" {
		ac.VerifyEmailURL = ac.FrontendURL + c.Prefix + "registration/account-confirm-email/{key}/"
	}
	if ac.PasswordResetTimeout == 0 {
		ac.PasswordResetTimeout = DefaultPasswordResetTimeout
	}
	if ac.EmailConfirmationExpiry == 0 {
		ac.EmailConfirmationExpiry = DefaultEmailConfirmationExpiry
	}
	return ac
}

func (ac AccountConfig) validate(c Config) []error {
	var errs []error
	if ac.Mailer == nil {
		if ac.NotifyPasswordChange {
			errs = append(errs, errors.New("Accounts.NotifyPasswordChange needs a Mailer"))
		}
		return errs
	}
	if !absoluteHTTPURL(ac.FrontendURL) {
		errs = append(errs, fmt.Errorf("Accounts.FrontendURL %q must be an absolute http(s) URL without user info", ac.FrontendURL))
	}
	if !strings.Contains(ac.PasswordResetURL, "{uid}") || !strings.Contains(ac.PasswordResetURL, "{token}") {
		errs = append(errs, errors.New("Accounts.PasswordResetURL must contain {uid} and {token}"))
	} else if !absoluteHTTPURL(link(ac.PasswordResetURL, "uid", "1", "token", "t")) {
		errs = append(errs, fmt.Errorf("Accounts.PasswordResetURL %q must be an absolute http(s) URL without user info", ac.PasswordResetURL))
	}
	if !strings.Contains(ac.VerifyEmailURL, "{key}") {
		errs = append(errs, errors.New("Accounts.VerifyEmailURL must contain {key}"))
	} else if !absoluteHTTPURL(link(ac.VerifyEmailURL, "key", "k")) {
		errs = append(errs, fmt.Errorf("Accounts.VerifyEmailURL %q must be an absolute http(s) URL without user info", ac.VerifyEmailURL))
	}
	if len(c.SecretKey) < 32 {
		errs = append(errs, errors.New("account mails need a SecretKey of at least 32 bytes (reset tokens and verification keys are signed with it)"))
	}
	if ac.PasswordResetTimeout < time.Second || ac.EmailConfirmationExpiry < time.Second {
		errs = append(errs, errors.New("Accounts.PasswordResetTimeout and Accounts.EmailConfirmationExpiry must be at least a second"))
	}
	return errs
}

// absoluteHTTPURL reports whether s is an absolute http or https URL with
// a host and no user info: mails must link only to the configured site,
// never to javascript:, scheme-relative or "https://site@evil" URLs.
func absoluteHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil &&
		!strings.ContainsAny(s, "\\ \t\r\n")
}
