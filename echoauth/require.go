package echoauth

import (
	"github.com/labstack/echo/v4"

	"github.com/restauth/restauth/core"
)

// RequireStaff returns middleware that lets through only authenticated
// callers whose user is staff (Django's is_staff), as DRF's IsAdminUser
// does. It is Require(core.IsStaff): see [Auth.Require] for the answers.
func (a *Auth) RequireStaff() echo.MiddlewareFunc { return a.Require(core.IsStaff) }

// Require returns middleware that lets through only authenticated callers
// whose principal satisfies allow, as a DRF permission class does; the
// decision and the answers are core's (core.Auth.Require):
//
//   - anonymous requests and invalid credentials are answered exactly as
//     by [Auth.RequireUser] (401 with WWW-Authenticate, or 403);
//   - an authenticated caller that allow refuses gets 403
//     {"detail":"You do not have permission to perform this action."};
//   - a failing store is 503 with Retry-After; a panic in allow is a
//     logged 500.
//
// The next handler is not called after any of these. allow sees the user
// fully loaded, also with JWTConfig.Stateless, whose tokens carry only the
// user's ID: the user is then read from the store (one query per
// request), and one deleted or deactivated since is refused as JWT
// authentication would refuse it. On success the handler reads that
// principal with [User] or [Principal]. A nil allow only requires
// authentication, as RequireUser does.
//
// It is MiddlewareWithConfig(MiddlewareConfig{Allow: allow}); set
// MiddlewareConfig.ErrorHandler there to hand the rejections, the 403
// included, to Echo's HTTPErrorHandler.
func (a *Auth) Require(allow func(*core.Principal) bool) echo.MiddlewareFunc {
	return a.MiddlewareWithConfig(MiddlewareConfig{Allow: allow})
}
