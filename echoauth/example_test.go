package echoauth_test

import (
	"log"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/echoauth"
)

// Register mounts login/, logout/ and user/ under /api/auth/ and returns
// the middleware for the application's own routes.
func ExampleRegister() {
	e := echo.New()
	auth, err := echoauth.Register(e, core.Config{
		Store: memstore.New(), // sqlstore in production
	})
	if err != nil {
		log.Fatal(err)
	}

	api := e.Group("/api", auth.Middleware())
	api.GET("/me", func(c echo.Context) error {
		u, _ := echoauth.User(c) // always set behind Middleware
		return c.JSON(http.StatusOK, map[string]string{"username": u.Username})
	})

	_ = e // e.Start("127.0.0.1:8000")
}

// MiddlewareWithConfig lets anonymous callers through (a bad token is
// still rejected) and skips requests the application chooses.
func ExampleAuth_MiddlewareWithConfig() {
	e := echo.New()
	auth, err := echoauth.Register(e, core.Config{Store: memstore.New()})
	if err != nil {
		log.Fatal(err)
	}
	e.GET("/feed", func(c echo.Context) error {
		if u, ok := echoauth.User(c); ok {
			return c.JSON(http.StatusOK, map[string]string{"feed": "personal", "for": u.Username})
		}
		return c.JSON(http.StatusOK, map[string]string{"feed": "public"})
	}, auth.MiddlewareWithConfig(echoauth.MiddlewareConfig{
		Optional: true,
		Skipper:  func(c echo.Context) bool { return c.Request().Method == http.MethodOptions },
	}))
}

// New wraps a core service built by the application and Mount serves it
// under a group (here /v1/api/auth/).
func ExampleNew() {
	svc, err := core.New(core.Config{Store: memstore.New()})
	if err != nil {
		log.Fatal(err)
	}
	e := echo.New()
	echoauth.New(svc).Mount(e.Group("/v1"))
}
