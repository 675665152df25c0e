package simplejwt

import "github.com/restauth/restauth/core/internal/pyjson"

// tokenHeader is what Parse takes from a JOSE header.
type tokenHeader struct {
	alg    string // a configured algorithm's name
	kid    []byte // aliases the decoded header
	hasKID bool
}

// headerType is the only "typ" accepted and the one written: PyJWT and
// this package always write it.
const headerType = "JWT"

// headerOf returns the decoded header segment seg. The signing key's own
// header, which nearly every token carries, was decoded once by New.
func (c *Codec) headerOf(seg string) (tokenHeader, error) {
	if seg == c.ownHeaderSeg {
		return c.ownHeader, nil
	}
	return c.parseHeader(seg)
}

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
	var alg []byte
	var hasAlg, hasTyp bool
	err = walkObject(b, func(name, raw []byte) error {
		s, ok := stringBytes(raw)
		if !ok {
			return ErrMalformed
		}
		switch string(name) {
		case "alg":
			alg, hasAlg = s, true
		case "kid":
			h.kid, h.hasKID = s, true
		case "typ":
			if string(s) != headerType {
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
	case !hasAlg:
		return tokenHeader{}, ErrAlgorithm
	}
	name, ok := c.keys.algName(alg)
	if !ok {
		return tokenHeader{}, ErrAlgorithm
	}
	h.alg = name
	return h, nil
}

// appendHeader appends the header JSON PyJWT would write for e: sorted
// keys, compact, {"alg":…,"kid":…,"typ":"JWT"} with kid only when e has an
// ID.
func appendHeader(dst []byte, e *keyEntry) []byte {
	dst = append(dst, `{"alg":`...)
	dst = pyjson.AppendString(dst, e.alg.name)
	if e.id != "" {
		dst = append(dst, `,"kid":`...)
		dst = pyjson.AppendString(dst, e.id)
	}
	dst = append(dst, `,"typ":`...)
	dst = pyjson.AppendString(dst, headerType)
	return append(dst, '}')
}
