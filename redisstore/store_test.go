package redisstore_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/redisstore"
)

// TestNewRefusesInvalidInput: New checks its inputs without a server.
func TestNewRefusesInvalidInput(t *testing.T) {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1"})
	defer client.Close()
	cases := []struct {
		name   string
		client redis.UniversalClient
		opts   []redisstore.Option
	}{
		{"nil client", nil, nil},
		{"typed nil *redis.Client", (*redis.Client)(nil), nil},
		{"typed nil *redis.ClusterClient", (*redis.ClusterClient)(nil), nil},
		{"empty prefix", client, []redisstore.Option{redisstore.WithPrefix("")}},
		{"negative grace", client, []redisstore.Option{redisstore.WithThrottleGrace(-1)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := redisstore.New(tc.client, tc.opts...)
			if err == nil || s != nil {
				t.Fatalf("New = %v, %v; want an error", s, err)
			}
			if !strings.HasPrefix(err.Error(), "redisstore: New: ") {
				t.Errorf("error %q does not name redisstore.New", err)
			}
		})
	}
	s, err := redisstore.New(client, redisstore.WithPrefix("app:"), redisstore.WithThrottleGrace(0), nil)
	if err != nil || s == nil {
		t.Fatalf("New with valid options = %v, %v", s, err)
	}
	if s.Client() != client {
		t.Error("Client() is not the client given to New")
	}
}

// TestNewLeavesClientOpen: Close of a Store from New does not close the
// caller's client; Close of a Store from Open does.
func TestNewLeavesClientOpen(t *testing.T) {
	url := redisURL(t)
	opts, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	defer client.Close()
	s, err := redisstore.New(client)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := client.Ping(t.Context()).Err(); err != nil {
		t.Errorf("the caller's client after Store.Close: %v", err)
	}

	opened, err := redisstore.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := opened.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := opened.Client().Ping(t.Context()).Err(); !errors.Is(err, redis.ErrClosed) {
		t.Errorf("the client Open made, after Close: %v, want redis.ErrClosed", err)
	}
}

// TestOpenErrorsHideThePassword: a malformed URL, a bad option and an
// unreachable server all fail without the URL's password in the text; the
// unreachable server wraps core.ErrUnavailable.
func TestOpenErrorsHideThePassword(t *testing.T) {
	const secret = "s3cret-Pa55"
	cases := []struct {
		name, url   string
		unavailable bool
	}{
		{"malformed", "redis://user:" + secret + "@127.0.0.1:notaport/0", false},
		{"bad scheme", "http://user:" + secret + "@127.0.0.1:6379/0", false},
		{"bad database", "redis://user:" + secret + "@127.0.0.1:6379/x" + secret, false},
		{"bad option", "redis://user:" + secret + "@127.0.0.1:6379/0?max_retries=" + secret, false},
		{"unreachable", "redis://user:" + secret + "@127.0.0.1:1/0?max_retries=-1", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := redisstore.Open(t.Context(), tc.url)
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error shows the password: %q", err)
			}
			if got := errors.Is(err, core.ErrUnavailable); got != tc.unavailable {
				t.Errorf("errors.Is(%q, core.ErrUnavailable) = %v, want %v", err, got, tc.unavailable)
			}
		})
	}
}

// TestOpenHonoursContext: a cancelled context fails Open.
func TestOpenHonoursContext(t *testing.T) {
	url := redisURL(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s, err := redisstore.Open(ctx, url)
	if err == nil {
		s.Close()
		t.Fatal("Open with a cancelled context succeeded")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Open with a cancelled context: %v, want context.Canceled", err)
	}
}
