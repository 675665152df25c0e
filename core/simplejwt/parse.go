package simplejwt

import (
	"errors"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// Parse verifies token and returns its claims. want is the token type the
// caller needs (Access for authentication, Refresh for the refresh
// endpoint) or "" for any type (the verify endpoint).
//
// Checks, in order, each failure returning one sentinel (see ErrInvalid):
//
//  1. length ≤ MaxTokenLength, before anything else (ErrTooLong);
//  2. three segments of base64url characters only (ErrMalformed);
//  3. header: canonical base64url, valid UTF-8 JSON, no duplicate members,
//     only alg/kid/typ, typ "JWT" (ErrMalformed); alg one of the configured
//     keys' algorithms (ErrAlgorithm — so none, and HS256 where only RS256
//     is configured, are refused); kid, if any, a configured key of that
//     algorithm (ErrUnknownKey); without kid every key of the algorithm is
//     tried;
//  4. payload decoded strictly (ErrMalformed): canonical base64url, a JSON
//     object (or the literal null, refused at step 6), valid UTF-8, no
//     duplicate names, exp/iat/nbf integer numbers, iss a string, aud a
//     string or array of strings, fam a non-empty string; then the
//     signature segment's base64url (ErrMalformed);
//  5. signature (ErrBadSignature): HMAC computed with a pooled MAC of the
//     key and compared in constant time; RS*, ES* and EdDSA verified by
//     golang-jwt's signing methods;
//  6. golang-jwt's Validator: exp required and not past, nbf and iat not
//     in the future, all with Leeway; aud and iss when configured, and no
//     aud when none is (as PyJWT); iat required (ErrExpired when expiry is
//     the only problem, else ErrClaims; a null payload is ErrMalformed);
//  7. jti (ErrNoID), token_type (ErrNoType, ErrWrongType), user id
//     (ErrNoUserID), in SimpleJWT's order.
//
// Each segment is base64-decoded once and the payload walked once.
// Nothing in the token is fetched, opened or looked up outside the
// configured keys.
func (c *Codec) Parse(token string, want TokenType) (*Claims, error) {
	if len(token) > c.maxLen {
		return nil, ErrTooLong
	}
	if !wellFormed(token) {
		return nil, ErrMalformed
	}
	headerSeg, rest, _ := strings.Cut(token, ".")
	payloadSeg, sigSeg, _ := strings.Cut(rest, ".")
	h, err := c.headerOf(headerSeg)
	if err != nil {
		return nil, err
	}
	keys, err := c.keys.verifiers(h)
	if err != nil {
		return nil, err
	}
	payload, err := c.b64.DecodeString(payloadSeg)
	if err != nil {
		return nil, ErrMalformed
	}
	wc := &wireClaims{userIDClaim: c.userIDClaim, want: want, audConfigured: c.audience != ""}
	if err := wc.decode(payload); err != nil {
		return nil, ErrMalformed
	}
	sig, err := c.b64.DecodeString(sigSeg)
	if err != nil {
		return nil, ErrMalformed
	}
	if !verifySignature(keys, token[:len(headerSeg)+1+len(payloadSeg)], sig) {
		return nil, ErrBadSignature
	}
	if err := c.validator.Validate(wc); err != nil {
		return nil, classifyClaims(err)
	}
	return wc.claims(), nil
}

// wellFormed reports whether token is three segments of base64url
// characters. It allocates nothing, so hostile inputs up to the length cap
// cost one linear scan.
func wellFormed(token string) bool {
	dots := 0
	for i := 0; i < len(token); i++ {
		c := token[i]
		if !isTokenByte(c) {
			return false
		}
		if c == '.' {
			dots++
		}
	}
	return dots == 2
}

// isRegisteredClaimFailure reports whether err holds one of golang-jwt's
// failures of nbf/iat/iss/aud or a missing required claim, or an aud we
// did not expect (from wireClaims.Validate).
func isRegisteredClaimFailure(err error) bool {
	return errors.Is(err, jwt.ErrTokenNotValidYet) ||
		errors.Is(err, jwt.ErrTokenUsedBeforeIssued) ||
		errors.Is(err, jwt.ErrTokenInvalidAudience) ||
		errors.Is(err, jwt.ErrTokenInvalidIssuer) ||
		errors.Is(err, jwt.ErrTokenRequiredClaimMissing) ||
		errors.Is(err, jwt.ErrTokenInvalidSubject) ||
		errors.Is(err, jwt.ErrTokenInvalidId) ||
		errors.Is(err, jwt.ErrInvalidType)
}

// classifyClaims maps the Validator's error for an authentic token to one
// sentinel. A null payload is malformed whatever else failed. Registered
// claims take precedence over SimpleJWT's own checks (SimpleJWT decodes
// before it looks at jti or token_type), and expiry is reported as
// ErrExpired only when it is the sole registered failure. Anything
// unrecognised is ErrInvalid: fail closed.
func classifyClaims(err error) error {
	switch {
	case errors.Is(err, errNotDecoded):
		return ErrMalformed
	case isRegisteredClaimFailure(err):
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
