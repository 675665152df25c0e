package echoauth

import (
	"errors"
	"net/http"

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

	// Allow, when set, also requires the authenticated caller to satisfy
	// it, as a DRF permission class does (see [Auth.Require]): a caller
	// it refuses is answered 403 {"detail":"You do not have permission to
	// perform this action."}. It implies an authenticated user: Optional
	// is ignored when Allow is set. Default nil: any authenticated user
	// (or, with Optional, anyone) passes.
	Allow func(*core.Principal) bool

	// ErrorHandler, when set, takes over the answer to a rejected request
	// (401 or 403 for missing or invalid credentials, 403 for a caller
	// Allow refuses, 503 when a store fails), so that the application's Echo HTTPErrorHandler can render
	// it. It receives an *echo.HTTPError whose Code is the status and whose
	// Message and Internal are the *core.Error that core would have
	// written: its JSON encoding is dj-rest-auth's body and its Header the
	// headers of the answer. Those headers (WWW-Authenticate, Retry-After,
	// Cache-Control: no-store, ...) are already set on c.Response() when
	// ErrorHandler runs, as Echo's BasicAuth does before returning its
	// error.
	//
	// The middleware returns what ErrorHandler returns and never calls the
	// next handler: return err (or another error) to let Echo's
	// HTTPErrorHandler answer, or write a response and return nil. When it
	// returns nil without writing, core's default answer is written, so a
	// rejected request never reaches the client as an empty 200.
	//
	// Default nil: core writes its answer in dj-rest-auth's shape and the
	// middleware returns nil, so Echo's HTTPErrorHandler never sees the
	// rejection.
	ErrorHandler func(c echo.Context, err error) error
}

// RequireUser returns middleware that lets only authenticated requests
// through. Anonymous requests and invalid credentials are answered by core
// in dj-rest-auth's shape (401 with WWW-Authenticate, or 403, depending on
// the first configured method; 503 when the store fails) and the next
// handler is not called. On success the handler reads the caller with
// [User] or [Principal], or with core.UserFrom(c.Request().Context()). It
// is MiddlewareWithConfig(MiddlewareConfig{}).
func (a *Auth) RequireUser() echo.MiddlewareFunc {
	return a.MiddlewareWithConfig(MiddlewareConfig{})
}

// OptionalUser returns middleware that authenticates the request when it
// carries credentials and lets anonymous requests through, as DRF does for
// AllowAny views: invalid credentials are still rejected, as by
// [Auth.RequireUser]. [User] reports false for an anonymous caller. It is
// MiddlewareWithConfig(MiddlewareConfig{Optional: true}).
func (a *Auth) OptionalUser() echo.MiddlewareFunc {
	return a.MiddlewareWithConfig(MiddlewareConfig{Optional: true})
}

// MiddlewareWithConfig returns [Auth.RequireUser] or, with cfg.Optional,
// [Auth.OptionalUser], or with cfg.Allow [Auth.Require], with a Skipper
// and an ErrorHandler (see [MiddlewareConfig]). On success the principal is stored in the request's
// context: read it with [User] or [Principal], or with
// core.UserFrom(c.Request().Context()).
func (a *Auth) MiddlewareWithConfig(cfg MiddlewareConfig) echo.MiddlewareFunc {
	skipper := cfg.Skipper
	if skipper == nil {
		skipper = middleware.DefaultSkipper
	}
	required := !cfg.Optional
	onError := cfg.ErrorHandler
	allow := cfg.Allow
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skipper(c) {
				return next(c)
			}
			if onError == nil {
				var (
					r  *http.Request
					ok bool
				)
				if allow != nil {
					r, _, ok = a.core.GuardAllow(c.Response(), c.Request(), allow)
				} else {
					r, _, ok = a.core.Guard(c.Response(), c.Request(), required)
				}
				if !ok {
					return nil // core has written the response
				}
				// The principal travels in the request's context only
				// (core put it there): c.Set would allocate echo's store
				// map on every request for a second copy of the pointer.
				c.SetRequest(r)
				return next(c)
			}
			var (
				r   *http.Request
				err error
			)
			if allow != nil {
				r, _, err = a.core.CheckAllow(c.Response(), c.Request(), allow)
			} else {
				r, _, err = a.core.Check(c.Response(), c.Request(), required)
			}
			if err != nil {
				return a.reject(c, err, onError)
			}
			c.SetRequest(r)
			return next(c)
		}
	}
}

// reject hands the rejection err (a *core.Error from core.Check) to the
// application's ErrorHandler.
func (a *Auth) reject(c echo.Context, err error, onError func(echo.Context, error) error) error {
	var e *core.Error
	if !errors.As(err, &e) {
		// core.Check documents a *core.Error; anything else is a bug
		// there, answered as a generic 500 by core.
		a.core.WriteError(c.Response(), c.Request(), err)
		return nil
	}
	h := c.Response().Header()
	for k, vs := range e.Header {
		if k == "Vary" {
			for _, v := range vs {
				h.Add(k, v) // keep the application's Vary (Origin, ...)
			}
			continue
		}
		h[k] = append([]string(nil), vs...)
	}
	if herr := onError(c, &echo.HTTPError{Code: e.Status, Message: e, Internal: e}); herr != nil {
		return herr
	}
	if !c.Response().Committed {
		core.WriteJSON(c.Response(), e.Status, e) // headers are already set
	}
	return nil
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
