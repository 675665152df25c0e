package core

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/restauth/restauth/core/simplejwt"
)

// jwtAuthenticator is dj-rest-auth's JWTCookieAuthentication on top of
// SimpleJWT's JWTAuthentication:
//
//   - an Authorization header, if present at all, decides alone: a
//     configured scheme ("Bearer", case-sensitive) is validated; any other
//     scheme is not handled, and the cookie is not consulted;
//   - without the header, the access cookie is used (an empty value
//     counts as no cookie); unsafe requests authenticated by it must pass
//     CSRF (403);
//   - the token must be a valid access token; unless the configuration is
//     stateless, its login (refresh family) must still be live and its
//     user must exist and be active, checked with one store read.
//
// Its challenge is `Bearer realm="api"`.
type jwtAuthenticator struct {
	auth     *Auth
	codec    *simplejwt.Codec
	store    RefreshStore    // nil when stateless
	verified *verifiedTokens // nil when the cache is off
}

// tokenMessage is one entry of SimpleJWT's "messages" list.
type tokenMessage struct {
	TokenClass string `json:"token_class"`
	TokenType  string `json:"token_type"`
	Message    string `json:"message"`
}

// accessTokenError renders SimpleJWT's error for an unusable access token.
func accessTokenError(msg string) *Error {
	return &Error{Kind: KindAuthentication, Detail: "Given token not valid for any token type", Code: "token_not_valid",
		Messages: []tokenMessage{{TokenClass: "AccessToken", TokenType: "access", Message: msg}}}
}

// codedAuthError is an authentication failure with a SimpleJWT code.
func codedAuthError(detail, code string) *Error {
	return &Error{Kind: KindAuthentication, Detail: detail, Code: code}
}

// challenge implements authenticator.
func (j *jwtAuthenticator) challenge() string {
	return j.auth.cfg.JWT.HeaderTypes[0] + ` realm="api"`
}

// authenticate implements authenticator.
func (j *jwtAuthenticator) authenticate(ctx context.Context, _ http.ResponseWriter, r *http.Request) (*Principal, error) {
	token, fromCookie, err := j.extract(r)
	if err != nil || token == "" {
		return nil, err
	}
	now := j.auth.cfg.Now() // one reading serves both caches
	claims, err := j.parseAccess(token, now)
	switch {
	case errors.Is(err, simplejwt.ErrNoUserID):
		return nil, codedAuthError(err.Error(), "token_not_valid")
	case err != nil:
		return nil, accessTokenError(tokenErrorMessage(err))
	}
	// CSRF matters only for a cookie that would authenticate: a stale one
	// is rejected (or ignored by logout) as a bad token anyway.
	if fromCookie && !j.auth.cfg.JWT.DisableCookieCSRF {
		if err := j.auth.CheckCSRF(r); err != nil {
			return nil, err
		}
	}
	return j.principal(ctx, claims, now)
}

// parseAccess verifies an access token, or finds that it verified before
// (see verifiedTokens) and is still valid at now. The claims it returns
// must not be modified.
func (j *jwtAuthenticator) parseAccess(token string, now time.Time) (*simplejwt.Claims, error) {
	if j.verified == nil {
		return j.codec.Parse(token, simplejwt.Access)
	}
	if claims := j.verified.get(token, now); claims != nil {
		return claims, nil
	}
	claims, err := j.codec.Parse(token, simplejwt.Access)
	if err == nil {
		// The clock read after Parse: every instant from here on is one
		// at which Parse accepted the token, until it expires.
		j.verified.add(token, claims, j.auth.cfg.Now())
	}
	return claims, err
}

