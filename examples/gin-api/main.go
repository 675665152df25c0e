// Command gin-api is a copyable starter: a Gin API server with restauth's
// endpoints under /api/auth/, the pages its mail links open and one
// protected app route, configured from the RESTAUTH_* environment (see
// README.md).
//
//	go run .                         # serve on 127.0.0.1:8000 with SQLite
//	go run . createuser --username alice --email alice@example.com --password 'S3cret-pass'
//	go run . help                    # list the management commands
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/envconfig"
	"github.com/restauth/restauth/core/httpserver"
	"github.com/restauth/restauth/core/linkpages"
	"github.com/restauth/restauth/core/manage"
	"github.com/restauth/restauth/ginauth"
	"github.com/restauth/restauth/redisstore"
	"github.com/restauth/restauth/social"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/mysql"
	"github.com/restauth/restauth/sqlstore/postgres"
	"github.com/restauth/restauth/sqlstore/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(ctx, os.Args[1:], os.Getenv, logger); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// run serves HTTP, or runs the management command named by args.
func run(ctx context.Context, args []string, getenv func(string) string, logger *slog.Logger) error {
	settings, err := envconfig.Load(getenv, envconfig.ModeToken, logger)
	if err != nil {
		return err
	}
	// RESTAUTH_DATABASE_SCHEMA=django shares an existing Django project's
	// tables instead of creating restauth's own (docs/django.md).
	db, err := sqlstore.OpenDatabase(ctx, settings.DatabaseURL, sqlstore.Schema(settings.DatabaseSchema),
		sqlstore.DjangoConfig{SecretKey: settings.SecretKey}, sqlite.Driver(), postgres.Driver(), mysql.Driver())
	if err != nil {
		return err
	}
	defer db.Close()

	// Server-side sessions in the same database (used in session and all
	// modes); expired rows are swept every 10 minutes.
	sessions := db.Sessions
	defer sessions.StartCleanup(10 * time.Minute)()

	// Rate-limit counters live in the database too, so limits hold across
	// instances.
	cfg := core.Config{
		Store: db.Store, Logger: logger,
		Session:  core.SessionConfig{Store: sessions},
		Throttle: core.ThrottleConfig{Store: db.Throttle},
	}
	if err := settings.Apply(&cfg); err != nil {
		return err
	}
	// Social login for the providers the environment configures
	// (RESTAUTH_GITHUB_…, RESTAUTH_GOOGLE_…, RESTAUTH_OIDC_…); none: no
	// social endpoints.
	if sl, err := social.FromEnv(getenv, nil); err != nil {
		return err
	} else if sl != nil {
		cfg.Extensions = append(cfg.Extensions, sl)
	}
	// RESTAUTH_REDIS_URL moves rate limits and sessions to Redis (redisstore).
	// It also carries the change feed's wake-ups between instances, so a
	// logout, or a command below, is enforced everywhere at once.
	redisState, err := redisstore.Configure(ctx, &cfg, settings.RedisURL)
	if err != nil {
		return err
	}
	defer redisState.Close()

	if len(args) > 0 {
		auth, err := core.New(cfg)
		if err != nil {
			return err
		}
		// Close publishes the command's changes before the program exits.
		defer auth.Close(context.WithoutCancel(ctx))
		return manage.Run(ctx, auth, args, os.Stdout, os.Stderr)
	}

	// With the default RESTAUTH_FRONTEND_URL the mails link to this server,
	// which then serves the two pages they open (linkpages).
	// RESTAUTH_LINK_PAGES=on serves them behind a proxy at the public
	// RESTAUTH_FRONTEND_URL, off never.
	linkOrigins, mountLinkPages := settings.LinkPageOrigins()
	handler, auth, err := newRouter(cfg, logger, linkOrigins, mountLinkPages)
	if err != nil {
		return err
	}
	// After the last request, deliver the account mail still queued.
	return httpserver.Run(ctx, settings.Addr, handler, logger, auth.Close)
}

// newRouter builds the Gin engine: restauth's endpoints, the pages that the
// mail links open when they point at one of linkOrigins (if mountLinkPages;
// see envconfig's Settings.LinkPageOrigins), and the app's own routes
// behind restauth's middleware. The service is returned too, to be closed
// at shutdown.
func newRouter(cfg core.Config, logger *slog.Logger, linkOrigins []string, mountLinkPages bool) (*gin.Engine, *core.Auth, error) {
	gin.SetMode(gin.ReleaseMode)
	router := gin.New()
	// Trust no proxy: c.ClientIP() is then the socket peer. Behind a reverse
	// proxy, list its addresses here instead.
	if err := router.SetTrustedProxies(nil); err != nil {
		return nil, nil, err
	}
	// The service first, so that the access log can keep the secrets of
	// mail links out of the paths it logs.
	ca, err := core.New(cfg)
	if err != nil {
		return nil, nil, err
	}
	pages, err := linkpages.New(ca, linkpages.Options{Origins: linkOrigins})
	if err != nil {
		return nil, nil, err
	}
	router.Use(accessLog(logger, pages.RedactPath), gin.CustomRecovery(func(c *gin.Context, _ any) {
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"detail": "A server error occurred."})
	}))

	auth := ginauth.New(ca)
	auth.Mount(router)
	// Confirm-email and choose-a-new-password pages (none when
	// RESTAUTH_FRONTEND_URL points at another frontend, or with
	// RESTAUTH_LINK_PAGES=off).
	if mountLinkPages {
		for _, rt := range pages.Routes() {
			router.Any(rt.PathWith(func(name string) string { return ":" + name }), gin.WrapH(rt.Handler))
		}
	}

	api := router.Group("/api", auth.RequireUser())
	api.GET("/hello/", func(c *gin.Context) {
		user, _ := ginauth.User(c)
		c.JSON(http.StatusOK, gin.H{"message": "Hello, " + user.Username + "!"})
	})
	router.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	return router, ca, nil
}

// accessLog logs one line per request: method, path (never the query,
// which may carry secrets, and with the secrets of mail links replaced by
// redact), status and duration.
func accessLog(logger *slog.Logger, redact func(path string) string) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		logger.Info("request", "method", c.Request.Method, "path", redact(c.Request.URL.Path),
			"status", c.Writer.Status(), "duration", time.Since(start).Round(time.Microsecond))
	}
}
