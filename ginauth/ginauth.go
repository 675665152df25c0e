package ginauth

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
)

// Auth is restauth mounted on Gin: a core service plus the Gin glue. It is
// safe for concurrent use; build it once with [Register] or [New].
type Auth struct {
	core *core.Auth
}

// Register validates cfg, builds the core service with core.New and mounts
// its endpoints on r (see [Auth.Mount]). Paths are relative to r, so a
// *gin.RouterGroup mounts them under the group's base path.
//
// It returns an error, and mounts nothing, for an invalid configuration. A
// route that conflicts with one r already has is also returned as an error
// (Gin itself panics); the router may then hold some of the routes and
// should not be used.
func Register(r gin.IRouter, cfg core.Config) (*Auth, error) {
	if r == nil {
		return nil, errors.New("ginauth: Register called with a nil router")
	}
	ca, err := core.New(cfg)
	if err != nil {
		return nil, err
	}
	a := New(ca)
	if err := a.mountSafely(r); err != nil {
		return nil, err
	}
	return a, nil
}

// New wraps a core service the application built itself with core.New.
// Call [Auth.Mount] to serve its endpoints. auth must not be nil.
func New(auth *core.Auth) *Auth {
	if auth == nil {
		panic("ginauth: New called with a nil *core.Auth")
	}
	return &Auth{core: auth}
}

// Core returns the underlying core service, for account management
// (CreateUser, Deactivate, SetUserPassword) and configuration.
func (a *Auth) Core() *core.Auth { return a.core }

// notFoundParam names the path parameters of the fallback routes that
// answer unknown paths under the prefix.
const notFoundParam = "restauth_path"

// Mount registers the endpoints on r under the configured prefix, relative
// to r: each route for every method Gin's Any covers, once with and once
// without its trailing slash, so neither form is redirected (Gin's
// RedirectTrailingSlash never triggers). The core handler answers 405 with
// Allow for methods an endpoint does not support.
//
// Other paths under the prefix (the prefix itself, "xxlogin", "login/x")
// answer 404 {"detail":"Not found."} through fallback routes that use the
// path parameter ":restauth_path"; routes the application registers under
// the same prefix keep precedence over them. Like any Gin registration,
// Mount panics on a route conflict; [Register] reports it as an error.
func (a *Auth) Mount(r gin.IRouter) {
	prefix := a.core.Prefix()
	for _, rt := range a.core.Routes() {
		h := gin.WrapH(rt.Handler)
		path := prefix + rt.Path
		r.Any(path, h)
		r.Any(strings.TrimSuffix(path, "/"), h)
	}
	notFound := func(c *gin.Context) { a.core.NotFound(c.Writer, c.Request) }
	r.Any(prefix, notFound)
	r.Any(prefix+":"+notFoundParam, notFound)
	r.Any(prefix+":"+notFoundParam+"/*"+notFoundParam+"_rest", notFound)
}

// mountSafely runs Mount and turns Gin's registration panics into an error.
func (a *Auth) mountSafely(r gin.IRouter) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("ginauth: mounting routes under %q: %v", a.core.Prefix(), v)
		}
	}()
	a.Mount(r)
	return nil
}
