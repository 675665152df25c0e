package core

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/restauth/restauth/core/simplejwt"
)

// serveLogout is POST logout/: revoke what the request can show and answer
// {"detail": "Successfully logged out."}.
//
//   - The DB token that authenticated the request is deleted.
//   - With sessions, the session is deleted and its cookie expired.
//   - With JWT, the login (refresh family) of the authenticating access
//     token and of the refresh token found in the body's "refresh" or in
//     the refresh cookie is revoked, which blacklists its refresh tokens
//     and ends its access tokens; both JWT cookies are always cleared.
//
// It never fails because of a stale credential (dj-rest-auth answers 401
// and leaves the client stuck with its cookies: upstream #515). Using the
// refresh cookie is a cookie-authenticated write, so CSRF applies. With
// only header-based methods configured, a request with no credentials at
// all gets dj-rest-auth's 400 ("You should be logged in to logout...").
func (a *Auth) serveLogout(req *request) error {
	ctx := req.r.Context()
	// The body is read first, whatever the mode, so that a malformed or
	// mislabelled one (415, 400, 413) changes nothing.
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return err
	}
	p := req.principal
	if p == nil && !req.staleCredentials && !a.cfg.uses(MethodJWT) && !a.cfg.uses(MethodSession) {
		return NewDetailError(http.StatusBadRequest, a.msgs.Text(MsgLogoutNotLoggedIn))
	}
	if a.cfg.uses(MethodSession) {
		if err := a.endSession(req.w, req.r); err != nil {
			return err
		}
	}
	if a.jwt != nil {
		if err := a.revokePresentedRefresh(req, body); err != nil {
			return err
		}
		a.clearJWTCookies(req.w)
	}
	if p != nil {
		if err := a.revokePrincipal(ctx, p); err != nil {
			return err
		}
		a.logEvent(ctx, slog.LevelInfo, "restauth: logout", "logout", outcomeSuccess, p.User.ID)
	}
	WriteJSON(req.w, http.StatusOK, map[string]string{"detail": a.msgs.Text(MsgLoggedOut)})
	return nil
}

// revokePrincipal ends the credential that authenticated the request.
func (a *Auth) revokePrincipal(ctx context.Context, p *Principal) error {
	switch {
	case p.Method == MethodToken:
		if err := a.cfg.Store.DeleteToken(ctx, p.Credential); err != nil {
			return unavailable(err)
		}
	case p.Method == MethodJWT && p.Credential != "":
		if err := a.jwt.store.RevokeRefreshFamily(ctx, p.Credential, a.cfg.Now().UTC()); err != nil {
			return unavailable(err)
		}
	}
	return nil
}

// revokePresentedRefresh revokes the family of a valid refresh token sent
// in the body or the refresh cookie; anything unusable is ignored.
func (a *Auth) revokePresentedRefresh(req *request, body Body) error {
	token, _ := body["refresh"].(string)
	if token == "" && !a.cfg.JWT.DisableCookies {
		if c, err := req.r.Cookie(a.cfg.JWT.RefreshCookie); err == nil && c.Value != "" {
			if !a.cfg.JWT.DisableCookieCSRF {
				if err := a.CheckCSRF(req.r); err != nil {
					return err
				}
			}
			token = c.Value
		}
	}
	if token == "" {
		return nil
	}
	claims, err := a.jwt.codec.Parse(token, simplejwt.Refresh)
	if err != nil || claims.Family == "" {
		return nil
	}
	if err := a.jwt.store.RevokeRefreshFamily(req.r.Context(), claims.Family, a.cfg.Now().UTC()); err != nil {
		return unavailable(err)
	}
	return nil
}
