package main

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/linkpages"
	"github.com/restauth/restauth/echoauth"
)

// newServer builds the Echo instance: restauth's endpoints under
// /api/auth/, the pages that the mail links open when they point at one of
// linkOrigins (if mountLinkPages; see envconfig's
// Settings.LinkPageOrigins), and the app's routes under /api/v1/, behind
// restauth's middleware. The service is returned too, to be closed at
// shutdown.
func newServer(cfg core.Config, logger *slog.Logger, linkOrigins []string, mountLinkPages bool) (*echo.Echo, *core.Auth, error) {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// Echo v4 trusts X-Forwarded-For by default; take the socket peer
	// instead. Behind a reverse proxy use echo.ExtractIPFromXFFHeader with
	// the proxy's ranges.
	e.IPExtractor = echo.ExtractIPDirect()
	e.HTTPErrorHandler = jsonErrors(e)

	// The service first, so that the access log can keep the secrets of
	// mail links out of the paths it logs.
	ca, err := core.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	pages, err := linkpages.New(ca, linkpages.Options{Origins: linkOrigins})
	if err != nil {
		return nil, nil, err
	}
	e.Use(accessLog(logger, pages.RedactPath), middleware.Recover())

	auth := echoauth.New(ca)
	auth.Mount(e)
	// Confirm-email and choose-a-new-password pages, opened in the phone's
	// browser from the mails (none when RESTAUTH_FRONTEND_URL points at
	// another frontend). They are the only answers that set a cookie: a
	// CSRF token scoped to the page's path.
	if mountLinkPages {
		for _, rt := range pages.Routes() {
			e.Any(rt.PathWith(func(name string) string { return ":" + name }), echo.WrapHandler(rt.Handler))
		}
	}

	// The app's API: every route needs a logged-in phone, and no answer
	// about a user may be stored by a cache on the way.
	v1 := e.Group("/api/v1", auth.RequireUser(), noStore)
	notes := &notesAPI{auth: ca, store: newNoteStore()}
	v1.GET("/notes", notes.list)
	v1.POST("/notes", notes.create)

	e.GET("/healthz", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]string{"status": "ok"}) })
	return e, ca, nil
}

// noStore marks answers as private to the caller.
func noStore(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// jsonErrors renders Echo's own errors (404, 405, recovered panics) as
// {"detail": ...} like the rest of the API, without internal details.
func jsonErrors(e *echo.Echo) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		code, detail := http.StatusInternalServerError, "A server error occurred."
		var he *echo.HTTPError
		if errors.As(err, &he) && he.Code < 500 {
			code, detail = he.Code, http.StatusText(he.Code)
			if code == http.StatusNotFound {
				detail = "Not found."
			}
		}
		if code >= 500 {
			e.Logger.Error(err)
		}
		_ = c.JSON(code, map[string]string{"detail": detail})
	}
}

// accessLog logs one line per request: method, path (never the query,
// which may carry secrets, nor any header; the secrets of mail links are
// replaced by redact), status and duration. An error returned by the
// handler is rendered first, so the logged status is the one the client
// got.
func accessLog(logger *slog.Logger, redact func(path string) string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			logger.Info("request", "method", c.Request().Method, "path", redact(c.Request().URL.Path),
				"status", c.Response().Status, "duration", time.Since(start).Round(time.Microsecond))
			return nil
		}
	}
}
