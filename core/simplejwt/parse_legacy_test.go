package simplejwt

// The implementation of Parse before it was rewritten to decode each segment
// once (BENCHMARKS.md F1, F1b): golang-jwt's ParseWithClaims over a walker
// that ran json.Valid first. It is kept, renamed, only as an oracle: the
// differential tests in parse_equivalence_test.go check that the rewrite
// accepts and rejects exactly as it did, with the same sentinel. Change
// Parse's semantics deliberately by changing both, or delete this file.

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"
)

// legacyHeader is what legacyParseHeader takes from a JOSE header.
type legacyHeader struct {
	alg    string
	kid    string
	hasKID bool
}

// legacyAllows reports whether alg is the algorithm of a configured key.
func (r *keyring) legacyAllows(alg string) bool {
	_, ok := r.byAlg[alg]
	return ok
}

// legacyVerifier selects the verification key(s) for a token, as
// golang-jwt's Keyfunc returns them: one key, or a VerificationKeySet.
func (r *keyring) legacyVerifier(alg, kid string, hasKID bool) (any, error) {
	keys, err := r.verifiers(tokenHeader{alg: alg, kid: []byte(kid), hasKID: hasKID})
	if err != nil {
		return nil, err
	}
	if len(keys) == 1 {
		return keys[0].legacyKey(), nil
	}
	set := jwt.VerificationKeySet{}
	for _, e := range keys {
		set.Keys = append(set.Keys, e.legacyKey())
	}
	return set, nil
}

// legacyKey returns the value golang-jwt's SigningMethod.Verify expects.
func (e *keyEntry) legacyKey() any {
	if e.alg.family == familyHMAC {
		return e.secret
	}
	return e.public
}

// legacyParse is Parse as it was: golang-jwt ParseWithClaims after our
// own header check.
func (c *Codec) legacyParse(parser *jwt.Parser, token string, want TokenType) (*Claims, error) {
	if len(token) > c.maxLen {
		return nil, ErrTooLong
	}
	if !wellFormed(token) {
		return nil, ErrMalformed
	}
	headerSeg, _, _ := strings.Cut(token, ".")
	h, err := c.legacyParseHeader(headerSeg)
	if err != nil {
		return nil, err
	}
	key, err := c.keys.legacyVerifier(h.alg, h.kid, h.hasKID)
	if err != nil {
		return nil, err
	}
	wc := &legacyClaims{userIDClaim: c.userIDClaim, want: want, audConfigured: c.audience != ""}
	tok, err := parser.ParseWithClaims(token, wc, func(t *jwt.Token) (any, error) {
		// golang-jwt decoded the header again; insist it reached the same
		// algorithm we selected the key for.
		if alg, _ := t.Header["alg"].(string); alg != h.alg || t.Method == nil || t.Method.Alg() != h.alg {
			return nil, ErrAlgorithm
		}
		return key, nil
	})
	if err != nil {
		return nil, legacyClassify(err)
	}
	if tok == nil || !tok.Valid {
		return nil, ErrInvalid
	}
	return wc.claims(), nil
}

// legacyIsRegisteredClaimFailure reports whether err holds one of golang-jwt's
// failures of nbf/iat/iss/aud or a missing required claim, or an aud we
// did not expect (from legacyClaims.Validate).
func legacyIsRegisteredClaimFailure(err error) bool {
	return errors.Is(err, jwt.ErrTokenNotValidYet) ||
		errors.Is(err, jwt.ErrTokenUsedBeforeIssued) ||
		errors.Is(err, jwt.ErrTokenInvalidAudience) ||
		errors.Is(err, jwt.ErrTokenInvalidIssuer) ||
		errors.Is(err, jwt.ErrTokenRequiredClaimMissing) ||
		errors.Is(err, jwt.ErrTokenInvalidSubject) ||
		errors.Is(err, jwt.ErrTokenInvalidId) ||
		errors.Is(err, jwt.ErrInvalidType)
}

// legacyClassify maps a golang-jwt error to one sentinel. Cryptographic and
// structural failures come first: golang-jwt verifies the signature before
// any claim, so an expired forgery is ErrBadSignature. Among claim
// failures, registered claims take precedence over SimpleJWT's own checks
// (SimpleJWT decodes before it looks at jti or token_type), and expiry is
// reported as ErrExpired only when it is the sole registered failure.
// Anything unrecognised is ErrInvalid: fail closed.
func legacyClassify(err error) error {
	switch {
	case errors.Is(err, ErrAlgorithm):
		return ErrAlgorithm
	case errors.Is(err, jwt.ErrTokenMalformed), errors.Is(err, errNotDecoded):
		return ErrMalformed
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return ErrBadSignature
	case !errors.Is(err, jwt.ErrTokenInvalidClaims):
		return ErrInvalid
	}
	switch {
	case legacyIsRegisteredClaimFailure(err):
		return ErrClaims
	case errors.Is(err, jwt.ErrTokenExpired):
		return ErrExpired
	case errors.Is(err, ErrNoID):
		return ErrNoID
	case errors.Is(err, ErrNoType):
		return ErrNoType
	case errors.Is(err, ErrWrongType):
		return ErrWrongType
	case errors.Is(err, ErrNoUserID):
		return ErrNoUserID
	}
	return ErrInvalid
}

