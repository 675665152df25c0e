package simplejwt

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/restauth/restauth/core/internal/pyjson"
)

// Mint encodes and signs cl with the signing key, byte for byte as
// SimpleJWT (PyJWT) would: header {"alg":…,"typ":"JWT"} (with "kid" between
// them when the key has an ID), compact payload in SimpleJWT's emission
// order — token_type, exp, iat, jti, the user id claim, fam (when set),
// Extra sorted by name, then aud and iss when configured — non-ASCII
// escaped as Python's json.dumps does, base64url without padding.
//
// Mint encodes what it is given: it does not consult the clock. It returns
// an error wrapping ErrBadClaims for an unknown TokenType, an empty or
// over-long JTI, zero, out-of-range or inverted times, invalid UTF-8, an
// Extra name this package uses, a value encoding/json cannot encode, or a
// token longer than Config.MaxTokenLength.
func (c *Codec) Mint(cl Claims) (string, error) {
	if err := c.checkMintable(cl); err != nil {
		return "", err
	}
	payload, err := c.appendPayload(make([]byte, 0, 256), cl)
	if err != nil {
		return "", err
	}
	buf := make([]byte, 0, len(c.header)+base64.RawURLEncoding.EncodedLen(len(payload))+1+90)
	buf = append(buf, c.header...)
	buf = base64.RawURLEncoding.AppendEncode(buf, payload)
	sig, err := c.signer.sign(buf)
	if err != nil {
		return "", err
	}
	buf = append(buf, '.')
	buf = base64.RawURLEncoding.AppendEncode(buf, sig)
	if len(buf) > c.maxLen {
		return "", fmt.Errorf("%w: token would be %d bytes, over MaxTokenLength", ErrBadClaims, len(buf))
	}
	return string(buf), nil
}

// checkMintable rejects claims Parse would not accept back unchanged.
func (c *Codec) checkMintable(cl Claims) error {
	switch {
	case cl.TokenType != Access && cl.TokenType != Refresh:
		return fmt.Errorf("%w: TokenType must be access or refresh", ErrBadClaims)
	case cl.JTI == "" || len(cl.JTI) > maxIDLength || !utf8.ValidString(cl.JTI):
		return fmt.Errorf("%w: JTI must be 1 to %d bytes of UTF-8", ErrBadClaims, maxIDLength)
	case len(cl.Family) > maxIDLength || !utf8.ValidString(cl.Family):
		return fmt.Errorf("%w: Family must be at most %d bytes of UTF-8", ErrBadClaims, maxIDLength)
	case !dateInRange(cl.IssuedAt) || !dateInRange(cl.Expires):
		return fmt.Errorf("%w: IssuedAt and Expires must be set, after 1970 and before 10000", ErrBadClaims)
	case cl.Expires.Unix() <= cl.IssuedAt.Unix():
		return fmt.Errorf("%w: Expires must be at least a second after IssuedAt", ErrBadClaims)
	}
	for name := range cl.Extra {
		if c.ReservedClaim(name) {
			return fmt.Errorf("%w: Extra claim %q is reserved", ErrBadClaims, name)
		}
		if !utf8.ValidString(name) {
			return fmt.Errorf("%w: Extra claim name is not valid UTF-8", ErrBadClaims)
		}
	}
	return nil
}

// dateInRange reports whether t can be written as a NumericDate Parse
// accepts.
func dateInRange(t time.Time) bool {
	if t.IsZero() {
		return false
	}
	s := t.Unix()
	return s >= 0 && s <= maxNumericDate
}

