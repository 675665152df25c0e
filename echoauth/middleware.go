package echoauth

import (
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/restauth/restauth/core"
)

// MiddlewareConfig configures [Auth.MiddlewareWithConfig].
type MiddlewareConfig struct {
	// Skipper selects requests that bypass the middleware entirely (no
	// authentication, no principal). Default middleware.DefaultSkipper:
	// nothing is skipped.
	Skipper middleware.Skipper

	// Optional lets anonymous requests through, as DRF does for AllowAny
	// views; invalid credentials are still rejected. Default false: an
	// authenticated user is required.
	Optional bool
}

// Middleware returns middleware that lets only authenticated requests
// through; it is MiddlewareWithConfig(MiddlewareConfig{}).
func (a *Auth) Middleware() echo.MiddlewareFunc {
	return a.MiddlewareWithConfig(MiddlewareConfig{})
}

// MiddlewareWithConfig returns middleware that authenticates the request
// with the configured methods. A rejected request (no credentials when
// required, invalid credentials, a failing store) is answered by core in
// dj-rest-auth's shape (401 with WWW-Authenticate, 403 or 503) and the
// middleware returns nil without calling next. On success the principal is
// stored in the request's context: read it with [User] or [Principal], or
// with core.UserFrom(c.Request().Context()).
func (a *Auth) MiddlewareWithConfig(cfg MiddlewareConfig) echo.MiddlewareFunc {
	skipper := cfg.Skipper
	if skipper == nil {
		skipper = middleware.DefaultSkipper
	}
	required := !cfg.Optional
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skipper(c) {
				return next(c)
			}
			r, _, ok := a.core.Guard(c.Response(), c.Request(), required)
			if !ok {
				return nil // core has written the response
			}
			// The principal travels in the request's context only (core
			// put it there): c.Set would allocate echo's store map on
			// every request for a second copy of the same pointer.
			c.SetRequest(r)
			return next(c)
		}
	}
}

// Principal returns the caller authenticated by the middleware (the user
// and the credential that was used), or false for an anonymous request or
// a route without the middleware.
func Principal(c echo.Context) (*core.Principal, bool) {
	if c == nil || c.Request() == nil {
		return nil, false
	}
	return core.PrincipalFrom(c.Request().Context())
}

// User returns the authenticated user of the request, or false when the
// request is anonymous or did not pass through the middleware.
func User(c echo.Context) (*core.User, bool) {
	p, ok := Principal(c)
	if !ok || p.User == nil {
		return nil, false
	}
	return p.User, true
}
