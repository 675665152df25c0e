package core

import (
	"fmt"
	"net/http"
	"strings"
)

// cookieNameErrors reports cookie names a browser or Go would drop
// silently, which would log nobody in without any error: names that are
// not valid cookie names (http.SetCookie skips them), and the RFC 6265bis
// prefixes without what they demand — "__Secure-" needs Secure,
// "__Host-" needs Secure, Path=/ and no Domain. Browsers match the
// prefixes case-insensitively.
func (c Config) cookieNameErrors() []error {
	type cookie struct{ field, name, path string }
	var cookies []cookie
	if c.uses(MethodJWT) && !c.JWT.DisableCookies {
		cookies = append(cookies, cookie{"JWT.AccessCookie", c.JWT.AccessCookie, "/"},
			cookie{"JWT.RefreshCookie", c.JWT.RefreshCookie, c.JWT.RefreshCookiePath})
	}
	if c.uses(MethodSession) {
		cookies = append(cookies, cookie{"Session.CookieName", c.Session.CookieName, "/"})
	}
	cookies = append(cookies, cookie{"CSRF.CookieName", c.CSRF.CookieName, "/"})
	if !c.Throttle.Disabled && !c.Throttle.DeviceCookie.Disabled {
		cookies = append(cookies, cookie{"Throttle.DeviceCookie.Name", c.Throttle.DeviceCookie.Name, c.Prefix})
	}
	var errs []error
	for _, k := range cookies {
		lower := strings.ToLower(k.name)
		host, secure := strings.HasPrefix(lower, "__host-"), strings.HasPrefix(lower, "__secure-")
		switch {
		case k.name == "":
			// reported by the section's own validation
		case (&http.Cookie{Name: k.name, Value: "x"}).Valid() != nil:
			errs = append(errs, fmt.Errorf("%s: %q is not a valid cookie name", k.field, k.name))
		case (host || secure) && c.InsecureCookies:
			errs = append(errs, fmt.Errorf("%s: browsers drop a %q cookie without Secure: unset InsecureCookies or drop the prefix", k.field, k.name))
		case host && (k.path != "/" || c.CookieDomain != ""):
			errs = append(errs, fmt.Errorf("%s: browsers drop a %q cookie unless its Path is / and it has no Domain (path %q, CookieDomain %q)",
				k.field, k.name, k.path, c.CookieDomain))
		}
	}
	return errs
}
