package simplejwt

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// maxNumericDate is 9999-12-31T23:59:59Z. Dates are limited to
// [0, maxNumericDate] so time arithmetic cannot overflow.
const maxNumericDate = 253402300799

// Internal decode failures, reported by Parse as ErrMalformed.
var (
	// errBadClaimType: a registered claim of the wrong JSON type.
	errBadClaimType = errors.New("registered claim has the wrong type")
	// errNotDecoded: the payload never reached UnmarshalJSON. encoding/json
	// skips an Unmarshaler for a literal null, so a signed "null" payload
	// would otherwise look like an empty object.
	errNotDecoded = errors.New("payload is not a JSON object")
)

// presence records whether a claim was absent, present and usable, or
// present with an unusable value.
type presence uint8

const (
	absent presence = iota
	valid
	unusable
)

// wireClaims is the payload as decoded by golang-jwt. It implements
// jwt.Claims for the registered-claim checks (exp, nbf, iat, iss, aud) and
// jwt.ClaimsValidator for SimpleJWT's own checks, which golang-jwt runs
// only after the signature has verified.
//
// UnmarshalJSON is strict about registered claims (wrong type, duplicate,
// out of range → malformed) but only records token_type, jti and the user
// id, whose problems have their own SimpleJWT messages and must not be
// reported for a token whose signature is bad.
type wireClaims struct {
	// Set by Parse before decoding.
	userIDClaim   string
	want          TokenType
	audConfigured bool

	decoded bool // UnmarshalJSON ran

	exp, iat, nbf *jwt.NumericDate
	iss           string
	aud           jwt.ClaimStrings
	hasAud        bool

	tokenType TokenType
	typeState presence
	jti       string
	jtiState  presence
	userID    int64
	userState presence
	family    string
	extra     map[string]any
}

// UnmarshalJSON decodes the payload. It is called by golang-jwt before the
// signature is verified, on input bounded by Config.MaxTokenLength.
func (w *wireClaims) UnmarshalJSON(b []byte) error {
	w.decoded = true
	return walkObject(b, func(name string, raw json.RawMessage) error {
		switch name {
		case claimExp:
			return decodeDate(raw, &w.exp)
		case claimIat:
			return decodeDate(raw, &w.iat)
		case claimNbf:
			return decodeDate(raw, &w.nbf)
		case claimIss:
			s, ok := rawString(raw)
			if !ok {
				return errBadClaimType
			}
			w.iss = s
		case claimAud:
			// A string or an array of strings; null, numbers, objects and
			// mixed arrays are malformed (CVE-2020-26160 class).
			if raw[0] != '"' && raw[0] != '[' {
				return errBadClaimType
			}
			if err := w.aud.UnmarshalJSON(raw); err != nil {
				return errBadClaimType
			}
			w.hasAud = true
		case FamilyClaim:
			s, ok := rawString(raw)
			if !ok || s == "" || len(s) > maxIDLength {
				return errBadClaimType
			}
			w.family = s
		case claimTokenType:
			s, ok := rawString(raw)
			w.tokenType, w.typeState = TokenType(s), presenceOf(ok)
		case claimJTI:
			s, ok := rawString(raw)
			ok = ok && s != "" && len(s) <= maxIDLength
			w.jti, w.jtiState = s, presenceOf(ok)
		case w.userIDClaim:
			id, ok := decodeUserID(raw)
			w.userID, w.userState = id, presenceOf(ok)
		default:
			v, err := decodeExtra(raw)
			if err != nil {
				return err
			}
			if w.extra == nil {
				w.extra = make(map[string]any)
			}
			w.extra[name] = v
		}
		return nil
	})
}

func presenceOf(ok bool) presence {
	if ok {
		return valid
	}
	return unusable
}

// decodeDate parses a NumericDate. Only an integer JSON number in
// [0, maxNumericDate] is accepted: SimpleJWT and Mint write integers, and
// this rules out strings (which encoding/json would happily read into a
// json.Number), arrays, objects, fractions and 1e309.
func decodeDate(raw json.RawMessage, dst **jwt.NumericDate) error {
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return errBadClaimType
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n < 0 || n > maxNumericDate {
		return errBadClaimType
	}
	*dst = &jwt.NumericDate{Time: time.Unix(n, 0).UTC()}
	return nil
}

// decodeUserID accepts an integer JSON number, or a JSON string holding the
// canonical decimal form of an int64 ("7", not "07", "+7" or "7.0").
func decodeUserID(raw json.RawMessage) (int64, bool) {
	text := string(raw)
	if s, ok := rawString(raw); ok {
		text = s
	} else if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return 0, false
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || strconv.FormatInt(n, 10) != text {
		return 0, false
	}
	return n, true
}

// decodeExtra decodes a custom claim, keeping numbers as json.Number.
func decodeExtra(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// GetExpirationTime implements jwt.Claims.
func (w *wireClaims) GetExpirationTime() (*jwt.NumericDate, error) { return w.exp, nil }

// GetIssuedAt implements jwt.Claims.
func (w *wireClaims) GetIssuedAt() (*jwt.NumericDate, error) { return w.iat, nil }

// GetNotBefore implements jwt.Claims.
func (w *wireClaims) GetNotBefore() (*jwt.NumericDate, error) { return w.nbf, nil }

// GetIssuer implements jwt.Claims.
func (w *wireClaims) GetIssuer() (string, error) { return w.iss, nil }

// GetSubject implements jwt.Claims. sub is not a restauth claim; it is
// returned in Claims.Extra if present.
func (w *wireClaims) GetSubject() (string, error) { return "", nil }

// GetAudience implements jwt.Claims.
func (w *wireClaims) GetAudience() (jwt.ClaimStrings, error) { return w.aud, nil }

// Validate implements jwt.ClaimsValidator. golang-jwt calls it after the
// signature and its own exp/nbf/iat/iss/aud checks, and joins its error
// with theirs; Parse gives theirs precedence. It returns the first failure
// in SimpleJWT's order: registered claims, then jti, then token_type, then
// the user id.
func (w *wireClaims) Validate() error {
	switch {
	case !w.decoded:
		return errNotDecoded
	case w.hasAud && !w.audConfigured && len(w.aud) > 0:
		// PyJWT rejects a token with an aud when none is expected.
		return jwt.ErrTokenInvalidAudience
	case w.iat == nil:
		// SimpleJWT and Mint always write iat.
		return jwt.ErrTokenRequiredClaimMissing
	case w.jtiState != valid:
		return ErrNoID
	case w.typeState == absent:
		return ErrNoType
	case w.typeState != valid || (w.tokenType != Access && w.tokenType != Refresh):
		return ErrWrongType
	case w.want != "" && w.tokenType != w.want:
		return ErrWrongType
	case w.userState != valid:
		return ErrNoUserID
	}
	return nil
}

// claims converts a validated payload.
func (w *wireClaims) claims() *Claims {
	return &Claims{
		TokenType: w.tokenType,
		Expires:   w.exp.Time,
		IssuedAt:  w.iat.Time,
		JTI:       w.jti,
		UserID:    w.userID,
		Family:    w.family,
		Extra:     w.extra,
	}
}
