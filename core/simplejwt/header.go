package simplejwt

import (
	"encoding/json"
)

// tokenHeader is what Parse takes from a JOSE header.
type tokenHeader struct {
	alg    string
	kid    string
	hasKID bool
}

// headerType is the only "typ" accepted and the one written: PyJWT and
// this package always write it.
const headerType = "JWT"

// parseHeader decodes and checks the header segment before the payload is
// looked at. Only alg, kid and typ may appear: crit must be rejected
// (RFC 7515 §4.1.11, we understand no extension), and jku, x5u, jwk, x5c
// would invite fetching or trusting attacker-supplied keys (RFC 8725
// §3.10), so rather than ignore them the token is refused. Neither
// SimpleJWT nor Mint writes any of them.
func (c *Codec) parseHeader(seg string) (tokenHeader, error) {
	b, err := c.b64.DecodeString(seg)
	if err != nil {
		return tokenHeader{}, ErrMalformed
	}
	var h tokenHeader
	var hasAlg, hasTyp bool
	err = walkObject(b, func(name string, raw json.RawMessage) error {
		s, ok := rawString(raw)
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
		return tokenHeader{}, ErrMalformed
	case !hasTyp:
		return tokenHeader{}, ErrMalformed
	case !hasAlg || !c.keys.allows(h.alg):
		return tokenHeader{}, ErrAlgorithm
	}
	return h, nil
}

// appendHeader appends the header JSON PyJWT would write for e: sorted
// keys, compact, {"alg":…,"kid":…,"typ":"JWT"} with kid only when e has an
// ID.
func appendHeader(dst []byte, e *keyEntry) []byte {
	dst = append(dst, `{"alg":`...)
	dst = appendPyString(dst, e.alg.name)
	if e.id != "" {
		dst = append(dst, `,"kid":`...)
		dst = appendPyString(dst, e.id)
	}
	dst = append(dst, `,"typ":`...)
	dst = appendPyString(dst, headerType)
	return append(dst, '}')
}
