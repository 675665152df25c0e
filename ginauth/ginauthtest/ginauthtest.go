// Package ginauthtest holds the applications that the suites of
// core/authtest run on the Gin adapter: Server for authtest.Run and
// authtest.RunWithStore, RequireServer for authtest.RunRequire and
// authtest.RunRequireWithStore. ginauth's own tests run them on the
// in-memory store; tests in other modules run them on other stores
// (the SQL databases of sqlstore, say) without ginauth depending on those.
//
// The package imports the testing package; import it from tests only.
// It leaves Gin's mode alone: a test binary that wants quiet logs calls
// gin.SetMode(gin.TestMode) itself, in TestMain.
package ginauthtest

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/ginauth"
)

// Server is the authtest.Server of the Gin adapter: ginauth.Register on a
// new gin.Engine, plus the application routes authtest.Server describes
// behind ginauth's RequireUser and OptionalUser, reading the caller through
// ginauth.User and ginauth.Principal. It fails t if Register fails.
func Server(t *testing.T, cfg core.Config) (http.Handler, *core.Auth) {
	t.Helper()
	r := gin.New()
	a, err := ginauth.Register(r, cfg)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	protected := func(c *gin.Context) {
		u, ok := ginauth.User(c)
		if !ok {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, gin.H{"username": u.Username})
	}
	optional := func(c *gin.Context) {
		name := ""
		if u, ok := ginauth.User(c); ok {
			name = u.Username
		}
		c.JSON(http.StatusOK, gin.H{"user": name})
	}
	api := r.Group("/api")
	api.GET("/claims/", a.RequireUser(), func(c *gin.Context) {
		p, ok := ginauth.Principal(c)
		if !ok {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, authtest.ClaimsObject(p))
	})
	for _, p := range []string{"/protected/", "/protected"} {
		api.Match([]string{http.MethodGet, http.MethodPost}, p, a.RequireUser(), protected)
	}
	for _, p := range []string{"/optional/", "/optional"} {
		api.GET(p, a.OptionalUser(), optional)
	}
	return r, a.Core()
}

// RequireServer is the authtest.Server of authtest.RunRequire on the Gin
// adapter: ginauth.Register on a new gin.Engine, plus the routes
// authtest.RunRequire describes behind ginauth's RequireUser, RequireStaff
// and Require(authtest.AllowAnn), reading the caller through
// ginauth.Principal. It fails t if Register fails.
func RequireServer(t *testing.T, cfg core.Config) (http.Handler, *core.Auth) {
	t.Helper()
	r := gin.New()
	a, err := ginauth.Register(r, cfg)
	if err != nil {
		t.Fatalf("Register: %v", err)
	}
	answer := func(c *gin.Context) {
		p, ok := ginauth.Principal(c)
		if !ok {
			c.AbortWithStatus(http.StatusInternalServerError)
			return
		}
		c.JSON(http.StatusOK, authtest.RequireAnswer(p))
	}
	r.GET(authtest.RequireUserPath, a.RequireUser(), answer)
	r.GET(authtest.RequireStaffPath, a.RequireStaff(), answer)
	r.GET(authtest.RequireAnnPath, a.Require(authtest.AllowAnn), answer)
	return r, a.Core()
}

// Both are servers of the authtest suites.
var (
	_ authtest.Server = Server
	_ authtest.Server = RequireServer
)
