package social

import "github.com/restauth/restauth/core"

// Message codes of the social endpoints. Like core's, each text can be
// replaced through core.Config.Messages under its code; the defaults are
// dj-rest-auth's and allauth's texts, byte for byte, where they have one.
const (
	MsgNoCredentials      = "social_no_credentials"
	MsgNeedsIDToken       = "social_needs_id_token"
	MsgCodeExchange       = "social_code_exchange"
	MsgIncorrectValue     = "social_incorrect_value"
	MsgEmailTaken         = "social_email_taken"
	MsgConnectedElsewhere = "social_connected_elsewhere"
	MsgNoPassword         = "social_no_password"
	MsgNoVerifiedEmail    = "social_no_verified_email"
	MsgSignupClosed       = "social_signup_closed"
	MsgSignupNeedsEmail   = "social_signup_needs_email"
)

var defaultMessages = map[string]string{
	MsgNoCredentials:      "Incorrect input. access_token or code is required.",
	MsgNeedsIDToken:       "Incorrect input. id_token or code is required.",
	MsgCodeExchange:       "Failed to exchange code for access token",
	MsgIncorrectValue:     "Incorrect value",
	MsgEmailTaken:         "User is already registered with this e-mail address.",
	MsgConnectedElsewhere: "The social account is already connected to a different account.",
	MsgNoPassword:         "Your account has no password set up.",
	MsgNoVerifiedEmail:    "Your account has no verified e-mail address.",
	MsgSignupClosed:       "We are sorry, but the sign up is currently closed.",
	MsgSignupNeedsEmail:   "An e-mail address is required to sign up, and the provider did not share a usable one.",
}

// text returns the text of code: core.Config.Messages' override, or the
// default.
func text(cfg core.Config, code string) string {
	if t, ok := cfg.Messages[code]; ok {
		return t
	}
	return defaultMessages[code]
}

// DefaultMessage returns the default (English) text of a social message
// code, "" for an unknown code.
func DefaultMessage(code string) string { return defaultMessages[code] }
