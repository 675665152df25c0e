package core

import "strings"

// Message codes: every text restauth puts on the wire is looked up by one of
// these stable codes, so that an application can translate or reword them
// through Config.Messages without touching the code. The default texts are
// dj-rest-auth's (DRF's, Django's, allauth's) byte for byte, because clients
// written for dj-rest-auth sometimes match on them.
const (
	MsgRequired              = "required"
	MsgNull                  = "null"
	MsgBlank                 = "blank"
	MsgInvalidString         = "invalid_string"
	MsgInvalidEmail          = "invalid_email"
	MsgMaxLength             = "max_length"
	MsgInvalidUsername       = "invalid_username"
	MsgInvalidValue          = "invalid_value"
	MsgUsernameTaken         = "username_taken"
	MsgInvalidCredentials    = "invalid_credentials"
	MsgLoginNeedsUsername    = "login_needs_username"
	MsgLoginNeedsEmail       = "login_needs_email"
	MsgLoginNeedsEither      = "login_needs_either"
	MsgEmailNotVerified      = "email_not_verified"
	MsgLoggedOut             = "logged_out"
	MsgNotAuthenticated      = "not_authenticated"
	MsgPermissionDenied      = "permission_denied"
	MsgTokenNoCredentials    = "token_no_credentials"
	MsgTokenSpaces           = "token_spaces"
	MsgTokenInvalidChars     = "token_invalid_chars"
	MsgInvalidToken          = "invalid_token"
	MsgUserInactive          = "user_inactive"
	MsgMethodNotAllowed      = "method_not_allowed"
	MsgNotFound              = "not_found"
	MsgUnsupportedMediaType  = "unsupported_media_type"
	MsgParseError            = "parse_error"
	MsgNotADict              = "not_a_dict"
	MsgNoData                = "no_data"
	MsgNotAcceptable         = "not_acceptable"
	MsgRequestTooLarge       = "request_too_large"
	MsgServiceUnavailable    = "service_unavailable"
	MsgServerError           = "server_error"
	MsgPasswordTooLong       = "password_too_long"
	MsgPasswordMismatch      = "password_mismatch"
	MsgPasswordChanged       = "password_changed"
	MsgOldPasswordIncorrect  = "old_password_incorrect"
	MsgPasswordTooShort      = "password_too_short"
	MsgPasswordTooCommon     = "password_too_common"
	MsgPasswordNumeric       = "password_entirely_numeric"
	MsgPasswordTooSimilar    = "password_too_similar"
	MsgPasswordResetSent     = "password_reset_sent"
	MsgPasswordResetComplete = "password_reset_complete"
	MsgVerificationSent      = "verification_sent"
	MsgOK                    = "ok"
	MsgEmailTaken            = "email_taken"
	MsgRegisterMismatch      = "register_password_mismatch"
	MsgInvalidLinkValue      = "invalid_link_value"
)

// defaultMessages holds the English texts. Placeholders are written
// {name} and filled by Messages.Format.
var defaultMessages = map[string]string{
	MsgRequired:              "This field is required.",
	MsgNull:                  "This field may not be null.",
	MsgBlank:                 "This field may not be blank.",
	MsgInvalidString:         "Not a valid string.",
	MsgInvalidEmail:          "Enter a valid email address.",
	MsgMaxLength:             "Ensure this field has no more than {max_length} characters.",
	MsgInvalidUsername:       "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters.",
	MsgInvalidValue:          "Enter a valid value.",
	MsgUsernameTaken:         "A user with that username already exists.",
	MsgInvalidCredentials:    "Unable to log in with provided credentials.",
	MsgLoginNeedsUsername:    `Must include "username" and "password".`,
	MsgLoginNeedsEmail:       `Must include "email" and "password".`,
	MsgLoginNeedsEither:      `Must include either "username" or "email" and "password".`,
	MsgEmailNotVerified:      "E-mail is not verified.",
	MsgLoggedOut:             "Successfully logged out.",
	MsgNotAuthenticated:      "Authentication credentials were not provided.",
	MsgPermissionDenied:      "You do not have permission to perform this action.",
	MsgTokenNoCredentials:    "Invalid token header. No credentials provided.",
	MsgTokenSpaces:           "Invalid token header. Token string should not contain spaces.",
	MsgTokenInvalidChars:     "Invalid token header. Token string should not contain invalid characters.",
	MsgInvalidToken:          "Invalid token.",
	MsgUserInactive:          "User inactive or deleted.",
	MsgMethodNotAllowed:      `Method "{method}" not allowed.`,
	MsgNotFound:              "Not found.",
	MsgUnsupportedMediaType:  `Unsupported media type "{media_type}" in request.`,
	MsgParseError:            "JSON parse error - {error}",
	MsgNotADict:              "Invalid data. Expected a dictionary, but got {type}.",
	MsgNoData:                "No data provided",
	MsgNotAcceptable:         "Could not satisfy the request Accept header.",
	MsgRequestTooLarge:       "Request body is too large.",
	MsgServiceUnavailable:    "Service temporarily unavailable, try again later.",
	MsgServerError:           "A server error occurred.",
	MsgPasswordTooLong:       "Ensure this field has no more than {max_length} characters.",
	MsgPasswordMismatch:      "The two password fields didn’t match.",
	MsgPasswordChanged:       "New password has been saved.",
	MsgOldPasswordIncorrect:  "Your old password was entered incorrectly. Please enter it again.",
	MsgPasswordTooShort:      "This password is too short. It must contain at least {min_length} characters.",
	MsgPasswordTooCommon:     "This password is too common.",
	MsgPasswordNumeric:       "This password is entirely numeric.",
	MsgPasswordTooSimilar:    "The password is too similar to the {verbose_name}.",
	MsgPasswordResetSent:     "Password reset e-mail has been sent.",
	MsgPasswordResetComplete: "Password has been reset with the new password.",
	MsgVerificationSent:      "Verification e-mail sent.",
	MsgOK:                    "ok",
	MsgEmailTaken:            "A user is already registered with this e-mail address.",
	MsgRegisterMismatch:      "The two password fields didn't match.",
	MsgInvalidLinkValue:      "Invalid value",
}

// Messages is the message catalog: stable code to text. The zero value
// serves the English defaults.
type Messages struct {
	overrides map[string]string
}

// newMessages returns a catalog that serves overrides first and the English
// defaults for every code not overridden.
func newMessages(overrides map[string]string) Messages {
	cp := make(map[string]string, len(overrides))
	for k, v := range overrides {
		cp[k] = v
	}
	return Messages{overrides: cp}
}

// Text returns the raw text for code, with its placeholders unfilled. An
// unknown code returns the code itself, so a missing entry is visible
// rather than silent.
func (m Messages) Text(code string) string {
	if t, ok := m.overrides[code]; ok {
		return t
	}
	if t, ok := defaultMessages[code]; ok {
		return t
	}
	return code
}

// Format returns the text for code with {name} placeholders replaced by the
// name/value pairs in args.
func (m Messages) Format(code string, args ...string) string {
	t := m.Text(code)
	if len(args) < 2 {
		return t
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+args[i]+"}", args[i+1])
	}
	return strings.NewReplacer(pairs...).Replace(t)
}
