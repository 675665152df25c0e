package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/restauth/restauth/core/authtest/startertest"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// TestStarter runs this starter end to end through its environment, its
// management commands and HTTP, as a dj-rest-auth client would.
func TestStarter(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	startertest.Run(t, startertest.Spec{
		Main: func(ctx context.Context, args []string, getenv func(string) string) error {
			return run(ctx, args, getenv, logger)
		},
		AppPath:    "/api/hello/",
		HealthPath: "/healthz",
	})
}

// TestStarterDjango runs the same end-to-end checks with
// RESTAUTH_DATABASE_SCHEMA=django on a Django project's database (the
// tables Django's migrate creates, no rows), on SQLite and, when their
// servers are named, PostgreSQL and MySQL: the starter behaves the same
// on Django's tables.
func TestStarterDjango(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	urls := map[string]string{}
	for _, db := range sqltest.All() {
		if db.Env != "" && os.Getenv(db.Env) == "" {
			continue
		}
		urls[db.Name] = db.DjangoEmptyURL(t)
	}
	startertest.RunWith(t, startertest.Spec{
		Main: func(ctx context.Context, args []string, getenv func(string) string) error {
			return run(ctx, args, getenv, logger)
		},
		AppPath:    "/api/hello/",
		HealthPath: "/healthz",
	}, urls, map[string]string{"RESTAUTH_DATABASE_SCHEMA": "django"})
}
