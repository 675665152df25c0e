package ginauth_test

import (
	"log"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/ginauth"
)

// Register mounts login/, logout/ and user/ under /api/auth/ and returns
// the middleware for the application's own routes.
func ExampleRegister() {
	r := gin.New()
	auth, err := ginauth.Register(r, core.Config{
		Store: memstore.New(), // sqlstore in production
	})
	if err != nil {
		log.Fatal(err)
	}

	api := r.Group("/api", auth.RequireUser())
	api.GET("/me", func(c *gin.Context) {
		u, _ := ginauth.User(c) // always set behind RequireUser
		c.JSON(http.StatusOK, gin.H{"username": u.Username})
	})

	// Anonymous callers pass; a bad token is still rejected.
	r.GET("/feed", auth.Authenticate(), func(c *gin.Context) {
		if u, ok := ginauth.User(c); ok {
			c.JSON(http.StatusOK, gin.H{"feed": "personal", "for": u.Username})
			return
		}
		c.JSON(http.StatusOK, gin.H{"feed": "public"})
	})

	_ = r // r.Run("127.0.0.1:8000")
}

// New wraps a core service built by the application, for example to share
// it between a Gin router and a plain net/http mux, and Mount serves it
// under a route group (here /v1/api/auth/).
func ExampleNew() {
	svc, err := core.New(core.Config{Store: memstore.New()})
	if err != nil {
		log.Fatal(err)
	}
	r := gin.New()
	auth := ginauth.New(svc)
	auth.Mount(r.Group("/v1"))

	mux := http.NewServeMux()
	mux.Handle(svc.Prefix(), svc.Handler())
	_ = auth
}
