package ginauth

import (
	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
)

// RequireUser returns middleware that lets only authenticated requests
// through. Anonymous requests and invalid credentials are answered by core
// in dj-rest-auth's shape (401 with WWW-Authenticate, or 403, depending on
// the first configured method; 503 when the store fails) and the chain is
// aborted. On success the handler reads the caller with [User] or
// [Principal], or with core.UserFrom(c.Request.Context()).
func (a *Auth) RequireUser() gin.HandlerFunc { return a.guard(true) }

// OptionalUser returns middleware that authenticates the request when it
// carries credentials and lets anonymous requests through, as DRF does for
// AllowAny views: invalid credentials are still rejected, as by
// [Auth.RequireUser]. [User] reports false for an anonymous caller.
func (a *Auth) OptionalUser() gin.HandlerFunc { return a.guard(false) }

// guard adapts core.Guard to Gin.
func (a *Auth) guard(required bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, _, ok := a.core.Guard(c.Writer, c.Request, required)
		if !ok {
			c.Abort() // core has written the response
			return
		}
		// The principal travels in the request's context only (core put
		// it there): c.Set would allocate gin's Keys map on every request
		// for a second copy of the same pointer.
		c.Request = r
		c.Next()
	}
}

// Principal returns the caller authenticated by [Auth.RequireUser] or
// [Auth.OptionalUser] (the user and the credential that was used), or
// false for an anonymous request or a route without the middleware. It
// reads c.Request's context, where the middleware stored it, so it also
// works on a c.Copy() handed to a goroutine.
func Principal(c *gin.Context) (*core.Principal, bool) {
	if c == nil || c.Request == nil {
		return nil, false
	}
	return core.PrincipalFrom(c.Request.Context())
}

// User returns the authenticated user of the request, or false when the
// request is anonymous or did not pass through the middleware.
func User(c *gin.Context) (*core.User, bool) {
	p, ok := Principal(c)
	if !ok || p.User == nil {
		return nil, false
	}
	return p.User, true
}
