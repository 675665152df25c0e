package core

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/restauth/restauth/core/simplejwt"
)

// serveTokenVerify is POST token/verify/ (SimpleJWT's TokenVerifyView):
// 200 {} for a valid token of either type; 401 for an invalid one; 400
// "Token is blacklisted" for a refresh token that was consumed or whose
// login was revoked, and for an access token of a revoked login.
func (a *Auth) serveTokenVerify(req *request) error {
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return err
	}
	f := NewForm(body, a.msgs)
	token, _ := f.String(StringField{Name: "token", Required: true, KeepSpace: true})
	if err := f.Err(); err != nil {
		return err
	}
	claims, err := a.jwt.codec.Parse(token, "")
	if err != nil {
		return a.refreshTokenError(tokenErrorMessage(err), "token_not_valid")
	}
	blacklisted := NonFieldError("Token is blacklisted")
	ctx := req.r.Context()
	switch {
	case claims.TokenType == simplejwt.Refresh:
		rt, fam, err := a.jwt.store.RefreshTokenByJTI(ctx, claims.JTI)
		switch {
		case errors.Is(err, ErrNotFound):
			// Not issued here (a Django service sharing the key) or
			// flushed after expiry: the signature is all we can check.
		case err != nil:
			return unavailable(err)
		case !rt.Used.IsZero() || !fam.Revoked.IsZero():
			return blacklisted
		}
	case claims.Family != "":
		_, fam, err := a.jwt.store.UserByRefreshFamily(ctx, claims.Family)
		switch {
		case errors.Is(err, ErrNotFound):
			return blacklisted
		case err != nil:
			return unavailable(err)
		case !fam.Revoked.IsZero():
			return blacklisted
		}
	}
	WriteJSON(req.w, http.StatusOK, struct{}{})
	return nil
}

// refreshBody is the token/refresh/ answer, keys in dj-rest-auth's order.
type refreshBody struct {
	Access            string  `json:"access"`
	Refresh           *string `json:"refresh,omitempty"`
	AccessExpiration  string  `json:"access_expiration"`
	RefreshExpiration string  `json:"refresh_expiration,omitempty"`
}

// serveTokenRefresh is POST token/refresh/: the refresh token comes from
// the body's "refresh" or, when the key is absent, from the refresh cookie
// (then CSRF applies). With rotation (the default) the presented token is
// consumed atomically and a successor issued; presenting a consumed token
// again revokes its whole family (reuse detection), unless it comes back
// within JWTConfig.ReuseGrace. A login older than JWTConfig.FamilyLifetime
// cannot refresh any more.
//
// Failed refreshes count against ThrottleConfig.RefreshFailuresPerIP and,
// beyond it, answer 429; a valid refresh token is never refused by it.
func (a *Auth) serveTokenRefresh(req *request) error {
	err := a.refresh(req)
	if isRefreshFailure(err) {
		if terr := a.hit(req.r, a.cfg.Throttle.RefreshFailuresPerIP, "refresh-ip", a.ClientIP(req.r).String()); terr != nil {
			return terr
		}
	}
	return err
}

