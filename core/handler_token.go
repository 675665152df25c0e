package core

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

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
			// flushed after expiry: the signature is all we can check,
			// and the shared blacklist when the store has one.
			if bl, ok := a.jwt.store.(RefreshBlacklist); ok {
				switch listed, err := bl.RefreshTokenBlacklisted(ctx, claims.JTI); {
				case err != nil:
					return unavailable(err)
				case listed:
					return blacklisted
				}
			}
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
		case continuedElsewhere(fam, claims):
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
		// Not issued here: only a store sharing SimpleJWT's blacklist
		// records it, and can rotate it.
		return a.refreshForeign(req, token, claims)
	}
	if _, ok := a.jwt.store.(RefreshBlacklist); ok {
		// A family claim on a token restauth never issued: the other
		// service's rotation of one of ours (continuedElsewhere).
		switch _, _, err := a.jwt.store.RefreshTokenByJTI(ctx, claims.JTI); {
		case errors.Is(err, ErrNotFound):
			return a.refreshForeign(req, token, claims)
		case err != nil:
			return unavailable(err)
		}
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
	accessExtra, refreshExtra := unmarked(claims.Extra), claims.Extra
	if a.cfg.JWT.Claims != nil {
		if accessExtra, refreshExtra, err = a.customClaims(ctx, user); err != nil {
			return err
		}
		refreshExtra = a.markRefresh(refreshExtra)
	}
	access, refresh, _, rc, err := a.jwt.codec.NewPair(claims.UserID, claims.Family, accessExtra, refreshExtra)
	if err != nil {
		return err
	}
	now := a.cfg.Now().UTC()
	rotated := !a.cfg.JWT.DisableRotation
	if rotated {
		successor := &RefreshToken{JTI: rc.JTI, FamilyID: claims.Family, UserID: claims.UserID, Issued: rc.IssuedAt, Expires: rc.Expires, Encoded: refresh}
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

	a.writeRefresh(req.w, access, refresh, now)
	return nil
}

// writeRefresh answers a successful refresh: the cookies, and the body
// with the new refresh token when rotation issued one ("" otherwise) and
// it may be shown to scripts.
func (a *Auth) writeRefresh(w http.ResponseWriter, access, refresh string, now time.Time) {
	a.setJWTCookies(w, access, refresh)
	out := refreshBody{Access: access, AccessExpiration: expiration(now.Add(a.cfg.JWT.AccessLifetime))}
	if refresh != "" && a.cfg.JWT.NotHTTPOnly {
		out.Refresh = &refresh
		out.RefreshExpiration = expiration(now.Add(a.cfg.JWT.RefreshLifetime))
	}
	WriteJSON(w, http.StatusOK, out)
}

// continuedElsewhere reports whether a token of family fam issued at iat
// continues, at the service sharing SimpleJWT's blacklist, a login whose
// token that service blacklisted: SimpleJWT's rotation blacklists the
// token it is given and issues a new pair carrying every claim of the old
// one, restauth's family claim included, at or after the blacklisting.
// Those tokens are that service's: accepted as tokens minted elsewhere.
// Tokens restauth issued before the blacklisting stay refused, so a logout
// there ends them (one issued within the same second as that logout is
// taken as continued: iat has whole seconds).
func continuedElsewhere(fam *RefreshFamily, claims *simplejwt.Claims) bool {
	return fam.EndedElsewhere && !fam.Revoked.IsZero() && claims.TokenType == simplejwt.Access &&
		claims.Extra[viaRefreshClaim] == true
}

// viaRefreshClaim marks the refresh tokens restauth issues on a store
// sharing SimpleJWT's blacklist (RefreshBlacklist), and only them: restauth
// never copies it into an access token, while SimpleJWT's rotation copies
// every claim of the refresh token it consumes into the new access token
// (iat included, so times cannot tell them apart). An access token of a
// family ended elsewhere that carries it was issued by the other service
// (continuedElsewhere); one without it is restauth's, and stays refused.
const viaRefreshClaim = "via_refresh"

// markRefresh returns the custom claims of a refresh token with the
// viaRefreshClaim mark when the store shares SimpleJWT's blacklist, and
// extra unchanged otherwise.
func (a *Auth) markRefresh(extra map[string]any) map[string]any {
	if _, ok := a.jwt.store.(RefreshBlacklist); !ok {
		return extra
	}
	out := make(map[string]any, len(extra)+1)
	for k, v := range extra {
		out[k] = v
	}
	out[viaRefreshClaim] = true
	return out
}

// unmarked returns extra without the viaRefreshClaim mark (the claims of
// a refresh token carried over into an access token).
func unmarked(extra map[string]any) map[string]any {
	if _, ok := extra[viaRefreshClaim]; !ok {
		return extra
	}
	out := make(map[string]any, len(extra))
	for k, v := range extra {
		if k != viaRefreshClaim {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// refreshForeign refreshes a refresh token minted elsewhere (a Django
// service sharing the signing key: no family claim), as SimpleJWT would,
// when the store shares SimpleJWT's blacklist (RefreshBlacklist): a
// blacklisted token is refused; with rotation the token is blacklisted
// (exactly one of concurrent refreshes wins) and a new login (refresh
// family) starts, so that from then on it can be revoked like any other.
// Without rotation only a new access token is issued, without a family,
// as SimpleJWT's. A store without a blacklist records nothing about such
// tokens, so they cannot be refreshed here.
func (a *Auth) refreshForeign(req *request, token string, claims *simplejwt.Claims) error {
	ctx := req.r.Context()
	invalid := a.refreshTokenError(simplejwt.ErrInvalid.Error(), "token_not_valid")
	blacklisted := a.refreshTokenError("Token is blacklisted", "token_not_valid")
	bl, ok := a.jwt.store.(RefreshBlacklist)
	if !ok {
		return invalid
	}
	user, err := a.userByID(ctx, claims.UserID)
	switch {
	case errors.Is(err, ErrNotFound):
		return invalid
	case err != nil:
		return unavailable(err)
	case !user.IsActive:
		return a.refreshTokenError("No active account found for the given token.", "no_active_account")
	}
	now := a.cfg.Now().UTC()
	if a.cfg.JWT.DisableRotation {
		switch listed, err := bl.RefreshTokenBlacklisted(ctx, claims.JTI); {
		case err != nil:
			return unavailable(err)
		case listed:
			return blacklisted
		}
		access, _, _, _, err := a.jwt.codec.NewPair(user.ID, "", unmarked(claims.Extra), nil)
		if err != nil {
			return err
		}
		a.writeRefresh(req.w, access, "", now)
		return nil
	}
	old := &RefreshToken{JTI: claims.JTI, UserID: claims.UserID, Issued: claims.IssuedAt, Expires: claims.Expires, Encoded: token}
	switch err := bl.BlacklistRefreshToken(ctx, old, now); {
	case errors.Is(err, ErrRefreshUsed):
		return blacklisted
	case err != nil:
		return unavailable(err)
	}
	pair, err := a.issueLogin(ctx, user)
	if err != nil {
		return err
	}
	a.writeRefresh(req.w, pair.access, pair.refresh, now)
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
