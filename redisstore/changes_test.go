package redisstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/redisstore"
	"github.com/restauth/restauth/redisstore/redistest"
)

// waitResult runs WaitChange(seq) in the background and returns its
// result channel.
func waitResult(ctx context.Context, n core.ChangeNotifier, seq int64) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- n.WaitChange(ctx, seq) }()
	return ch
}

// expectWoken waits up to 5s for the result of a WaitChange.
func expectWoken(t *testing.T, what string, ch <-chan error) {
	t.Helper()
	select {
	case err := <-ch:
		if err != nil {
			t.Fatalf("%s: WaitChange = %v, want nil", what, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: WaitChange still waiting after 5s", what)
	}
}

// expectWaiting checks that a WaitChange has not returned within 300ms.
func expectWaiting(t *testing.T, what string, ch <-chan error) {
	t.Helper()
	select {
	case err := <-ch:
		t.Fatalf("%s: WaitChange returned %v, want it still waiting", what, err)
	case <-time.After(300 * time.Millisecond):
	}
}

// TestChangeNotifier: a waiter on one Store (its own client, as another
// instance) starts by subscribing (a spurious return), then is woken by
// a Seq above its own published through another Store, at once when it
// already was, not by a lower Seq nor by another channel, by a message
// that is not a Seq (a script's wake-up), and fails after Close.
func TestChangeNotifier(t *testing.T) {
	prefix := testPrefix(t)
	waiter := openStore(t, prefix).ChangeNotifier()
	publisher := openStore(t, prefix).ChangeNotifier()
	other := openStore(t, prefix+"other:").ChangeNotifier()
	if waiter.Channel() != prefix+"changes" {
		t.Errorf("default channel %q, want %q", waiter.Channel(), prefix+"changes")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	expectWoken(t, "first call (subscribing)", waitResult(ctx, waiter, 5))

	woke := waitResult(ctx, waiter, 5)
	expectWaiting(t, "nothing published", woke)
	if err := publisher.PublishChange(ctx, 3); err != nil {
		t.Fatal(err)
	}
	if err := other.PublishChange(ctx, 100); err != nil {
		t.Fatal(err)
	}
	expectWaiting(t, "a lower Seq, and a higher one on another channel", woke)
	start := time.Now()
	if err := publisher.PublishChange(ctx, 7); err != nil {
		t.Fatal(err)
	}
	expectWoken(t, "Seq 7 published", woke)
	t.Logf("woken %v after PUBLISH", time.Since(start))

	expectWoken(t, "a Seq already published", waitResult(ctx, waiter, 6))
	woke = waitResult(ctx, waiter, 7)
	expectWaiting(t, "nothing above 7", woke)
	// A script that wrote the tables wakes every instance.
	c := openStore(t, prefix).Client()
	if err := c.Publish(ctx, prefix+"changes", "wake up").Err(); err != nil {
		t.Fatal(err)
	}
	expectWoken(t, "a message that is not a Seq", woke)

	woke = waitResult(ctx, waiter, 7)
	expectWaiting(t, "nothing new", woke)
	s := openStore(t, prefix)
	n := s.ChangeNotifier()
	expectWoken(t, "subscribing", waitResult(ctx, n, 7))
	stuck := waitResult(ctx, n, 7)
	expectWaiting(t, "nothing new", stuck)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-stuck:
		if err == nil {
			t.Error("a WaitChange in progress at Close returned nil, want an error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a WaitChange in progress at Close still waits")
	}
	if err := n.WaitChange(ctx, 7); err == nil || errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("WaitChange after Close = %v, want an error", err)
	}
}

// TestChangeNotifierChannelOption: WithChangeChannel names the channel;
// an empty name is refused.
func TestChangeNotifierChannelOption(t *testing.T) {
	prefix := testPrefix(t)
	s := openStore(t, prefix, redisstore.WithChangeChannel(prefix+"feed"))
	if got := s.ChangeNotifier().Channel(); got != prefix+"feed" {
		t.Errorf("Channel() = %q, want %q", got, prefix+"feed")
	}
	if _, err := redisstore.New(s.Client(), redisstore.WithChangeChannel("")); err == nil {
		t.Error("an empty change channel: no error")
	}
}

// TestChangeNotifierUnreachable: with Redis unreachable, WaitChange and
// PublishChange fail at once (core then polls), wrapping
// core.ErrUnavailable, without the URL's password.
func TestChangeNotifierUnreachable(t *testing.T) {
	const pw = "notifier-secret-pw"
	o, err := redis.ParseURL("redis://app:" + pw + "@127.0.0.1:1/0")
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(o)
	defer client.Close()
	s, err := redisstore.New(client)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := s.ChangeNotifier()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for _, err := range []error{n.WaitChange(ctx, 0), n.PublishChange(ctx, 1)} {
		if !errors.Is(err, core.ErrUnavailable) || errors.Is(err, errors.ErrUnsupported) {
			t.Errorf("error with Redis unreachable = %v, want core.ErrUnavailable", err)
		}
		if err != nil && strings.Contains(err.Error(), pw) {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

// TestChangeNotifierReconnects: the subscription goes through a proxy that
// the test cuts (Redis gone: WaitChange fails) and restores (subscribed
// again: a spurious return, then published Seqs wake the waiter again).
func TestChangeNotifierReconnects(t *testing.T) {
	prefix := testPrefix(t)
	proxy := redistest.NewProxy(t, redisURL(t))
	s := openStore(t, prefix) // publishes directly
	cut, err := redisstore.Open(t.Context(), proxy.URL(), redisstore.WithPrefix(prefix))
	if err != nil {
		t.Fatal(err)
	}
	defer cut.Close()
	n := cut.ChangeNotifier()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	expectWoken(t, "subscribing", waitResult(ctx, n, 1))

	woke := waitResult(ctx, n, 1)
	proxy.SetDown(true)
	select {
	case err := <-woke:
		if !errors.Is(err, core.ErrUnavailable) {
			t.Fatalf("WaitChange when Redis went away = %v, want core.ErrUnavailable", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitChange still waits 10s after Redis went away")
	}
	if err := n.WaitChange(ctx, 1); !errors.Is(err, core.ErrUnavailable) {
		t.Fatalf("WaitChange while Redis is away = %v, want core.ErrUnavailable at once", err)
	}

	proxy.SetDown(false)
	deadline := time.Now().Add(20 * time.Second)
	for {
		short, cancelShort := context.WithTimeout(ctx, 200*time.Millisecond)
		err := n.WaitChange(short, 1)
		cancelShort()
		if err == nil || errors.Is(err, context.DeadlineExceeded) {
			break // subscribed again: the spurious return, or waiting
		}
		if time.Now().After(deadline) {
			t.Fatalf("not subscribed again 20s after Redis came back: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	woke = waitResult(ctx, n, 1)
	if err := s.ChangeNotifier().PublishChange(ctx, 2); err != nil {
		t.Fatal(err)
	}
	expectWoken(t, "Seq 2 published after the reconnection", woke)
}

// TestConfigureCarriesWakeups runs two instances configured by Configure,
// each with its own Redis client, on a store with a change feed and no
// notifications of its own (as SQLite or MySQL), with a 4s bound (the
// feed read every second): a logout on A is refused on B well before B's
// next read, every time, carried by Redis.
func TestConfigureCarriesWakeups(t *testing.T) {
	prefix := testPrefix(t)
	mem := memstore.New()
	users := struct {
		core.Store
		core.ChangeFeed
	}{mem, mem}
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	const bound = 4 * time.Second
	start := func() *instance {
		cfg := core.Config{Store: users, Passwords: policy, Methods: []core.Method{core.MethodToken},
			RevocationStaleness: bound, Logger: slog.New(slog.DiscardHandler)}
		c, err := redisstore.Configure(t.Context(), &cfg, withQuery(t, redisURL(t), "prefix", prefix))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if cfg.ChangeNotifier == nil {
			t.Fatal("Configure set no ChangeNotifier on a store with a change feed")
		}
		auth, err := core.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { auth.Close(context.Background()) })
		srv := httptest.NewServer(auth.Handler())
		t.Cleanup(srv.Close)
		return &instance{auth: auth, srv: srv, log: &syncBuffer{}}
	}
	a, b := start(), start()
	if _, err := a.auth.CreateUser(t.Context(), core.NewUser{Username: "amy", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	var worst time.Duration
	for range 5 {
		res, body := a.do(t, http.MethodPost, "/api/auth/login/", `{"username":"amy","password":"Secret-pass-123"}`)
		var out struct{ Key string }
		if err := json.Unmarshal([]byte(body), &out); res.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("login: %d %s", res.StatusCode, body)
		}
		auth := "Token " + out.Key
		for range 2 {
			if res, _ := b.do(t, http.MethodGet, "/api/auth/user/", "", "Authorization", auth); res.StatusCode != http.StatusOK {
				t.Fatalf("B before the logout: %d", res.StatusCode)
			}
		}
		if res, _ := a.do(t, http.MethodPost, "/api/auth/logout/", "", "Authorization", auth); res.StatusCode != http.StatusOK {
			t.Fatalf("logout on A: %d", res.StatusCode)
		}
		since := time.Now()
		for {
			asked := time.Now()
			if res, _ := b.do(t, http.MethodGet, "/api/auth/user/", "", "Authorization", auth); res.StatusCode == http.StatusUnauthorized {
				break
			}
			if d := asked.Sub(since); d > 500*time.Millisecond {
				t.Fatalf("logout on A still accepted on B after %v: no wake-up over Redis (B reads the feed every %v)", d, bound/4)
			}
			time.Sleep(time.Millisecond)
		}
		worst = max(worst, time.Since(since))
	}
	t.Logf("largest delay of a logout on A, refused on B, with Redis carrying the wake-up: %v (feed read every %v)", worst, bound/4)
}
