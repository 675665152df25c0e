package core

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/restauth/restauth/core/simplejwt"
)

// jwtService holds what MethodJWT needs once the config is validated.
type jwtService struct {
	codec    *simplejwt.Codec
	store    RefreshStore
	verified *verifiedTokens // nil when JWTConfig.VerifiedTokenCache < 0
}

// newJWTService builds the codec and finds the store's refresh capability.
func newJWTService(cfg Config) (*jwtService, error) {
	codec, err := simplejwt.New(cfg.JWT.codecConfig(cfg.Now))
	if err != nil {
		return nil, fmt.Errorf("restauth: invalid config: JWT: %w", err)
	}
	if err := checkJWTCookieSizes(cfg, codec); err != nil {
		return nil, err
	}
	rs, ok := cfg.Store.(RefreshStore)
	if !ok {
		return nil, errors.New("restauth: invalid config: MethodJWT needs a Store that implements RefreshStore")
	}
	return &jwtService{codec: codec, store: rs,
		verified: newVerifiedTokens(cfg.JWT.VerifiedTokenCache, cfg.JWT.Leeway)}, nil
}

// jwtPair is what a JWT login hands out.
type jwtPair struct {
	family                string
	access, refresh       string
	accessExp, refreshExp time.Time
}

// issueLogin starts a new refresh family (a login) for user and mints its
// first token pair.
func (a *Auth) issueLogin(ctx context.Context, user *User) (jwtPair, error) {
	j := a.jwt
	family := simplejwt.NewJTI()
	accessExtra, refreshExtra, err := a.customClaims(ctx, user)
	if err != nil {
		return jwtPair{}, err
	}
	access, refresh, _, rc, err := j.codec.NewPair(user.ID, family, accessExtra, a.markRefresh(refreshExtra))
	if err != nil {
		return jwtPair{}, fmt.Errorf("restauth: minting tokens: %w", err)
	}
	now := a.cfg.Now().UTC()
	err = j.store.CreateRefreshFamily(ctx,
		&RefreshFamily{ID: family, UserID: user.ID, Created: now},
		&RefreshToken{JTI: rc.JTI, FamilyID: family, UserID: user.ID, Issued: rc.IssuedAt, Expires: rc.Expires, Encoded: refresh})
	if err != nil {
		return jwtPair{}, unavailable(err)
	}
	return jwtPair{family: family, access: access, refresh: refresh,
		accessExp: now.Add(a.cfg.JWT.AccessLifetime), refreshExp: now.Add(a.cfg.JWT.RefreshLifetime)}, nil
}

// setJWTCookies sets the access cookie and, when refresh is non-empty, the
// refresh cookie.
func (a *Auth) setJWTCookies(w http.ResponseWriter, access, refresh string) {
	if a.cfg.JWT.DisableCookies {
		return
	}
	a.setCookie(w, a.accessCookie(), access)
	if refresh != "" {
		a.setCookie(w, a.refreshCookie(), refresh)
	}
}

// clearJWTCookies expires both JWT cookies.
func (a *Auth) clearJWTCookies(w http.ResponseWriter) {
	if a.cfg.JWT.DisableCookies {
		return
	}
	a.deleteCookie(w, a.accessCookie())
	a.deleteCookie(w, a.refreshCookie())
}

// jwtLoginBody is dj-rest-auth's JWTSerializer(WithExpiration) output.
type jwtLoginBody struct {
	Access            string `json:"access"`
	Refresh           string `json:"refresh"`
	User              any    `json:"user"` // UserDetails, or extended by UserFields/EmailOnly
	AccessExpiration  string `json:"access_expiration,omitempty"`
	RefreshExpiration string `json:"refresh_expiration,omitempty"`
	// Key is the DB token when MethodToken is configured beside JWT.
	Key string `json:"key,omitempty"`
}

// writeJWTLogin answers a successful JWT login: cookies, and the body with
// "refresh": "" when the refresh token travels only in an HttpOnly cookie.
func (a *Auth) writeJWTLogin(w http.ResponseWriter, status int, user any, p jwtPair, key string) {
	a.setJWTCookies(w, p.access, p.refresh)
	body := jwtLoginBody{Access: p.access, Refresh: p.refresh, User: user, Key: key}
	if !a.cfg.JWT.NotHTTPOnly {
		body.Refresh = ""
	}
	if a.cfg.JWT.ReturnExpiration {
		body.AccessExpiration = expiration(p.accessExp)
		body.RefreshExpiration = expiration(p.refreshExp)
	}
	WriteJSON(w, status, body)
}

// refreshTokenError is SimpleJWT's answer of token/refresh/ and
// token/verify/: always 401 with the Bearer challenge, whatever the chain.
func (a *Auth) refreshTokenError(detail, code string) *Error {
	return &Error{Kind: KindStatus, Status: http.StatusUnauthorized, Detail: detail, Code: code,
		Header: http.Header{"Www-Authenticate": {a.cfg.JWT.HeaderTypes[0] + ` realm="api"`}}}
}
