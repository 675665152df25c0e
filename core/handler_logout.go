package core

import (
	"log/slog"
	"net/http"
)

// serveLogout is POST logout/: revoke the credential that authenticated the
// request and answer {"detail": "Successfully logged out."}.
//
// It never fails because of a stale credential: a token that no longer
// works is already logged out, so the answer is the same 200. With only
// header-based methods configured, a request with no credentials at all
// gets dj-rest-auth's 400 ("You should be logged in to logout...").
func (a *Auth) serveLogout(req *request) error {
	p := req.principal
	if p == nil && !req.staleCredentials {
		return NewDetailError(http.StatusBadRequest, a.msgs.Text(MsgLogoutNotLoggedIn))
	}
	if p != nil {
		if p.Method == MethodToken {
			if err := a.cfg.Store.DeleteToken(req.r.Context(), p.Credential); err != nil {
				return unavailable(err)
			}
		}
		a.cfg.Logger.LogAttrs(req.r.Context(), slog.LevelInfo, "restauth: logout",
			slog.String("event", "logout"), slog.Int64("user_id", p.User.ID))
	}
	WriteJSON(req.w, http.StatusOK, map[string]string{"detail": a.msgs.Text(MsgLoggedOut)})
	return nil
}
