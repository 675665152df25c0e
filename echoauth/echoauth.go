package echoauth

import (
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/restauth/restauth/core"
)

// Router is where the endpoints are mounted. Both *echo.Echo and
// *echo.Group satisfy it.
type Router interface {
	// Any registers h for every method Echo supports.
	Any(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) []*echo.Route
	// RouteNotFound registers h for unmatched paths under path.
	RouteNotFound(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
}

// Auth is restauth mounted on Echo: a core service plus the Echo glue. It
// is safe for concurrent use; build it once with [Register] or [New].
type Auth struct {
	core *core.Auth
}

// Register validates cfg, builds the core service with core.New and mounts
// its endpoints on g (see [Auth.Mount]). Paths are relative to g, so an
// *echo.Group mounts them under the group's prefix. It returns an error,
// and mounts nothing, for an invalid configuration.
func Register(g Router, cfg core.Config) (*Auth, error) {
	if g == nil {
		return nil, errors.New("echoauth: Register called with a nil router")
	}
	ca, err := core.New(cfg)
	if err != nil {
		return nil, err
	}
	a := New(ca)
	a.Mount(g)
	return a, nil
}

// New wraps a core service the application built itself with core.New.
// Call [Auth.Mount] to serve its endpoints. auth must not be nil.
func New(auth *core.Auth) *Auth {
	if auth == nil {
		panic("echoauth: New called with a nil *core.Auth")
	}
	return &Auth{core: auth}
}

// Core returns the underlying core service, for account management
// (CreateUser, Deactivate, SetUserPassword) and configuration.
func (a *Auth) Core() *core.Auth { return a.core }

// Mount registers the endpoints on g under the configured prefix, relative
// to g: each route for every method Echo's Any covers, once with and once
// without its trailing slash, so both forms are served without a redirect.
// A {name} placeholder of an extension's path (core.Extension) is
// registered as Echo's :name.
// The core handler answers 405 with Allow for methods an endpoint does not
// support. Unmatched paths under the prefix get a RouteNotFound handler
// answering 404 {"detail":"Not found."}; routes the application registers
// under the same prefix keep precedence over it.
func (a *Auth) Mount(g Router) {
	prefix := a.core.Prefix()
	for _, rt := range a.core.Routes() {
		h := echo.WrapHandler(rt.Handler)
		path := prefix + rt.PathWith(func(name string) string { return ":" + name })
		g.Any(path, h)
		g.Any(strings.TrimSuffix(path, "/"), h)
	}
	g.RouteNotFound(prefix+"*", func(c echo.Context) error {
		a.core.NotFound(c.Response(), c.Request())
		return nil
	})
}
