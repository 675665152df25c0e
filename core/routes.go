package core

import (
	"maps"
	"net/http"
	"strings"
)

// Route is one endpoint to mount: Path is relative to Config.Prefix and
// ends with a slash ("login/"); Handler answers every method itself (405
// with Allow for the ones it does not support), so adapters mount it for
// all methods, with and without the trailing slash. Methods lists the
// methods it serves, as in its Allow header (HEAD where GET is served, and
// OPTIONS), for routers that register per method and send the others to
// Handler through a fallback. Operations describes each method for the
// OpenAPI document (see Auth.OpenAPI); HEAD and OPTIONS may be left out,
// the document derives them from GET and from DRF's OPTIONS answer.
type Route struct {
	Path       string
	Handler    http.Handler
	Methods    []string
	Operations map[string]Operation
}

// buildRoutes creates the endpoints of the configured modes. Each
// endpoint's methods are those its description (openapi_ops.go) lists,
// so the OpenAPI document describes exactly what is mounted.
func (a *Auth) buildRoutes() {
	a.endpoint = map[string]*endpoint{
		"login/":           describedEndpoint(a, "Login", accessNone, a.serveLogin, a.loginOps()),
		"logout/":          describedEndpoint(a, "Logout", accessOptional, a.serveLogout, a.logoutOps()),
		"user/":            describedEndpoint(a, "User Details", accessRequired, a.serveUser, a.userOps()),
		"password/change/": describedEndpoint(a, "Password Change", accessRequired, a.servePasswordChange, a.passwordChangeOps()),
	}
	paths := []string{"login/", "logout/", "user/", "password/change/"}
	if a.jwt != nil {
		a.endpoint["token/verify/"] = describedEndpoint(a, "Token Verify", accessNone, a.serveTokenVerify, a.tokenVerifyOps())
		a.endpoint["token/refresh/"] = describedEndpoint(a, "Token Refresh", accessNone, a.serveTokenRefresh, a.tokenRefreshOps())
		paths = append(paths, "token/verify/", "token/refresh/")
	}
	if a.registrationEnabled() {
		a.endpoint["registration/"] = describedEndpoint(a, "Register", accessNone, a.serveRegistration, a.registrationOps())
		a.endpoint["login/"].rotateCSRF = true
		paths = append(paths, "registration/")
		a.endpoint["registration/"].rotateCSRF = true
	}
	if a.cfg.Accounts.Mailer != nil && a.accounts != nil {
		if a.registrationEnabled() {
			a.endpoint["registration/verify-email/"] = describedEndpoint(a, "Verify Email", accessNone, a.serveVerifyEmail, a.verifyEmailOps())
			a.endpoint["registration/resend-email/"] = describedEndpoint(a, "Resend Email Verification", accessNone, a.serveResendEmail, a.resendEmailOps())
			paths = append(paths, "registration/verify-email/", "registration/resend-email/")
		}
		a.endpoint["password/reset/"] = describedEndpoint(a, "Password Reset", accessNone, a.servePasswordReset, a.passwordResetOps())
		a.endpoint["password/reset/confirm/"] = describedEndpoint(a, "Password Reset Confirm", accessNone, a.servePasswordResetConfirm, a.passwordResetConfirmOps())
		paths = append(paths, "password/reset/", "password/reset/confirm/")
	}
	if !a.cfg.DisableOpenAPI {
		// Served with and without the trailing slash like every route;
		// the document names it without.
		doc := &openAPIEndpoint{auth: a}
		a.endpoint[openAPIPath] = describedEndpoint(a, "OpenAPI", accessNone, doc.serve, openAPIOps())
		a.endpoint[openAPIPath].static = true
		paths = append(paths, openAPIPath)
	}
	a.endpoint["login/"].rotateCSRF = true
	for _, p := range paths {
		e := a.endpoint[p]
		a.routes = append(a.routes, Route{Path: p, Handler: e, Methods: strings.Split(e.allow, ", "), Operations: e.ops})
	}
}

// Routes returns the endpoints to mount under Prefix, in a stable order.
func (a *Auth) Routes() []Route {
	rs := append([]Route(nil), a.routes...)
	for i := range rs {
		rs[i].Methods = append([]string(nil), rs[i].Methods...)
		rs[i].Operations = maps.Clone(rs[i].Operations)
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
		for _, p := range a.patterns {
			if matchSegments(p.segments, rel) {
				p.e.ServeHTTP(w, r)
				return
			}
		}
		a.NotFound(w, r)
	})
}

// NotFound answers 404 {"detail":"Not found."}.
func (a *Auth) NotFound(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	WriteJSON(w, http.StatusNotFound, NewDetailError(http.StatusNotFound, a.msgs.Text(MsgNotFound)))
}
