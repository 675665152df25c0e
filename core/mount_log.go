package core

import (
	"context"
	"log/slog"
	"strings"
)

// endpointPaths returns every endpoint restauth can mount, in Routes
// order.
func endpointPaths() []string {
	return []string{
		"login/", "logout/", "user/", "password/change/",
		"token/verify/", "token/refresh/",
		"registration/", "registration/verify-email/", "registration/resend-email/",
		"password/reset/", "password/reset/confirm/",
		openAPIPath,
	}
}

// unmounted says why an endpoint is not mounted and which setting mounts
// it.
type unmounted struct {
	reason, setting string
}

// whyUnmounted explains why the endpoint at path is not mounted, from the
// same configuration buildRoutes decides on.
func (a *Auth) whyUnmounted(path string) unmounted {
	ac := a.cfg.Accounts
	switch {
	case path == openAPIPath:
		return unmounted{"the OpenAPI document is disabled", "Config.DisableOpenAPI=false"}
	case strings.HasPrefix(path, "token/"):
		return unmounted{"JWT authentication is not configured", "add core.MethodJWT to Config.Methods (RESTAUTH_MODE=jwt or all)"}
	case strings.HasPrefix(path, "registration/") && ac.DisableRegistration:
		return unmounted{"registration is disabled", "Config.Accounts.DisableRegistration=false"}
	case path == "registration/":
		return unmounted{"no Mailer to send the verification mail", "Config.Accounts.Mailer (with FrontendURL and a SecretKey), or EmailVerification=VerifyNone"}
	case ac.Mailer == nil:
		return unmounted{"no Mailer to send its mail", "Config.Accounts.Mailer (with FrontendURL and a SecretKey)"}
	case a.accounts == nil:
		return unmounted{"no SecretKey to sign its links", "Config.SecretKey (at least 32 bytes)"}
	}
	return unmounted{"not mounted by this configuration", ""}
}

// logMounts logs, once per New, the endpoints that were mounted (Info,
// one record) and each one that was not, with the reason and the setting
// that would mount it, so that a 404 on registration/ or password/reset/
// is explained in the server's log. An endpoint missing for want of a
// Mailer or SecretKey is a Warn (the usual surprise); one left out by a
// choice (no JWT method, DisableRegistration) is an Info.
func (a *Auth) logMounts() {
	mounted := make(map[string]bool, len(a.routes))
	paths := make([]string, 0, len(a.routes))
	for _, r := range a.routes {
		mounted[r.Path] = true
		paths = append(paths, r.Path)
	}
	ctx := context.Background()
	a.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "restauth: endpoints mounted",
		slog.String("prefix", a.cfg.Prefix), slog.String("endpoints", strings.Join(paths, " ")))
	for _, p := range endpointPaths() {
		if mounted[p] {
			continue
		}
		why := a.whyUnmounted(p)
		level := slog.LevelWarn
		if p == openAPIPath || strings.HasPrefix(p, "token/") || strings.HasPrefix(p, "registration/") && a.cfg.Accounts.DisableRegistration {
			level = slog.LevelInfo
		}
		a.cfg.Logger.LogAttrs(ctx, level, "restauth: endpoint not mounted",
			slog.String("endpoint", a.cfg.Prefix+p), slog.String("reason", why.reason), slog.String("setting", why.setting))
	}
}
