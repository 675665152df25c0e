package core

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/gorilla/sessions"

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
// It answers 200 in every mode, with or without credentials: a client that
// lost its token must be able to finish logging out, and dj-rest-auth
// 4.0.1 and its default session login answer 200 too. It never fails
// because of a stale credential (dj-rest-auth answers 401 and leaves the
// client stuck with its cookies: upstream #515), and credentials that do
// not verify revoke nothing.
//
// Everything is planned before anything changes: when a cookie would make
// logout change stored state (a live session, a refresh cookie that
// verifies), the request must pass CSRF first, whatever its other
// credentials look like, and a refused request changes nothing. (A cookie
// that authenticated the request was checked by its authenticator.)
func (a *Auth) serveLogout(req *request) error {
	ctx := req.r.Context()
	var sess *sessions.Session
	if a.cfg.uses(MethodSession) {
		var err error
		if sess, err = a.loadSession(req.r); err != nil {
			return err
		}
	}
	var cookieFamily string
	var cookieForeign *RefreshToken
	if a.jwt != nil && !a.cfg.JWT.DisableCookies {
		if c, err := req.r.Cookie(a.cfg.JWT.RefreshCookie); err == nil {
			cookieFamily = a.refreshFamily(c.Value)
			cookieForeign = a.foreignRefresh(c.Value)
		}
	}
	// CSRF comes before the body is read: a form's csrfmiddlewaretoken is
	// read without consuming it. A refresh cookie needs it even when the
	// body names another refresh token.
	if sess != nil || ((cookieFamily != "" || cookieForeign != nil) && !a.cfg.JWT.DisableCookieCSRF) {
		if err := a.CheckCSRF(req.r); err != nil {
			return err
		}
	}
	// The body is read whatever the mode, so that a malformed or
	// mislabelled one (415, 400, 413) changes nothing.
	body, err := DecodeBody(req.w, req.r, a.cfg.MaxBodyBytes, a.msgs)
	if err != nil {
		return err
	}
	family, foreign := cookieFamily, cookieForeign
	if token, _ := body["refresh"].(string); token != "" && a.jwt != nil {
		family, foreign = a.refreshFamily(token), a.foreignRefresh(token)
	}
	if a.cfg.uses(MethodSession) {
		if err := a.endSession(req.w, req.r, sess); err != nil {
			return err
		}
	}
	if a.jwt != nil {
		if family != "" {
			if err := a.jwt.store.RevokeRefreshFamily(ctx, family, a.cfg.Now().UTC()); err != nil {
				return unavailable(err)
			}
			a.logins.forgetFamily(family)
		}
		if foreign != nil {
			// dj-rest-auth's logout blacklists the refresh token it is
			// given; one blacklisted already is just as logged out.
			err := a.jwt.store.(RefreshBlacklist).BlacklistRefreshToken(ctx, foreign, a.cfg.Now().UTC())
			if err != nil && !errors.Is(err, ErrRefreshUsed) {
				return unavailable(err)
			}
		}
		a.clearJWTCookies(req.w)
	}
	p := req.principal
	if p != nil {
		if err := a.revokePrincipal(ctx, p); err != nil {
			return err
		}
		a.logEvent(ctx, slog.LevelInfo, "restauth: logout", Event{Type: EventLogout, Outcome: OutcomeSuccess, User: p.User, Method: p.Method})
	}
	WriteJSON(req.w, http.StatusOK, map[string]string{"detail": a.msgs.Text(MsgLoggedOut)})
	return nil
}

// revokePrincipal ends the credential that authenticated the request.
func (a *Auth) revokePrincipal(ctx context.Context, p *Principal) error {
	switch {
	case p.Method == MethodToken:
		if err := a.deleteToken(ctx, p); err != nil {
			return unavailable(err)
		}
		a.logins.forgetToken(p.Credential)
	case p.Method == MethodJWT && p.Credential != "":
		if err := a.jwt.store.RevokeRefreshFamily(ctx, p.Credential, a.cfg.Now().UTC()); err != nil {
			return unavailable(err)
		}
		a.logins.forgetFamily(p.Credential)
	}
	return nil
}

// refreshFamily returns the refresh family of token when it is a valid
// refresh token, else "".
func (a *Auth) refreshFamily(token string) string {
	if token == "" {
		return ""
	}
	claims, err := a.jwt.codec.Parse(token, simplejwt.Refresh)
	if err != nil {
		return ""
	}
	return claims.Family
}

// foreignRefresh returns the record of token when it is a valid refresh
// token minted elsewhere (no family claim) and the store shares
// SimpleJWT's blacklist (RefreshBlacklist), else nil.
func (a *Auth) foreignRefresh(token string) *RefreshToken {
	if token == "" {
		return nil
	}
	if _, ok := a.jwt.store.(RefreshBlacklist); !ok {
		return nil
	}
	claims, err := a.jwt.codec.Parse(token, simplejwt.Refresh)
	if err != nil || claims.Family != "" {
		return nil
	}
	return &RefreshToken{JTI: claims.JTI, UserID: claims.UserID, Issued: claims.IssuedAt, Expires: claims.Expires, Encoded: token}
}
