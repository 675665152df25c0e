package ginauth

import (
	"errors"
	"fmt"
	"net/http"
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

// fallbackParam names the path parameters of the fallback routes that
// answer, under the prefix, the paths and methods no endpoint route takes.
const fallbackParam = "restauth_path"

// Mount registers the endpoints on r under the configured prefix, relative
// to r. Each endpoint is registered for the methods it serves (those of
// its Allow header: e.g. POST and OPTIONS for login/; GET, PUT, PATCH,
// HEAD and OPTIONS for user/), once with and once without its trailing
// slash, so neither form is redirected by Gin's RedirectTrailingSlash.
// A {name} placeholder of an extension's path (core.Extension) is
// registered as Gin's :name.
//
// Three fallback routes, for every method Gin's Any covers, take the rest
// under the prefix: the prefix itself, prefix+":restauth_path" and
// prefix+":restauth_path/*restauth_path_rest". They answer another method
// on an endpoint's path with 405 and the endpoint's Allow header, and any
// other path (the prefix itself, "xxlogin", "login/x") with
// 404 {"detail":"Not found."}. Since every path under the prefix matches a
// route in every method's tree, Gin's RedirectTrailingSlash and
// RedirectFixedPath do not apply to them. One exception is Gin's own: a
// doubled trailing slash with a method the endpoint serves (POST
// .../login//) is redirected to the single slash, because Gin's tree
// recommends that before it tries the fallbacks. Routes the application
// registers under the same prefix, before or after Mount, keep precedence
// over the fallbacks.
//
// Like any Gin registration, Mount panics on a route conflict; [Register]
// reports it as an error.
func (a *Auth) Mount(r gin.IRouter) {
	prefix := a.core.Prefix()
	routes := a.core.Routes()
	fb := &fallback{core: a.core, endpoints: make(map[string]http.Handler, len(routes))}
	for _, rt := range routes {
		if strings.Contains(rt.Path, "{") {
			fb.patterns = append(fb.patterns, rt)
		} else {
			fb.endpoints[rt.Path] = rt.Handler
		}
		h := endpoint{rt.Handler}.serve
		path := prefix + rt.PathWith(func(name string) string { return ":" + name })
		r.Match(rt.Methods, path, h)
		r.Match(rt.Methods, strings.TrimSuffix(path, "/"), h)
	}
	r.Any(prefix, fb.serve)
	r.Any(prefix+":"+fallbackParam, fb.serve)
	r.Any(prefix+":"+fallbackParam+"/*"+fallbackParam+"_rest", fb.serve)
}

// endpoint serves one of core's endpoints; a named method rather than
// gin.WrapH so that Gin's debug listing names it.
type endpoint struct{ h http.Handler }

func (e endpoint) serve(c *gin.Context) { e.h.ServeHTTP(c.Writer, c.Request) }

// fallback answers the fallback routes: core's 405 for an endpoint's path,
// 404 for any other path under the prefix.
type fallback struct {
	core *core.Auth
	// endpoints maps core's relative paths ("login/") to their handlers;
	// patterns are the routes whose paths have {name} placeholders (an
	// extension's "socialaccounts/{id}/disconnect/").
	endpoints map[string]http.Handler
	patterns  []core.Route
}

func (f *fallback) serve(c *gin.Context) {
	// The path relative to the prefix, as core spells its routes:
	// "password/change/" for .../password/change and .../password/change/.
	rel := c.Param(fallbackParam) + c.Param(fallbackParam+"_rest")
	if rel != "" && !strings.HasSuffix(rel, "/") {
		rel += "/"
	}
	if h, ok := f.endpoints[rel]; ok {
		h.ServeHTTP(c.Writer, c.Request) // 405 with the endpoint's Allow
		return
	}
	for _, rt := range f.patterns {
		if rt.Match(rel) {
			rt.Handler.ServeHTTP(c.Writer, c.Request)
			return
		}
	}
	f.core.NotFound(c.Writer, c.Request)
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
