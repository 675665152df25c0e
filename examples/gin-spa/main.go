// Command gin-spa is a copyable starter: a Gin server that serves a small
// single-page app (plain HTML, CSS and JavaScript, embedded, no build step)
// at / and restauth's endpoints at /api/auth/. The app signs up, verifies
// the e-mail address, logs in, edits the profile, changes and resets the
// password and logs out, with JWTs in HttpOnly cookies and Django's CSRF
// rules, exactly as a SPA written for dj-rest-auth would.
//
// It reads the starters' RESTAUTH_* environment (README.md), with
// RESTAUTH_MODE defaulting to jwt, plus one variable of its own:
//
//	RESTAUTH_ACCESS_LIFETIME   access-token lifetime (Go duration, ≥ 1s)   15m
//
// For plain-HTTP development the cookies must not be Secure, or the
// browser drops them:
//
//	RESTAUTH_INSECURE_COOKIES=1 go run .   # then open http://127.0.0.1:8000
//	go run . createuser --username alice --email alice@example.com --password 'S3cret-pass'
//	go run . help                          # list the management commands
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
	"github.com/restauth/restauth/core/manage"
	"github.com/restauth/restauth/ginauth"
	"github.com/restauth/restauth/redisstore"
	"github.com/restauth/restauth/social"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/mysql"
	"github.com/restauth/restauth/sqlstore/postgres"
	"github.com/restauth/restauth/sqlstore/sqlite"
)

// varAccessLifetime is this starter's own variable: the lifetime of access
// tokens in jwt and all modes, as a Go duration ("15m", "30s"). The SPA
// refreshes silently before it ends; tests shorten it to watch that happen.
const varAccessLifetime = "RESTAUTH_ACCESS_LIFETIME"

// SPA routes that mail links lead to. They are hash routes, so the key and
// the reset token never reach a server log or a Referer header, and they
// keep dj-rest-auth's link shapes (…/account-confirm-email/<key>/,
// …/password-reset/confirm/<uid>/<token>/).
const (
	verifyEmailRoute   = "/#/registration/account-confirm-email/{key}/"
	passwordResetRoute = "/#/password-reset/confirm/{uid}/{token}/"
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

// run serves HTTP, or runs the management command named by args. The
// middleware, if any, runs first on every request (tests observe requests
// with it).
func run(ctx context.Context, args []string, getenv func(string) string, logger *slog.Logger, middleware ...gin.HandlerFunc) error {
	settings, err := envconfig.Load(getenv, envconfig.ModeJWT, logger)
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

	cfg := core.Config{Store: db.Store, Logger: logger, Session: core.SessionConfig{Store: sessions}}
	if err := settings.Apply(&cfg); err != nil {
		return err
	}
	// Social login for the providers the environment configures
	// (RESTAUTH_GITHUB_…, RESTAUTH_GOOGLE_…, RESTAUTH_OIDC_…); none: no
	// social endpoints. Their redirect URI defaults to the app's
	// /social/callback page ("Sign in with …", social.go).
	if sl, err := social.FromEnv(socialEnv(getenv, settings.FrontendURL), nil); err != nil {
		return err
	} else if sl != nil {
		cfg.Extensions = append(cfg.Extensions, sl)
	}
	if err := applySPASettings(&cfg, settings, getenv); err != nil {
		return err
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

	// Without SMTP, mails are printed to stdout (the starters' contract)
	// and also kept for the development page /dev/mails.
	var mailbox *devMailbox
	if settings.SMTPAddr == "" {
		mailbox = newDevMailbox(cfg.Accounts.Mailer, devMailboxSize)
		cfg.Accounts.Mailer = mailbox
		// Local and instant, so no mail-server round trip to hide; in
		// the request, the mail is on /dev/mails when the answer arrives.
		cfg.Accounts.SynchronousMail = true
	}
	handler, auth, err := newRouter(cfg, mailbox, logger, middleware...)
	if err != nil {
		return err
	}
	// After the last request, deliver the account mail still queued.
	return httpserver.Run(ctx, settings.Addr, handler, logger, auth.Close)
}

// refreshReuseGrace is how long a consumed refresh token may come back and
// still get new tokens of its login instead of ending it (JWT.ReuseGrace).
// The tabs of a browser share one cookie jar: when a tab closes, or the
// connection drops, while its refresh is in flight, the server has rotated
// the token but the new refresh cookie never arrives, and the next refresh,
// from any tab, presents the old one. Strict reuse detection would log the
// user out of every tab for it. Ten seconds cover the tab that takes over
// (at once with Web Locks, within two seconds without) and the retry after
// a network error (five seconds); a stolen refresh cookie replayed later
// still ends the login.
const refreshReuseGrace = 10 * time.Second

// applySPASettings points the mail links at the SPA's routes, sets the
// refresh reuse grace and applies RESTAUTH_ACCESS_LIFETIME.
func applySPASettings(cfg *core.Config, settings envconfig.Settings, getenv func(string) string) error {
	cfg.Accounts.VerifyEmailURL = settings.FrontendURL + verifyEmailRoute
	cfg.Accounts.PasswordResetURL = settings.FrontendURL + passwordResetRoute
	cfg.JWT.ReuseGrace = refreshReuseGrace
	v := getenv(varAccessLifetime)
	if v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second || (cfg.JWT.RefreshLifetime > 0 && d >= cfg.JWT.RefreshLifetime) {
		return fmt.Errorf("restauth: environment: %s=%q: want a duration of at least 1s, shorter than the refresh lifetime", varAccessLifetime, v)
	}
	cfg.JWT.AccessLifetime = d
	return nil
}

// newRouter builds the Gin engine: the SPA at /, restauth's endpoints under
// /api/auth/, the app's own API behind restauth's middleware, and the
// development mail page when mailbox is not nil. The service is returned
// too, to be closed at shutdown.
func newRouter(cfg core.Config, mailbox *devMailbox, logger *slog.Logger, middleware ...gin.HandlerFunc) (*gin.Engine, *core.Auth, error) {
	gin.SetMode(gin.ReleaseMode)
	router := gin.New()
	// Trust no proxy: c.ClientIP() is then the socket peer. Behind a reverse
	// proxy, list its addresses here instead.
	if err := router.SetTrustedProxies(nil); err != nil {
		return nil, nil, err
	}
	router.Use(middleware...)
	router.Use(accessLog(logger), gin.CustomRecovery(func(c *gin.Context, _ any) {
		c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"detail": "A server error occurred."})
	}))

	auth, err := ginauth.Register(router, cfg)
	if err != nil {
		return nil, nil, err
	}

	api := router.Group("/api", auth.RequireUser())
	api.GET("/hello/", func(c *gin.Context) {
		user, _ := ginauth.User(c)
		c.JSON(http.StatusOK, gin.H{"message": "Hello, " + user.Username + "!"})
	})
	router.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })

	if err := mountSPA(router, auth.Core().Config().EmailOnly); err != nil {
		return nil, nil, err
	}
	if err := mountSocial(router, cfg, logger); err != nil {
		return nil, nil, err
	}
	if mailbox != nil {
		mountDevMails(router, mailbox)
		logger.Warn("development mail page mounted at /dev/mails (loopback clients only): it shows reset and verification links; set RESTAUTH_SMTP_ADDR in production")
	}
	return router, auth.Core(), nil
}

// accessLog logs one line per request: method, path (never the query,
// which may carry secrets), status and duration.
func accessLog(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		logger.Info("request", "method", c.Request.Method, "path", c.Request.URL.Path,
			"status", c.Writer.Status(), "duration", time.Since(start).Round(time.Microsecond))
	}
}
