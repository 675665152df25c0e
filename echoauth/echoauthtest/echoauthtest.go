// Package echoauthtest holds the applications that the suites of
// core/authtest run on the Echo adapter: Server for authtest.Run and
// authtest.RunWithStore, RequireServer for authtest.RunRequire and
// authtest.RunRequireWithStore. echoauth's own tests run them on the
// in-memory store; tests in other modules run them on other stores
// (the SQL databases of sqlstore, say) without echoauth depending on
// those.
//
// The package imports the testing package; import it from tests only.
package echoauthtest

import (
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/echoauth"
)

// Server is the authtest.Server of the Echo adapter: echoauth.Register on
// a new echo.Echo, plus the application routes authtest.Server describes
// behind echoauth's RequireUser and OptionalUser, reading the caller
// through echoauth.User and echoauth.Principal. It fails t if Register
// fails.
func Server(t *testing.T, cfg core.Config) (http.Handler, *core.Auth) {
	t.Helper()
	e := echo.New()
	a, err := echoauth.Register(e, cfg)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	protected := func(c echo.Context) error {
		u, ok := echoauth.User(c)
		if !ok {
			return echo.NewHTTPError(http.StatusInternalServerError, "no user behind the middleware")
		}
		return c.JSON(http.StatusOK, map[string]string{"username": u.Username})
	}
	optional := func(c echo.Context) error {
		name := ""
		if u, ok := echoauth.User(c); ok {
			name = u.Username
		}
		return c.JSON(http.StatusOK, map[string]string{"user": name})
	}
	required := a.RequireUser()
	anyone := a.OptionalUser()
	e.GET("/api/claims/", func(c echo.Context) error {
		p, ok := echoauth.Principal(c)
		if !ok {
			return echo.NewHTTPError(http.StatusInternalServerError, "no principal behind the middleware")
		}
		return c.JSON(http.StatusOK, authtest.ClaimsObject(p))
	}, required)
	for _, p := range []string{"/api/protected/", "/api/protected"} {
		e.Match([]string{http.MethodGet, http.MethodPost}, p, protected, required)
	}
	for _, p := range []string{"/api/optional/", "/api/optional"} {
		e.GET(p, optional, anyone)
	}
	return e, a.Core()
}

// RequireServer is the authtest.Server of authtest.RunRequire on the Echo
// adapter: echoauth.Register on a new echo.Echo, plus the routes
// authtest.RunRequire describes behind echoauth's RequireUser,
// RequireStaff and Require(authtest.AllowAnn), reading the caller through
// echoauth.Principal. It fails t if Register fails.
func RequireServer(t *testing.T, cfg core.Config) (http.Handler, *core.Auth) {
	t.Helper()
	e := echo.New()
	a, err := echoauth.Register(e, cfg)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	answer := func(c echo.Context) error {
		p, ok := echoauth.Principal(c)
		if !ok {
			return echo.NewHTTPError(http.StatusInternalServerError, "no principal behind the middleware")
		}
		return c.JSON(http.StatusOK, authtest.RequireAnswer(p))
	}
	e.GET(authtest.RequireUserPath, answer, a.RequireUser())
	e.GET(authtest.RequireStaffPath, answer, a.RequireStaff())
	e.GET(authtest.RequireAnnPath, answer, a.Require(authtest.AllowAnn))
	return e, a.Core()
}

// Both are servers of the authtest suites.
var (
	_ authtest.Server = Server
	_ authtest.Server = RequireServer
)
