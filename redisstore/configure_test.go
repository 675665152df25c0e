package redisstore_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/redisstore"
)

// TestConfigureWithoutURL: an empty URL changes nothing and returns a
// Closer that does nothing; a nil config is refused.
func TestConfigureWithoutURL(t *testing.T) {
	sessions, throttle := memstore.NewSessionStore(), core.NewMemoryThrottle()
	cfg := core.Config{
		Methods:  []core.Method{core.MethodSession},
		Session:  core.SessionConfig{Store: sessions},
		Throttle: core.ThrottleConfig{Store: throttle},
	}
	c, err := redisstore.Configure(t.Context(), &cfg, "")
	if err != nil || c == nil {
		t.Fatalf("Configure(\"\"): %v, %v", c, err)
	}
	if cfg.Session.Store != sessions || cfg.Throttle.Store != throttle || cfg.ChangeNotifier != nil {
		t.Errorf("Configure(\"\") changed the config: %+v", cfg)
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := redisstore.Configure(t.Context(), nil, "redis://127.0.0.1:6379/0"); err == nil {
		t.Error("Configure with a nil config: no error")
	}
}

// TestConfigureUnreachable: a Redis that does not answer fails Configure,
// without the URL's password in the error, and leaves the config as it
// was.
func TestConfigureUnreachable(t *testing.T) {
	const pw = "configure-secret-pw"
	sessions := memstore.NewSessionStore()
	cfg := core.Config{Methods: []core.Method{core.MethodSession}, Session: core.SessionConfig{Store: sessions}}
	// Port 1 on loopback: nothing listens, the connection is refused.
	c, err := redisstore.Configure(t.Context(), &cfg, "redis://app:"+pw+"@127.0.0.1:1/0")
	if err == nil {
		c.Close()
		t.Fatal("Configure on a closed port: no error")
	}
	if strings.Contains(err.Error(), pw) {
		t.Errorf("error shows the password: %v", err)
	}
	if cfg.Session.Store != sessions || cfg.Throttle.Store != nil {
		t.Errorf("a failed Configure changed the config: %+v", cfg)
	}
}

// TestConfigure: on a reachable Redis, Configure sets the throttle store,
// and the session store only when the methods include sessions; the
// service built from the config keeps its sessions and counters in Redis
// under the prefix given.
func TestConfigure(t *testing.T) {
	for _, tc := range []struct {
		name     string
		methods  []core.Method
		sessions bool
	}{
		{"session", []core.Method{core.MethodSession}, true},
		{"all", []core.Method{core.MethodJWT, core.MethodToken, core.MethodSession}, true},
		{"token", []core.Method{core.MethodToken}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prefix := testPrefix(t)
			own := memstore.NewSessionStore()
			var logs syncBuffer
			h, err := password.NewArgon2(password.FastArgon2Params())
			if err != nil {
				t.Fatal(err)
			}
			policy, err := password.NewPolicy(password.WithHasher(h))
			if err != nil {
				t.Fatal(err)
			}
			users := memstore.New()
			cfg := core.Config{
				Store: users, Passwords: policy, Methods: tc.methods,
				SecretKey: []byte("redisstore-configure-test-secret-0123456789"),
				Session:   core.SessionConfig{Store: own},
				Logger:    slog.New(slog.NewTextHandler(&logs, nil)),
			}
			// The prefix comes in the URL, as a starter's RESTAUTH_REDIS_URL
			// carries it.
			c, err := redisstore.Configure(t.Context(), &cfg, withQuery(t, redisURL(t), "prefix", prefix))
			if err != nil {
				t.Fatalf("Configure: %v", err)
			}
			t.Cleanup(func() {
				if err := c.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			if _, ok := cfg.Throttle.Store.(*redisstore.ThrottleStore); !ok {
				t.Errorf("Throttle.Store is %T", cfg.Throttle.Store)
			}
			_, inRedis := cfg.Session.Store.(*redisstore.SessionStore)
			if inRedis != tc.sessions || (!tc.sessions && cfg.Session.Store != own) {
				t.Errorf("Session.Store is %T, want it in Redis: %v", cfg.Session.Store, tc.sessions)
			}
			if l := logs.String(); !strings.Contains(l, "rate limits") || !strings.Contains(l, " addr=") ||
				tc.sessions != strings.Contains(l, "rate limits, sessions and change-feed wake-ups in Redis") ||
				!tc.sessions && !strings.Contains(l, "rate limits and change-feed wake-ups in Redis") ||
				!strings.Contains(l, "channel="+prefix+"changes") {
				t.Errorf("log: %s", l)
			}
			// memstore has a change feed: its wake-ups move to Redis.
			if n := c.(*redisstore.Store).ChangeNotifier(); cfg.ChangeNotifier != n || n == nil {
				t.Errorf("ChangeNotifier is %v, want the Store's", cfg.ChangeNotifier)
			}

			auth, err := core.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { auth.Close(t.Context()) })
			srv := httptest.NewServer(auth.Handler())
			t.Cleanup(srv.Close)
			if _, err := auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Email: "alice@example.com", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
				t.Fatal(err)
			}
			in := &instance{auth: auth, srv: srv, log: &logs}
			if res := in.failLogin(t, 1); res.StatusCode != http.StatusBadRequest {
				t.Fatalf("failed login: %d", res.StatusCode)
			}
			if n := loginIPCount(t, c.(*redisstore.Store), prefix); n != 1 {
				t.Errorf("per-IP login counter in Redis: %d, want 1", n)
			}
			res, body := in.do(t, http.MethodPost, "/api/auth/login/", `{"username":"alice","password":"Secret-pass-123"}`)
			if res.StatusCode/100 != 2 {
				t.Fatalf("login: %d %s", res.StatusCode, body)
			}
			keys := scanKeys(t.Context(), t, c.(*redisstore.Store).Client(), prefix+"session:")
			if tc.sessions != (len(keys) == 1) {
				t.Errorf("session keys in Redis: %v, want sessions there: %v", keys, tc.sessions)
			}
		})
	}
}

// withQuery returns rawURL with the query parameter name set to value.
func withQuery(t *testing.T, rawURL, name, value string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set(name, value)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestConfigurePrefixOption: an empty prefix in the URL is refused like
// WithPrefix(""), and an option given to Configure overrides the URL's.
func TestConfigurePrefixOption(t *testing.T) {
	base := redisURL(t)
	var cfg core.Config
	if c, err := redisstore.Configure(t.Context(), &cfg, withQuery(t, base, "prefix", "")); err == nil {
		c.Close()
		t.Error("empty prefix in the URL: no error")
	}
	prefix := testPrefix(t)
	c, err := redisstore.Configure(t.Context(), &cfg, withQuery(t, base, "prefix", "restauth-test:overridden:"), redisstore.WithPrefix(prefix))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if cfg.ChangeNotifier != nil {
		t.Error("Configure set a ChangeNotifier for a config without a store with a change feed")
	}
	if _, _, err := cfg.Throttle.Store.Hit(t.Context(), "probe:1", time.Minute, time.Now()); err != nil {
		t.Fatal(err)
	}
	s := c.(*redisstore.Store)
	if keys := scanKeys(t.Context(), t, s.Client(), prefix); len(keys) != 1 {
		t.Errorf("keys under the option's prefix: %v, want the probe's", keys)
	}
	if keys := scanKeys(t.Context(), t, s.Client(), "restauth-test:overridden:"); len(keys) != 0 {
		t.Errorf("keys under the URL's prefix: %v", keys)
	}
}
