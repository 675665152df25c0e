package simplejwt

import "errors"

// SimpleJWT's user-facing messages (djangorestframework-simplejwt 5.2.2).
// They are the Error() text of the rejection sentinels so that callers can
// render them as is.
const (
	msgInvalid   = "Token is invalid or expired"
	msgNoID      = "Token has no id"
	msgNoType    = "Token has no type"
	msgWrongType = "Token has wrong type"
	msgNoUserID  = "Token contained no recognizable user identification"
)

// tokenError is a token rejection. Its Error() is SimpleJWT's message for
// the case; reason is a fixed, log-safe word; parent is the broader sentinel
// it also matches with errors.Is. It never carries the token or a key.
type tokenError struct {
	msg    string
	reason string
	parent error
}

// Error returns SimpleJWT's message for the rejection.
func (e *tokenError) Error() string { return e.msg }

// Is reports whether target is the broader sentinel e belongs to.
func (e *tokenError) Is(target error) bool { return e.parent != nil && target == e.parent }

// Rejections returned by Codec.Parse. Every Parse error is one of these
// values (never wrapped), so errors.Is and == both work and no allocation
// happens on the rejection path.
//
// Their Error() text is SimpleJWT's exact message. ErrInvalid covers every
// cryptographic or structural failure and has SimpleJWT 5.2.2's message; the
// more specific sentinels below it (ErrExpired, ErrTooLong, ErrMalformed,
// ErrAlgorithm, ErrUnknownKey, ErrBadSignature, ErrClaims) have the same
// message and also match ErrInvalid, so a caller renders err.Error() and can
// still tell the cases apart for logging (see Reason). Callers that render
// SimpleJWT ≥5.5 messages map ErrExpired to "Token is expired" and the rest
// of ErrInvalid to "Token is invalid".
var (
	// ErrInvalid: the token is not acceptable (SimpleJWT's
	// "Token is invalid or expired"). Every sentinel below up to ErrClaims
	// also matches it.
	ErrInvalid error = &tokenError{msg: msgInvalid, reason: "invalid"}

	// ErrExpired: the token is authentic and well formed but its exp has
	// passed (beyond the leeway). Reported only when expiry is the sole
	// problem: an expired token with a bad signature is ErrBadSignature
	// (CVE-2024-51744 class), never ErrExpired.
	ErrExpired error = &tokenError{msg: msgInvalid, reason: "expired", parent: ErrInvalid}

	// ErrTooLong: the token is longer than Config.MaxTokenLength and was
	// rejected before any decoding (CVE-2025-30204 class).
	ErrTooLong error = &tokenError{msg: msgInvalid, reason: "too_long", parent: ErrInvalid}

	// ErrMalformed: wrong number of segments, characters outside base64url,
	// non-canonical base64, invalid JSON or UTF-8, duplicate member names,
	// header members other than alg/kid/typ (so crit, jku, x5u, jwk, x5c are
	// rejected, never used), or a registered claim of the wrong JSON type.
	ErrMalformed error = &tokenError{msg: msgInvalid, reason: "malformed", parent: ErrInvalid}

	// ErrAlgorithm: the header's alg is missing or is not the algorithm of
	// any configured key (none, HS/RS confusion, HS384 where HS256 is set).
	ErrAlgorithm error = &tokenError{msg: msgInvalid, reason: "algorithm", parent: ErrInvalid}

	// ErrUnknownKey: the header's kid names no configured key of the
	// token's algorithm. A kid only ever selects among configured keys.
	ErrUnknownKey error = &tokenError{msg: msgInvalid, reason: "unknown_key", parent: ErrInvalid}

	// ErrBadSignature: the signature does not verify with the selected
	// key(s). Checked before any claim, so an expired forgery reports this.
	ErrBadSignature error = &tokenError{msg: msgInvalid, reason: "bad_signature", parent: ErrInvalid}

	// ErrClaims: the token is authentic but a registered claim fails: wrong
	// or unexpected aud, wrong or missing iss, missing exp or iat, nbf or
	// iat in the future beyond the leeway.
	ErrClaims error = &tokenError{msg: msgInvalid, reason: "claims", parent: ErrInvalid}

	// ErrNoID: the token is authentic but has no usable jti (SimpleJWT's
	// "Token has no id").
	ErrNoID error = &tokenError{msg: msgNoID, reason: "no_id"}

	// ErrNoType: the token is authentic but has no token_type
	// ("Token has no type").
	ErrNoType error = &tokenError{msg: msgNoType, reason: "no_type"}

	// ErrWrongType: token_type is not the one asked for, or is neither
	// "access" nor "refresh" ("Token has wrong type").
	ErrWrongType error = &tokenError{msg: msgWrongType, reason: "wrong_type"}

	// ErrNoUserID: the user id claim is missing or is not an integer (a
	// JSON number, or a string of digits as SimpleJWT ≥5.5.1 writes it)
	// ("Token contained no recognizable user identification").
	ErrNoUserID error = &tokenError{msg: msgNoUserID, reason: "no_user_id"}
)

// Errors returned by New and by the minting methods. They are wrapped with
// a description of the offending setting or claim (never its value when it
// is a key, secret or token), so test them with errors.Is.
var (
	// ErrConfig: New was given an unusable Config.
	ErrConfig = errors.New("simplejwt: invalid configuration")

	// ErrBadClaims: Mint was given claims it cannot encode faithfully.
	ErrBadClaims = errors.New("simplejwt: claims cannot be minted")

	// ErrSigning: the signing key failed to produce a signature (for
	// example a remote crypto.Signer that is unavailable).
	ErrSigning = errors.New("simplejwt: signing failed")
)

// Reason returns a short, stable, log-safe word describing why Parse
// rejected a token ("expired", "bad_signature", "too_long", "malformed",
// "algorithm", "unknown_key", "claims", "no_id", "no_type", "wrong_type",
// "no_user_id", "invalid"), or "" when err did not come from Parse. Log this
// instead of err.Error(), which is the same text for most cases.
func Reason(err error) string {
	var te *tokenError
	if errors.As(err, &te) {
		return te.reason
	}
	return ""
}
