package core

import (
	"net/http"
	"strings"
)

// Route is one endpoint to mount: Path is relative to Config.Prefix and
// ends with a slash ("login/"); Handler answers every method itself (405
// with Allow for the ones it does not support), so adapters mount it for
// all methods, with and without the trailing slash. Methods lists the
// methods it serves, as in its Allow header (HEAD where GET is served, and
// OPTIONS), for routers that register per method and send the others to
// Handler through a fallback.
type Route struct {
	Path    string
	Handler http.Handler
	Methods []string
}

// buildRoutes creates the endpoints of the configured modes.
func (a *Auth) buildRoutes() {
	logoutMethods := []string{http.MethodPost}
	if a.cfg.LogoutOnGet {
		logoutMethods = []string{http.MethodGet, http.MethodPost}
	}
	a.endpoint = map[string]*endpoint{
		"login/":           newEndpoint(a, "Login", accessNone, a.serveLogin, http.MethodPost),
		"logout/":          newEndpoint(a, "Logout", accessOptional, a.serveLogout, logoutMethods...),
		"user/":            newEndpoint(a, "User Details", accessRequired, a.serveUser, http.MethodGet, http.MethodPut, http.MethodPatch),
		"password/change/": newEndpoint(a, "Password Change", accessRequired, a.servePasswordChange, http.MethodPost),
	}
	paths := []string{"login/", "logout/", "user/", "password/change/"}
	if a.jwt != nil {
		a.endpoint["token/verify/"] = newEndpoint(a, "Token Verify", accessNone, a.serveTokenVerify, http.MethodPost)
		a.endpoint["token/refresh/"] = newEndpoint(a, "Token Refresh", accessNone, a.serveTokenRefresh, http.MethodPost)
		paths = append(paths, "token/verify/", "token/refresh/")
	}
	if a.registrationEnabled() {
		a.endpoint["registration/"] = newEndpoint(a, "Register", accessNone, a.serveRegistration, http.MethodPost)
		a.endpoint["login/"].rotateCSRF = true
		paths = append(paths, "registration/")
		a.endpoint["registration/"].rotateCSRF = true
	}
	if a.cfg.Accounts.Mailer != nil && a.accounts != nil {
		if a.registrationEnabled() {
			a.endpoint["registration/verify-email/"] = newEndpoint(a, "Verify Email", accessNone, a.serveVerifyEmail, http.MethodPost)
			a.endpoint["registration/resend-email/"] = newEndpoint(a, "Resend Email Verification", accessNone, a.serveResendEmail, http.MethodPost)
			paths = append(paths, "registration/verify-email/", "registration/resend-email/")
		}
		a.endpoint["password/reset/"] = newEndpoint(a, "Password Reset", accessNone, a.servePasswordReset, http.MethodPost)
		a.endpoint["password/reset/confirm/"] = newEndpoint(a, "Password Reset Confirm", accessNone, a.servePasswordResetConfirm, http.MethodPost)
		paths = append(paths, "password/reset/", "password/reset/confirm/")
	}
	a.endpoint["login/"].rotateCSRF = true
	for _, p := range paths {
		a.routes = append(a.routes, Route{Path: p, Handler: a.endpoint[p], Methods: strings.Split(a.endpoint[p].allow, ", ")})
	}
}

// Routes returns the endpoints to mount under Prefix, in a stable order.
func (a *Auth) Routes() []Route {
	rs := append([]Route(nil), a.routes...)
	for i := range rs {
		rs[i].Methods = append([]string(nil), rs[i].Methods...)
	}
	return rs
}

// Prefix returns the configured mount point, e.g. "/api/auth/".
func (a *Auth) Prefix() string { return a.cfg.Prefix }

// Handler returns a net/http handler serving every route under Prefix, with
// and without the trailing slash (no redirects); other paths under Prefix
// get 404 {"detail":"Not found."}. Mount it with
// mux.Handle(auth.Prefix(), auth.Handler()).
func (a *Auth) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel, ok := strings.CutPrefix(r.URL.Path, a.cfg.Prefix)
		if !ok {
			a.NotFound(w, r)
			return
		}
		if !strings.HasSuffix(rel, "/") {
			rel += "/"
		}
		if e, ok := a.endpoint[rel]; ok {
			e.ServeHTTP(w, r)
			return
		}
		a.NotFound(w, r)
	})
}

// NotFound answers 404 {"detail":"Not found."}.
func (a *Auth) NotFound(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	WriteJSON(w, http.StatusNotFound, NewDetailError(http.StatusNotFound, a.msgs.Text(MsgNotFound)))
}