// appendPayload appends the payload JSON in SimpleJWT's emission order.
func (c *Codec) appendPayload(dst []byte, cl Claims) ([]byte, error) {
	dst = append(dst, `{"token_type":`...)
	dst = pyjson.AppendString(dst, string(cl.TokenType))
	dst = append(dst, `,"exp":`...)
	dst = strconv.AppendInt(dst, cl.Expires.Unix(), 10)
	dst = append(dst, `,"iat":`...)
	dst = strconv.AppendInt(dst, cl.IssuedAt.Unix(), 10)
	dst = append(dst, `,"jti":`...)
	dst = pyjson.AppendString(dst, cl.JTI)
	dst = append(dst, ',')
	dst = pyjson.AppendString(dst, c.userIDClaim)
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, cl.UserID, 10)
	if cl.Family != "" {
		dst = append(dst, `,"fam":`...)
		dst = pyjson.AppendString(dst, cl.Family)
	}
	names := make([]string, 0, len(cl.Extra))
	for name := range cl.Extra {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		dst = append(dst, ',')
		dst = pyjson.AppendString(dst, name)
		dst = append(dst, ':')
		var err error
		if dst, err = appendPyJSON(dst, cl.Extra[name]); err != nil {
			return nil, fmt.Errorf("%w: Extra claim %q cannot be encoded as JSON", ErrBadClaims, name)
		}
	}
	if c.audience != "" {
		dst = append(dst, `,"aud":`...)
		dst = pyjson.AppendString(dst, c.audience)
	}
	if c.issuer != "" {
		dst = append(dst, `,"iss":`...)
		dst = pyjson.AppendString(dst, c.issuer)
	}
	return append(dst, '}'), nil
}

// NewPair mints a refresh token and an access token for a login, both
// issued at Now() with a fresh jti each and exp = now + the lifetime. The
// returned claims are what Parse will return for each token (times in whole
// seconds, UTC), except that Extra holds the values given rather than their
// JSON round trip (Parse returns numbers as json.Number). accessExtra and
// refreshExtra are the custom claims of each (nil for none).
func (c *Codec) NewPair(userID int64, family string, accessExtra, refreshExtra map[string]any) (access, refresh string, accessClaims, refreshClaims Claims, err error) {
	now := c.now()
	refreshClaims = Claims{
		TokenType: Refresh,
		Expires:   wholeSeconds(now.Add(c.refresh)),
		IssuedAt:  wholeSeconds(now),
		JTI:       NewJTI(),
		UserID:    userID,
		Family:    family,
		Extra:     refreshExtra,
	}.clone()
	if refresh, err = c.Mint(refreshClaims); err != nil {
		return "", "", Claims{}, Claims{}, err
	}
	accessClaims = Claims{
		TokenType: Access,
		Expires:   wholeSeconds(now.Add(c.access)),
		IssuedAt:  wholeSeconds(now),
		JTI:       NewJTI(),
		UserID:    userID,
		Family:    family,
		Extra:     accessExtra,
	}.clone()
	if access, err = c.Mint(accessClaims); err != nil {
		return "", "", Claims{}, Claims{}, err
	}
	return access, refresh, accessClaims, refreshClaims, nil
}

// NewAccess mints an access token for the user, family and custom claims of
// a refresh token's claims (as returned by Parse): fresh jti, iat = Now()
// (SimpleJWT ≥5.5.1; 5.2.2 copied the refresh token's iat), exp = now +
// AccessLifetime. from must be a refresh token's claims, so an access token
// can never be stretched by re-minting it.
func (c *Codec) NewAccess(from Claims) (string, Claims, error) {
	if from.TokenType != Refresh {
		return "", Claims{}, fmt.Errorf("%w: NewAccess needs a refresh token's claims", ErrBadClaims)
	}
	now := c.now()
	cl := Claims{
		TokenType: Access,
		Expires:   wholeSeconds(now.Add(c.access)),
		IssuedAt:  wholeSeconds(now),
		JTI:       NewJTI(),
		UserID:    from.UserID,
		Family:    from.Family,
		Extra:     from.Extra,
	}.clone()
	tok, err := c.Mint(cl)
	if err != nil {
		return "", Claims{}, err
	}
	return tok, cl, nil
}
