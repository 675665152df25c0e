package core

import (
	"net/http"
	"time"
)

// cookieSpec is everything but the value of a cookie restauth sets.
type cookieSpec struct {
	name     string
	path     string
	maxAge   time.Duration
	httpOnly bool
	sameSite http.SameSite // zero: Config.CookieSameSite
}

// setCookie writes a cookie with the configured Domain and Secure
// attributes, Max-Age and a matching Expires, like Django's set_cookie.
func (a *Auth) setCookie(w http.ResponseWriter, s cookieSpec, value string) {
	ss := s.sameSite
	if ss == 0 {
		ss = a.cfg.CookieSameSite
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.name, Value: value, Path: s.path, Domain: a.cfg.CookieDomain,
		Expires: a.cfg.Now().Add(s.maxAge).UTC(), MaxAge: int(s.maxAge / time.Second),
		Secure: !a.cfg.InsecureCookies, HttpOnly: s.httpOnly, SameSite: ss,
	})
}

// deleteCookie expires a cookie with the same Path, Domain, Secure,
// HttpOnly and SameSite it was set with, so the browser matches and drops it.
func (a *Auth) deleteCookie(w http.ResponseWriter, s cookieSpec) {
	ss := s.sameSite
	if ss == 0 {
		ss = a.cfg.CookieSameSite
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.name, Value: "", Path: s.path, Domain: a.cfg.CookieDomain,
		Expires: time.Unix(0, 0).UTC(), MaxAge: -1,
		Secure: !a.cfg.InsecureCookies, HttpOnly: s.httpOnly, SameSite: ss,
	})
}

// accessCookie and refreshCookie describe the JWT cookies.
func (a *Auth) accessCookie() cookieSpec {
	j := a.cfg.JWT
	return cookieSpec{name: j.AccessCookie, path: "/", maxAge: j.AccessLifetime, httpOnly: !j.NotHTTPOnly}
}

func (a *Auth) refreshCookie() cookieSpec {
	j := a.cfg.JWT
	return cookieSpec{name: j.RefreshCookie, path: j.RefreshCookiePath, maxAge: j.RefreshLifetime, httpOnly: !j.NotHTTPOnly}
}
