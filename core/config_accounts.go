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
	// mail.NewConsole in development, mail.NewOutbox in tests).
	Mailer mail.Mailer
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
		return nil
	}
	u, err := url.Parse(ac.FrontendURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("Accounts.FrontendURL %q must be an absolute http(s) URL", ac.FrontendURL))
	}
	if !strings.Contains(ac.PasswordResetURL, "{uid}") || !strings.Contains(ac.PasswordResetURL, "{token}") {
		errs = append(errs, errors.New("Accounts.PasswordResetURL must contain {uid} and {token}"))
	}
	if !strings.Contains(ac.VerifyEmailURL, "{key}") {
		errs = append(errs, errors.New("Accounts.VerifyEmailURL must contain {key}"))
	}
	if len(c.SecretKey) < 32 {
		errs = append(errs, errors.New("account mails need a SecretKey of at least 32 bytes (reset tokens and verification keys are signed with it)"))
	}
	if ac.PasswordResetTimeout < time.Second || ac.EmailConfirmationExpiry < time.Second {
		errs = append(errs, errors.New("Accounts timeouts must be at least a second"))
	}
	return errs
}