// extract finds the raw token. A present Authorization header with a
// configured scheme must hold exactly one more word. Several header lines
// are read as one, joined with commas (as a proxy folding them would);
// the usual single line is split without allocating.
func (j *jwtAuthenticator) extract(r *http.Request) (token string, fromCookie bool, err error) {
	cfg := j.auth.cfg.JWT
	if hs, ok := r.Header["Authorization"]; ok {
		scheme, token, n := headerFields(strings.Join(hs, ","))
		if n == 0 || !contains(cfg.HeaderTypes, scheme) {
			return "", false, nil
		}
		if n != 2 {
			return "", false, codedAuthError("Authorization header must contain two space-delimited values", "bad_authorization_header")
		}
		return token, false, nil
	}
	if cfg.DisableCookies {
		return "", false, nil
	}
	c, err := r.Cookie(cfg.AccessCookie)
	if err != nil || c.Value == "" {
		// No cookie, or an emptied one: anonymous (dj-rest-auth treats an
		// empty value as a bad token and locks the client out).
		if cfg.EnforceCSRFOnUnauthenticated {
			return "", false, j.auth.CheckCSRF(r)
		}
		return "", false, nil
	}
	return c.Value, true, nil
}

// principal turns valid claims into the authenticated user, reading the
// login-state cache at now.
func (j *jwtAuthenticator) principal(ctx context.Context, claims *simplejwt.Claims, now time.Time) (*Principal, error) {
	box := new(principalWithUser)
	user := &box.user
	if j.auth.cfg.JWT.Stateless {
		*user = User{ID: claims.UserID, IsActive: true}
		box.Principal = Principal{User: user, Method: MethodJWT, Credential: claims.Family, Stateless: true, Claims: claims.Extra}
		return &box.Principal, nil
	}
	credential := claims.Family
	if claims.Family != "" {
		var fam RefreshFamily
		err := j.loginInto(ctx, claims.Family, now, user, &fam)
		switch {
		case errors.Is(err, ErrNotFound):
			return nil, accessTokenError("Token is blacklisted")
		case err != nil:
			return nil, unavailable(err)
		case fam.UserID != claims.UserID:
			return nil, accessTokenError("Token is invalid or expired")
		case continuedElsewhere(&fam, claims):
			credential = "" // the other service's token now: nothing here to revoke
		case !fam.Revoked.IsZero():
			return nil, accessTokenError("Token is blacklisted")
		}
	} else {
		// A token minted elsewhere (a Django service sharing the key)
		// has no family: it cannot be revoked before it expires.
		err := j.auth.userInto(ctx, claims.UserID, now, user)
		if errors.Is(err, ErrNotFound) {
			return nil, codedAuthError("User not found", "user_not_found")
		}
		if err != nil {
			return nil, unavailable(err)
		}
	}
	if !user.IsActive {
		return nil, codedAuthError("User is inactive", "user_inactive")
	}
	box.Principal = Principal{User: user, Method: MethodJWT, Credential: credential, Claims: claims.Extra}
	return &box.Principal, nil
}

// loginInto reads a login (refresh family) and its user into f and u,
// from the login-state cache when it holds a copy servable at now.
func (j *jwtAuthenticator) loginInto(ctx context.Context, family string, now time.Time, u *User, f *RefreshFamily) error {
	c := j.auth.logins
	if c != nil && c.familyInto(family, now, u, f) {
		return nil
	}
	var gen uint64
	var read time.Time
	if c != nil {
		gen, read = c.begin()
	}
	su, sf, err := j.store.UserByRefreshFamily(ctx, family)
	if err != nil {
		return err
	}
	if c != nil {
		c.putFamily(gen, read, su, sf)
	}
	*u, *f = *su, *sf
	return nil
}

// tokenErrorMessage maps codec errors to SimpleJWT 5.2.2's messages.
func tokenErrorMessage(err error) string {
	for _, e := range []error{simplejwt.ErrWrongType, simplejwt.ErrNoType, simplejwt.ErrNoID, simplejwt.ErrNoUserID} {
		if errors.Is(err, e) {
			return e.Error()
		}
	}
	return simplejwt.ErrInvalid.Error()
}

// expiration renders t as DRF renders a DateTimeField in UTC:
// ISO 8601 with microseconds and a Z suffix.
func expiration(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