// legacyParseHeader decodes and checks the header segment before the payload is
// looked at. Only alg, kid and typ may appear: crit must be rejected
// (RFC 7515 §4.1.11, we understand no extension), and jku, x5u, jwk, x5c
// would invite fetching or trusting attacker-supplied keys (RFC 8725
// §3.10), so rather than ignore them the token is refused. Neither
// SimpleJWT nor Mint writes any of them.
func (c *Codec) legacyParseHeader(seg string) (legacyHeader, error) {
	b, err := c.b64.DecodeString(seg)
	if err != nil {
		return legacyHeader{}, ErrMalformed
	}
	var h legacyHeader
	var hasAlg, hasTyp bool
	err = legacyWalkObject(b, func(name string, raw json.RawMessage) error {
		s, ok := legacyRawString(raw)
		if !ok {
			return ErrMalformed
		}
		switch name {
		case "alg":
			h.alg, hasAlg = s, true
		case "kid":
			h.kid, h.hasKID = s, true
		case "typ":
			if s != headerType {
				return ErrMalformed
			}
			hasTyp = true
		default:
			return ErrMalformed
		}
		return nil
	})
	switch {
	case err != nil:
		return legacyHeader{}, ErrMalformed
	case !hasTyp:
		return legacyHeader{}, ErrMalformed
	case !hasAlg || !c.keys.legacyAllows(h.alg):
		return legacyHeader{}, ErrAlgorithm
	}
	return h, nil
}

// legacyWalkObject calls visit for each member of the JSON object b, in order,
// with the member's raw value. It rejects invalid JSON, invalid UTF-8
// (which encoding/json would silently replace, RFC 8725 §3.7), anything
// but a single object, and duplicate member names (JSON parsers disagree
// on which duplicate wins, so such a token has no single meaning).
//
// b is validated with json.Valid first; the scan below then only finds
// member boundaries, and is bounds-checked anyway so it can never panic.
func legacyWalkObject(b []byte, visit func(name string, raw json.RawMessage) error) error {
	if !utf8.Valid(b) {
		return errBadUTF8
	}
	if !json.Valid(b) {
		return errNotObject
	}
	i := legacySkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return errNotObject
	}
	i = legacySkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return nil // {} is the only object json.Valid lets end here
	}
	var names legacyNameSet
	for {
		end := legacyScanString(b, i)
		if end < 0 {
			return errNotObject
		}
		name, ok := legacyRawString(b[i:end])
		if !ok {
			return errNotObject
		}
		if !names.add(name) {
			return errDuplicate
		}

		i = legacySkipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return errNotObject
		}
		i = legacySkipSpace(b, i+1)
		end = legacyScanValue(b, i)
		if end < 0 {
			return errNotObject
		}
		if err := visit(name, b[i:end]); err != nil {
			return err
		}

		i = legacySkipSpace(b, end)
		if i >= len(b) {
			return errNotObject
		}
		switch b[i] {
		case ',':
			i = legacySkipSpace(b, i+1)
		case '}':
			if legacySkipSpace(b, i+1) != len(b) {
				return errNotObject
			}
			return nil
		default:
			return errNotObject
		}
	}
}

// legacyNameSet detects duplicate member names: a linear scan of a small array
// for the handful of members a token has, a map beyond that so a hostile
// object with thousands of members stays linear.
type legacyNameSet struct {
	small [12]string
	n     int
	large map[string]struct{}
}

// add records name and reports whether it was new.
func (s *legacyNameSet) add(name string) bool {
	if s.large != nil {
		if _, dup := s.large[name]; dup {
			return false
		}
		s.large[name] = struct{}{}
		return true
	}
	for _, seen := range s.small[:s.n] {
		if seen == name {
			return false
		}
	}
	if s.n < len(s.small) {
		s.small[s.n] = name
		s.n++
		return true
	}
	s.large = make(map[string]struct{}, 2*len(s.small))
	for _, seen := range s.small {
		s.large[seen] = struct{}{}
	}
	s.large[name] = struct{}{}
	return true
}

