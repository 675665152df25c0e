package core

import (
	"strings"
	"testing"

	"github.com/gorilla/sessions"
)

// Cookie names that browsers or Go would drop silently are refused at
// startup; valid prefixed names with what they demand are accepted.
func TestCookieNamesValidated(t *testing.T) {
	secret := []byte("0123456789abcdefghijklmnopqrstuvwxyzABCD")
	base := func(mod func(*Config)) Config {
		c := Config{Store: nopStore{}, SecretKey: secret, Methods: []Method{MethodJWT, MethodSession},
			Session: SessionConfig{Store: sessions.NewCookieStore(secret)}}
		mod(&c)
		return c
	}
	for name, c := range map[string]struct {
		mod  func(*Config)
		want string
	}{
		"insecure __Host-":        {func(c *Config) { c.InsecureCookies = true; c.JWT.AccessCookie = "__Host-a" }, "JWT.AccessCookie"},
		"insecure __secure-":      {func(c *Config) { c.InsecureCookies = true; c.Session.CookieName = "__secure-s" }, "Session.CookieName"},
		"__Host- off Path /":      {func(c *Config) { c.JWT.RefreshCookie = "__Host-r" }, "JWT.RefreshCookie"},
		"__Host- with Domain":     {func(c *Config) { c.CookieDomain = "example.com"; c.CSRF.CookieName = "__Host-c" }, "CSRF.CookieName"},
		"invalid name":            {func(c *Config) { c.CSRF.CookieName = "a=b" }, "not a valid cookie name"},
		"invalid name, separator": {func(c *Config) { c.JWT.AccessCookie = "a;b" }, "not a valid cookie name"},
	} {
		_, err := New(base(c.mod))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %s", name, err, c.want)
		}
	}
	for name, mod := range map[string]func(*Config){
		"defaults": func(*Config) {},
		"secure prefixes": func(c *Config) {
			c.JWT.AccessCookie, c.JWT.RefreshCookie, c.CSRF.CookieName = "__Host-a", "__Secure-r", "__Host-c"
		},
		"__Host- refresh at /":  func(c *Config) { c.JWT.RefreshCookie, c.JWT.RefreshCookiePath = "__Host-r", "/" },
		"insecure plain names":  func(c *Config) { c.InsecureCookies = true },
		"no JWT cookies at all": func(c *Config) { c.JWT.DisableCookies = true; c.JWT.AccessCookie = "a b" },
	} {
		// nopStore is no RefreshStore: New fails later for that, only
		// after the cookie checks passed.
		if _, err := New(base(mod)); err == nil || strings.Contains(err.Error(), "cookie") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
