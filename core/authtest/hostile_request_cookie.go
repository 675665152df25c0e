package authtest

import (
	"net/http"
	"testing"
)

// reqTextPlainCookie is T-REQ-09: a cookie-authenticated POST whose JSON
// body is labelled text/plain (what a cross-site HTML form or a "simple"
// fetch can send without a preflight). With the CSRF token it is 415;
// without it 403; neither changes anything: the password, the session and
// the JWT login all survive.
func (s *suite) reqTextPlainCookie(t *testing.T) {
	change := jsonObject("old_password", defaultPassword, "new_password1", "Brand-new-pass-7", "new_password2", "Brand-new-pass-7")
	const plain = `{"detail":"Unsupported media type \"text/plain\" in request."}`
	const noToken = `{"detail":"CSRF Failed: CSRF token missing or incorrect."}`

	t.Run("session", func(t *testing.T) {
		e := s.newEnv(t, sessionMode(newClock()))
		e.createUser(t, newUser("alice"))
		sid, csrf := e.sessionLogin(t, "alice", defaultPassword)
		e.secrets.add(sid, csrf)
		before := e.reqUser(t, "alice")
		cookie := cookieHeader("sessionid", sid, "csrftoken", csrf)
		for _, p := range []string{"password/change/", "logout/"} {
			e.reqSend(t, http.MethodPost, e.path(p), "text/plain", change, "Cookie", cookie, "X-CSRFToken", csrf).wantJSON(t, http.StatusUnsupportedMediaType, plain)
			e.reqSend(t, http.MethodPost, e.path(p), "text/plain", change, "Cookie", cookie).wantJSON(t, http.StatusForbidden, noToken)
		}
		e.reqSend(t, http.MethodPatch, e.path("user/"), "text/plain", `{"first_name":"Eve"}`, "Cookie", cookie, "X-CSRFToken", csrf).
			wantJSON(t, http.StatusUnsupportedMediaType, plain)
		e.reqUnchanged(t, before)
		e.do(t, http.MethodGet, e.path("user/"), "", "Cookie", cookie).wantStatus(t, http.StatusOK)
	})

	t.Run("JWT cookies", func(t *testing.T) {
		e := s.newEnv(t, jwtMode(newClock()))
		e.createUser(t, newUser("alice"))
		l := e.loginJWT(t, "alice")
		before := e.reqUser(t, "alice")
		cookie := cookieHeader("access", l.access, "refresh", l.refresh, "csrftoken", l.csrf)
		for _, p := range []string{"password/change/", "logout/", "token/refresh/"} {
			e.reqSend(t, http.MethodPost, e.path(p), "text/plain", change, "Cookie", cookie, "X-CSRFToken", l.csrf).wantJSON(t, http.StatusUnsupportedMediaType, plain)
		}
		e.reqSend(t, http.MethodPost, e.path("password/change/"), "text/plain", change, "Cookie", cookie).wantJSON(t, http.StatusForbidden, noToken)
		e.reqUnchanged(t, before)
		e.do(t, http.MethodGet, e.path("user/"), "", "Cookie", cookie).wantStatus(t, http.StatusOK)
		res := e.do(t, http.MethodPost, e.path("token/refresh/"), "{}", "Cookie", cookie, "X-CSRFToken", l.csrf)
		res.wantStatus(t, http.StatusOK)
	})
}
