package core

import (
	"fmt"
	"math"

	"github.com/restauth/restauth/core/simplejwt"
)

// maxCookieBytes is the cookie size (name plus value) browsers are
// required to keep (RFC 6265 §6.1) and that Chrome and Firefox enforce:
// a larger cookie is dropped without any error, so the login would
// silently not stick.
const maxCookieBytes = 4096

// checkJWTCookieSizes mints the largest tokens the configuration can
// produce (the largest user id; every other claim has a fixed size) and
// refuses the configuration when the access or refresh cookie would not
// fit in maxCookieBytes. Tokens only grow with configuration (algorithm,
// kid, issuer, audience, user id claim name), so the check at startup
// covers every cookie issued later.
func checkJWTCookieSizes(cfg Config, codec *simplejwt.Codec) error {
	if cfg.JWT.DisableCookies {
		return nil
	}
	access, refresh, _, _, err := codec.NewPair(math.MaxInt64, simplejwt.NewJTI(), nil, nil)
	if err != nil {
		return fmt.Errorf("restauth: invalid config: JWT: minting a sample token: %w", err)
	}
	for _, c := range []struct{ name, value string }{{cfg.JWT.AccessCookie, access}, {cfg.JWT.RefreshCookie, refresh}} {
		if n := len(c.name) + len(c.value); n > maxCookieBytes {
			return fmt.Errorf("restauth: invalid config: JWT: the %q cookie would be %d bytes (name and value), over the %d browsers keep: "+
				"shorten Issuer, Audience, KeyID or UserIDClaim, or set DisableCookies", c.name, n, maxCookieBytes)
		}
	}
	return nil
}
