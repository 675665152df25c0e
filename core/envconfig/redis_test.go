package envconfig

import (
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestRedisURL: RESTAUTH_REDIS_URL is read verbatim when its scheme is
// Redis's, and refused otherwise without echoing the value (it may hold a
// password).
func TestRedisURL(t *testing.T) {
	load := func(v string) (Settings, error) {
		return Load(env(map[string]string{VarSecretKey: strings.Repeat("k", 40), VarRedisURL: v}), ModeToken,
			slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	for _, v := range []string{"", "redis://127.0.0.1:6379/0", "rediss://app:s3cret@cache.example:6380/2", "unix:///run/redis.sock?db=1"} {
		s, err := load(v)
		if err != nil || s.RedisURL != v {
			t.Errorf("%q: RedisURL %q, %v", v, s.RedisURL, err)
		}
	}
	for _, v := range []string{"127.0.0.1:6379", "http://cache.example:6379", "redis://", "redis://app:pw-Zq9@%zz/0", "memcached://app:pw-Zq9@h:1"} {
		_, err := load(v)
		if err == nil || !strings.Contains(err.Error(), VarRedisURL) {
			t.Errorf("%q: %v, want an error naming %s", v, err, VarRedisURL)
			continue
		}
		if strings.Contains(err.Error(), "pw-Zq9") || (v != "redis://" && strings.Contains(err.Error(), v)) {
			t.Errorf("%q: the error shows the value: %v", v, err)
		}
	}
}
