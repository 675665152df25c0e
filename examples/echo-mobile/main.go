// Command echo-mobile is a copyable starter: an Echo API for mobile apps.
// Phones authenticate with JWT Bearer tokens (rotating refresh tokens in
// response bodies, never cookies) or with DB tokens ("Authorization: Token
// <key>"), against restauth's dj-rest-auth-compatible endpoints under
// /api/auth/; the app's own routes live under /api/v1/. It is configured
// from the RESTAUTH_* environment (see README.md).
//
//	go run .                         # serve on 127.0.0.1:8000 with SQLite
//	go run . createuser --username alice --email alice@example.com --password 'S3cret-pass'
//	go run . help                    # list the management commands
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

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
	settings, err := envconfig.Load(getenv, envconfig.ModeJWT, logger)
	if err != nil {
		return err
	}
	if err := checkMode(settings.Mode); err != nil {
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

	cfg := core.Config{Store: db.Store, Logger: logger}
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
	applyMobile(&cfg, settings.Mode)
	// RESTAUTH_REDIS_URL moves the rate limits to Redis (redisstore), shared
	// by every instance; unset, each instance counts in memory.
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
	// which then serves the two pages they open (linkpages): a phone opens
	// them in its browser.
	// RESTAUTH_LINK_PAGES=on serves them behind a proxy at the public
	// RESTAUTH_FRONTEND_URL, off never.
	linkOrigins, mountLinkPages := settings.LinkPageOrigins()
	e, auth, err := newServer(cfg, logger, linkOrigins, mountLinkPages)
	if err != nil {
		return err
	}
	// After the last request, deliver the account mail still queued.
	return httpserver.Run(ctx, settings.Addr, e, logger, auth.Close)
}