// refresh is serveTokenRefresh without the rate limit.
func (a *Auth) refresh(req *request) error {
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return err
	}
	token, fromCookie, err := a.refreshTokenFrom(req, body)
	if err != nil {
		return err
	}
	if fromCookie && !a.cfg.JWT.DisableCookieCSRF {
		if err := a.CheckCSRF(req.r); err != nil {
			return err
		}
	}
	claims, err := a.jwt.codec.Parse(token, simplejwt.Refresh)
	if err != nil {
		return a.refreshTokenError(tokenErrorMessage(err), "token_not_valid")
	}
	ctx := req.r.Context()
	invalid := a.refreshTokenError(simplejwt.ErrInvalid.Error(), "token_not_valid")
	blacklisted := a.refreshTokenError("Token is blacklisted", "token_not_valid")
	if claims.Family == "" {
		return invalid // not issued here: nothing records it, so it cannot rotate
	}
	user, fam, err := a.jwt.store.UserByRefreshFamily(ctx, claims.Family)
	switch {
	case errors.Is(err, ErrNotFound):
		return invalid
	case err != nil:
		return unavailable(err)
	case fam.UserID != claims.UserID:
		return invalid
	case !fam.Revoked.IsZero():
		return blacklisted
	case !user.IsActive:
		return a.refreshTokenError("No active account found for the given token.", "no_active_account")
	case !a.cfg.Now().Before(fam.Created.Add(a.cfg.JWT.FamilyLifetime)):
		return invalid // the login outlived JWTConfig.FamilyLifetime: log in again
	}

	// Custom claims follow the user: asked again at each refresh. Without
	// JWTConfig.Claims, those of the refresh token carry over.
	accessExtra, refreshExtra := claims.Extra, claims.Extra
	if a.cfg.JWT.Claims != nil {
		if accessExtra, refreshExtra, err = a.customClaims(ctx, user); err != nil {
			return err
		}
	}
	access, refresh, _, rc, err := a.jwt.codec.NewPair(claims.UserID, claims.Family, accessExtra, refreshExtra)
	if err != nil {
		return err
	}
	now := a.cfg.Now().UTC()
	rotated := !a.cfg.JWT.DisableRotation
	if rotated {
		successor := &RefreshToken{JTI: rc.JTI, FamilyID: claims.Family, UserID: claims.UserID, Issued: rc.IssuedAt, Expires: rc.Expires}
		if err := a.consumeRefresh(req, claims.JTI, successor); err != nil {
			return err
		}
	} else {
		rt, _, err := a.jwt.store.RefreshTokenByJTI(ctx, claims.JTI)
		switch {
		case errors.Is(err, ErrNotFound):
			return invalid
		case err != nil:
			return unavailable(err)
		case !rt.Used.IsZero():
			return blacklisted
		}
		refresh = ""
	}

	a.setJWTCookies(req.w, access, refresh)
	out := refreshBody{Access: access, AccessExpiration: expiration(now.Add(a.cfg.JWT.AccessLifetime))}
	if rotated && a.cfg.JWT.NotHTTPOnly {
		out.Refresh = &refresh
		out.RefreshExpiration = expiration(now.Add(a.cfg.JWT.RefreshLifetime))
	}
	WriteJSON(req.w, http.StatusOK, out)
	return nil
}

// refreshTokenFrom picks the refresh token: the body's "refresh" when the
// key is present (blank is a 400, never a fall-back to the cookie, as in
// dj-rest-auth), else the refresh cookie, else SimpleJWT's 401.
func (a *Auth) refreshTokenFrom(req *request, body Body) (token string, fromCookie bool, err error) {
	f := NewForm(body, a.msgs)
	if f.Present("refresh") {
		token, _ = f.String(StringField{Name: "refresh", Required: true, KeepSpace: true})
		return token, false, f.Err()
	}
	if !a.cfg.JWT.DisableCookies {
		if c, err := req.r.Cookie(a.cfg.JWT.RefreshCookie); err == nil && c.Value != "" {
			return c.Value, true, nil
		}
	}
	return "", false, a.refreshTokenError("No valid refresh token found.", "token_not_valid")
}

// consumeRefresh rotates the refresh token jti into successor, applying
// reuse detection and the grace window.
func (a *Auth) consumeRefresh(req *request, jti string, successor *RefreshToken) error {
	ctx := req.r.Context()
	now := a.cfg.Now().UTC()
	old, err := a.jwt.store.ConsumeRefreshToken(ctx, jti, now, successor)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrRefreshUsed):
		if grace := a.cfg.JWT.ReuseGrace; grace > 0 && now.Sub(old.Used) <= grace {
			switch err := a.jwt.store.AddRefreshToken(ctx, successor); {
			case err == nil:
				return nil
			case errors.Is(err, ErrRefreshRevoked), errors.Is(err, ErrNotFound):
				return a.refreshTokenError("Token is blacklisted", "token_not_valid")
			default:
				return unavailable(err)
			}
		}
		// Reuse of a rotated token: someone else may hold the family.
		if err := a.jwt.store.RevokeRefreshFamily(ctx, old.FamilyID, now); err != nil {
			return unavailable(err)
		}
		a.logins.forgetFamily(old.FamilyID)
		a.logEvent(ctx, slog.LevelWarn, "restauth: refresh token reuse detected; login revoked",
			Event{Type: EventRefreshReuse, Outcome: OutcomeFailure, UserID: old.UserID, Method: MethodJWT, Reason: "reuse"},
			slog.String("family_id", old.FamilyID))
		return a.refreshTokenError("Token is blacklisted", "token_not_valid")
	case errors.Is(err, ErrRefreshRevoked):
		return a.refreshTokenError("Token is blacklisted", "token_not_valid")
	case errors.Is(err, ErrNotFound):
		return a.refreshTokenError(simplejwt.ErrInvalid.Error(), "token_not_valid")
	default:
		return unavailable(err)
	}
}

// isRefreshFailure reports a refresh token that was refused (SimpleJWT's
// 401s), as opposed to a malformed request or a failing store.
func isRefreshFailure(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusUnauthorized
}
