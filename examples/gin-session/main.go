// Command gin-session is a copyable starter: a server-rendered Gin site
// (html/template pages embedded in the binary) whose users log in with
// server-side sessions and CSRF-protected forms, on restauth's
// dj-rest-auth-compatible endpoints under /api/auth/. It is configured from
// the RESTAUTH_* environment (see README.md); RESTAUTH_MODE defaults to
// session here.
//
//	RESTAUTH_INSECURE_COOKIES=1 go run .   # serve http://127.0.0.1:8000 with SQLite
//	go run . createuser --username alice --email alice@example.com --password 'S3cret-pass'
//	go run . help                          # list the management commands
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/envconfig"
	"github.com/restauth/restauth/core/httpserver"
	"github.com/restauth/restauth/core/manage"
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
	settings, err := envconfig.Load(getenv, envconfig.ModeSession, logger)
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

	// Server-side sessions in the same database, so that every instance
	// sees every login and logout; expired rows are swept every 10 minutes.
	sessions := db.Sessions
	defer sessions.StartCleanup(10 * time.Minute)()

	cfg := core.Config{Store: db.Store, Logger: logger, Session: core.SessionConfig{Store: sessions}}
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
	// Mail links open this site's pages (pages.go), in dj-rest-auth's
	// link shapes.
	cfg.Accounts.VerifyEmailURL = settings.FrontendURL + verifyEmailLink
	cfg.Accounts.PasswordResetURL = settings.FrontendURL + passwordResetLink
	// RESTAUTH_REDIS_URL moves sessions and rate limits to Redis (redisstore).
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

	router, auth, err := newRouter(cfg, logger)
	if err != nil {
		return err
	}
	// After the last request, deliver the account mail still queued.
	return httpserver.Run(ctx, settings.Addr, router, logger, auth.Close)
}