// legacySkipSpace returns the index of the first non-whitespace byte at or after i.
func legacySkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// legacyScanString returns the index just past the JSON string starting at i, or
// -1.
func legacyScanString(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// legacyScanValue returns the index just past the JSON value starting at i, or -1.
func legacyScanValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return legacyScanString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end := legacyScanString(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// legacyRawString decodes raw if it is a JSON string; ok is false for any other
// JSON type (including null). Strings without escapes, the usual case, are
// converted directly.
func legacyRawString(raw []byte) (s string, ok bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	inner := raw[1 : len(raw)-1]
	if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && utf8.Valid(inner) && !legacyHasControl(inner) {
		return string(inner), true
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// legacyHasControl reports whether b holds a byte JSON forbids unescaped in a
// string.
func legacyHasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// legacyClaims is the payload as decoded by golang-jwt. It implements
// jwt.Claims for the registered-claim checks (exp, nbf, iat, iss, aud) and
// jwt.ClaimsValidator for SimpleJWT's own checks, which golang-jwt runs
// only after the signature has verified.
//
// UnmarshalJSON is strict about registered claims (wrong type, duplicate,
// out of range → malformed) but only records token_type, jti and the user
// id, whose problems have their own SimpleJWT messages and must not be
// reported for a token whose signature is bad.
type legacyClaims struct {
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
func (w *legacyClaims) UnmarshalJSON(b []byte) error {
	w.decoded = true
	return legacyWalkObject(b, func(name string, raw json.RawMessage) error {
		switch name {
		case claimExp:
			return legacyDecodeDate(raw, &w.exp)
		case claimIat:
			return legacyDecodeDate(raw, &w.iat)
		case claimNbf:
			return legacyDecodeDate(raw, &w.nbf)
		case claimIss:
			s, ok := legacyRawString(raw)
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
			s, ok := legacyRawString(raw)
			if !ok || s == "" || len(s) > maxIDLength {
				return errBadClaimType
			}
			w.family = s
		case claimTokenType:
			s, ok := legacyRawString(raw)
			w.tokenType, w.typeState = TokenType(s), legacyPresenceOf(ok)
		case claimJTI:
			s, ok := legacyRawString(raw)
			ok = ok && s != "" && len(s) <= maxIDLength
			w.jti, w.jtiState = s, legacyPresenceOf(ok)
		case w.userIDClaim:
			id, ok := legacyDecodeUserID(raw)
			w.userID, w.userState = id, legacyPresenceOf(ok)
		default:
			v, err := legacyDecodeExtra(raw)
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

func legacyPresenceOf(ok bool) presence {
	if ok {
		return valid
	}
	return unusable
}

// legacyDecodeDate parses a NumericDate. Only an integer JSON number in
// [0, maxNumericDate] is accepted: SimpleJWT and Mint write integers, and
// this rules out strings (which encoding/json would happily read into a
// json.Number), arrays, objects, fractions and 1e309.
func legacyDecodeDate(raw json.RawMessage, dst **jwt.NumericDate) error {
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

// legacyDecodeUserID accepts an integer JSON number, or a JSON string holding the
// canonical decimal form of an int64 ("7", not "07", "+7" or "7.0").
func legacyDecodeUserID(raw json.RawMessage) (int64, bool) {
	text := string(raw)
	if s, ok := legacyRawString(raw); ok {
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

// legacyDecodeExtra decodes a custom claim, keeping numbers as json.Number.
func legacyDecodeExtra(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// GetExpirationTime implements jwt.Claims.
func (w *legacyClaims) GetExpirationTime() (*jwt.NumericDate, error) { return w.exp, nil }

// GetIssuedAt implements jwt.Claims.
func (w *legacyClaims) GetIssuedAt() (*jwt.NumericDate, error) { return w.iat, nil }

// GetNotBefore implements jwt.Claims.
func (w *legacyClaims) GetNotBefore() (*jwt.NumericDate, error) { return w.nbf, nil }

// GetIssuer implements jwt.Claims.
func (w *legacyClaims) GetIssuer() (string, error) { return w.iss, nil }

// GetSubject implements jwt.Claims. sub is not a restauth claim; it is
// returned in Claims.Extra if present.
func (w *legacyClaims) GetSubject() (string, error) { return "", nil }

// GetAudience implements jwt.Claims.
func (w *legacyClaims) GetAudience() (jwt.ClaimStrings, error) { return w.aud, nil }

// Validate implements jwt.ClaimsValidator. golang-jwt calls it after the
// signature and its own exp/nbf/iat/iss/aud checks, and joins its error
// with theirs; Parse gives theirs precedence. It returns the first failure
// in SimpleJWT's order: registered claims, then jti, then token_type, then
// the user id.
func (w *legacyClaims) Validate() error {
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
func (w *legacyClaims) claims() *Claims {
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
