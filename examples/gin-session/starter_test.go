package main

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/restauth/restauth/core/authtest/startertest"
)

// TestStarter runs this starter end to end through its environment, its
// management commands and HTTP, as a dj-rest-auth client would, in every
// RESTAUTH_MODE (the pages are off without sessions; the API stays).
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
