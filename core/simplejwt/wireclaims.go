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
	// errNotDecoded: the payload was the literal null, which decode skips
	// (as encoding/json skips an Unmarshaler for null, which Parse used to
	// go through), so a signed "null" payload must not look like an empty
	// object. It is reported after the signature check.
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

// date is a NumericDate claim held by value, so decoding it allocates
// nothing; set reports whether the claim was present.
type date struct {
	jwt.NumericDate
	set bool
}

// ptr returns the date as golang-jwt's getters expect it: nil when absent.
func (d *date) ptr() *jwt.NumericDate {
	if !d.set {
		return nil
	}
	return &d.NumericDate
}

// wireClaims is the decoded payload. It implements jwt.Claims for the
// registered-claim checks (exp, nbf, iat, iss, aud) of golang-jwt's
// Validator and jwt.ClaimsValidator for SimpleJWT's own checks, which Parse
// runs only after the signature has verified.
//
// decode is strict about registered claims (wrong type, duplicate, out of
// range → malformed) but only records token_type, jti and the user id,
// whose problems have their own SimpleJWT messages and must not be
// reported for a token whose signature is bad.
type wireClaims struct {
	// Set by Parse before decoding.
	userIDClaim   string
	want          TokenType
	audConfigured bool

	decoded bool // the payload was not the literal null

	exp, iat, nbf date
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

// decode reads the payload b, before the signature is verified, on input
// bounded by Config.MaxTokenLength. A literal null (white space around it
// allowed) leaves w undecoded, for Validate to reject.
func (w *wireClaims) decode(b []byte) error {
	if isNull(b) {
		return nil
	}
	w.decoded = true
	return walkObject(b, w.member)
}

// isNull reports whether b is the JSON literal null.
func isNull(b []byte) bool {
	i := skipSpace(b, 0)
	end := scanLiteral(b, i, "null")
	return end >= 0 && skipSpace(b, end) == len(b)
}

// member decodes one payload member. Only the values kept (jti, fam, iss,
// an unusual token_type, custom claims) are copied out of the payload.
func (w *wireClaims) member(name, raw []byte) error {
	switch string(name) {
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
		s, ok := stringBytes(raw)
		if !ok || len(s) == 0 || len(s) > maxIDLength {
			return errBadClaimType
		}
		w.family = string(s)
	case claimTokenType:
		s, ok := stringBytes(raw)
		w.tokenType, w.typeState = tokenTypeOf(s), presenceOf(ok)
	case claimJTI:
		s, ok := stringBytes(raw)
		ok = ok && len(s) != 0 && len(s) <= maxIDLength
		w.jti, w.jtiState = string(s), presenceOf(ok)
	default:
		if string(name) == w.userIDClaim {
			id, ok := decodeUserID(raw)
			w.userID, w.userState = id, presenceOf(ok)
			return nil
		}
		v, err := decodeExtra(raw)
		if err != nil {
			return err
		}
		if w.extra == nil {
			w.extra = make(map[string]any)
		}
		w.extra[string(name)] = v
	}
	return nil
}

// tokenTypeOf returns s as a TokenType, without allocating for the two
// types restauth uses.
func tokenTypeOf(s []byte) TokenType {
	switch string(s) {
	case string(Access):
		return Access
	case string(Refresh):
		return Refresh
	}
	return TokenType(s)
}

// presenceOf maps a decoder's ok to valid or unusable.
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
func decodeDate(raw []byte, dst *date) error {
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return errBadClaimType
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil || n < 0 || n > maxNumericDate {
		return errBadClaimType
	}
	*dst = date{NumericDate: jwt.NumericDate{Time: time.Unix(n, 0).UTC()}, set: true}
	return nil
}

// decodeUserID accepts an integer JSON number, or a JSON string holding the
// canonical decimal form of an int64 ("7", not "07", "+7" or "7.0").
func decodeUserID(raw []byte) (int64, bool) {
	text := raw
	if s, ok := stringBytes(raw); ok {
		text = s
	} else if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return 0, false
	}
	n, err := strconv.ParseInt(string(text), 10, 64)
	var canonical [20]byte
	if err != nil || !bytes.Equal(strconv.AppendInt(canonical[:0], n, 10), text) {
		return 0, false
	}
	return n, true
}

// decodeExtra decodes a custom claim, keeping numbers as json.Number.
func decodeExtra(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// GetExpirationTime implements jwt.Claims.
func (w *wireClaims) GetExpirationTime() (*jwt.NumericDate, error) { return w.exp.ptr(), nil }

// GetIssuedAt implements jwt.Claims.
func (w *wireClaims) GetIssuedAt() (*jwt.NumericDate, error) { return w.iat.ptr(), nil }

// GetNotBefore implements jwt.Claims.
func (w *wireClaims) GetNotBefore() (*jwt.NumericDate, error) { return w.nbf.ptr(), nil }

// GetIssuer implements jwt.Claims.
func (w *wireClaims) GetIssuer() (string, error) { return w.iss, nil }

// GetSubject implements jwt.Claims. sub is not a restauth claim; it is
// returned in Claims.Extra if present.
func (w *wireClaims) GetSubject() (string, error) { return "", nil }

// GetAudience implements jwt.Claims.
func (w *wireClaims) GetAudience() (jwt.ClaimStrings, error) { return w.aud, nil }

// Validate implements jwt.ClaimsValidator. golang-jwt's Validator calls it
// after its own exp/nbf/iat/iss/aud checks and joins its error with
// theirs; Parse gives theirs precedence. It returns the first failure in
// SimpleJWT's order: registered claims, then jti, then token_type, then
// the user id.
func (w *wireClaims) Validate() error {
	switch {
	case !w.decoded:
		return errNotDecoded
	case w.hasAud && !w.audConfigured && len(w.aud) > 0:
		// PyJWT rejects a token with an aud when none is expected.
		return jwt.ErrTokenInvalidAudience
	case !w.iat.set:
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
