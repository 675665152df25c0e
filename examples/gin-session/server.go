package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/ginauth"
)

// newRouter builds the Gin engine: restauth's endpoints under /api/auth/,
// a small JSON API under /api/, and the HTML pages. The service is
// returned too, to be closed at shutdown.
func newRouter(cfg core.Config, logger *slog.Logger) (*gin.Engine, *core.Auth, error) {
	gin.SetMode(gin.ReleaseMode)
	router := gin.New()
	// Trust no proxy: c.ClientIP() is then the socket peer. Behind a reverse
	// proxy, list its addresses here instead.
	if err := router.SetTrustedProxies(nil); err != nil {
		return nil, nil, err
	}
	ca, err := core.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	router.Use(accessLog(logger), gin.CustomRecovery(func(c *gin.Context, _ any) {
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"detail": "A server error occurred."})
	}))

	// restauth's endpoints on a fresh router, where no route can conflict.
	auth := ginauth.New(ca)
	auth.Mount(router)

	// A JSON route for scripts, with every configured method.
	api := router.Group("/api", auth.RequireUser())
	api.GET("/hello/", func(c *gin.Context) {
		user, _ := ginauth.User(c)
		c.JSON(http.StatusOK, gin.H{"message": "Hello, " + user.Username + "!"})
	})
	router.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })

	if err := mountPages(router, auth, logger); err != nil {
		return nil, nil, err
	}
	return router, ca, nil
}

// accessLog logs one line per request: method, path (never the query,
// which may carry secrets, nor any header or cookie), status and duration.
// A matched route is logged by its pattern, so the key and the token in
// the path of a mailed link (/password-reset/confirm/:uid/:token/) never
// reach the log.
func accessLog(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		path := c.FullPath()
		if path == "" {
			path = c.Request.URL.Path
		}
		logger.Info("request", "method", c.Request.Method, "path", path,
			"status", c.Writer.Status(), "duration", time.Since(start).Round(time.Microsecond))
	}
}
