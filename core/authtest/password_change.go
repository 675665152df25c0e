package authtest

import (
	"net/http"
	"testing"

	"github.com/restauth/restauth/core"
)

// testPasswordChange checks POST password/change/: dj-rest-auth's
// validation and messages, and that the change ends every other login of
// the user while the one that made it keeps working.
func (s *suite) testPasswordChange(t *testing.T) {
	e := s.newEnv(t)
	e.createUser(t, newUser("alice"))
	change := e.path("password/change/")
	const saved = `{"detail":"New password has been saved."}`

	t.Run("needs authentication", func(t *testing.T) {
		res := e.do(t, http.MethodPost, change, `{}`)
		res.want(t, http.StatusUnauthorized, notProvided)
		res.wantHeader(t, "WWW-Authenticate", "Token")
	})
	key := e.login(t, "alice", defaultPassword)
	auth := func(k string) []string { return []string{"Authorization", tokenHeader(k)} }

	t.Run("validation", func(t *testing.T) {
		for body, want := range map[string]string{
			`{}`: `{"old_password":["This field is required."],"new_password1":["This field is required."],"new_password2":["This field is required."]}`,
			jsonObject("old_password", "wrong", "new_password1", "x", "new_password2", "y"):                                  `{"old_password":["Your old password was entered incorrectly. Please enter it again."]}`,
			jsonObject("old_password", defaultPassword, "new_password1", "N3w-pass-word", "new_password2", "N3w-pass-wordx"): `{"new_password2":["The two password fields didn’t match."]}`,
			jsonObject("old_password", defaultPassword, "new_password1", "123", "new_password2", "123"):                      `{"new_password2":["This password is too short. It must contain at least 8 characters.","This password is too common.","This password is entirely numeric."]}`,
			jsonObject("old_password", defaultPassword, "new_password1", "alice-zq", "new_password2", "alice-zq"):            `{"new_password2":["The password is too similar to the username."]}`,
		} {
			e.do(t, http.MethodPost, change, body, auth(key)...).want(t, http.StatusBadRequest, want)
		}
		e.do(t, http.MethodGet, change, "", auth(key)...).want(t, http.StatusMethodNotAllowed, `{"detail":"Method \"GET\" not allowed."}`)
		// Nothing changed: the old password still logs in.
		e.login(t, "alice", defaultPassword)
	})

	t.Run("ends the other logins, keeps the caller's", func(t *testing.T) {
		other := e.login(t, "alice", defaultPassword)
		body := jsonObject("old_password", defaultPassword, "new_password1", "Brand-new-pass-7", "new_password2", "Brand-new-pass-7")
		e.do(t, http.MethodPost, change, body, auth(key)...).want(t, http.StatusOK, saved)
		e.do(t, http.MethodGet, e.path("user/"), "", auth(key)...).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodGet, e.path("user/"), "", auth(other)...).want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", defaultPassword)).
			want(t, http.StatusBadRequest, `{"non_field_errors":["Unable to log in with provided credentials."]}`)
		e.login(t, "alice", "Brand-new-pass-7")
	})

	t.Run("SkipOldPasswordCheck", func(t *testing.T) {
		g := s.newEnv(t, func(c *core.Config) { c.SkipOldPasswordCheck = true })
		g.createUser(t, newUser("bob"))
		k := g.login(t, "bob", defaultPassword)
		g.do(t, http.MethodPost, g.path("password/change/"),
			jsonObject("old_password", "ignored", "new_password1", "Brand-new-pass-7", "new_password2", "Brand-new-pass-7"),
			"Authorization", tokenHeader(k)).want(t, http.StatusOK, saved)
	})

	t.Run("JWT: other logins die, the caller's Bearer and refresh keep working", func(t *testing.T) {
		clk := newClock()
		j := s.newEnv(t, jwtMode(clk))
		j.createUser(t, newUser("carol"))
		mine, theirs := j.loginJWT(t, "carol"), j.loginJWT(t, "carol")
		body := jsonObject("old_password", defaultPassword, "new_password1", "Brand-new-pass-7", "new_password2", "Brand-new-pass-7")
		j.do(t, http.MethodPost, j.path("password/change/"), body, "Authorization", "Bearer "+mine.access).wantJSON(t, http.StatusOK, saved)
		j.do(t, http.MethodGet, j.path("user/"), "", "Authorization", "Bearer "+mine.access).wantStatus(t, http.StatusOK)
		j.do(t, http.MethodPost, j.path("token/refresh/"), jsonObject("refresh", mine.refresh)).wantStatus(t, http.StatusOK)
		j.do(t, http.MethodGet, j.path("user/"), "", "Authorization", "Bearer "+theirs.access).
			wantJSON(t, http.StatusUnauthorized, accessError("Token is blacklisted"))
		j.do(t, http.MethodPost, j.path("token/refresh/"), jsonObject("refresh", theirs.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
	})

	t.Run("LogoutOnPasswordChange: the caller's credential ends too", func(t *testing.T) {
		clk := newClock()
		logoutToo := func(c *core.Config) { c.LogoutOnPasswordChange = true }
		body := jsonObject("old_password", defaultPassword, "new_password1", "Brand-new-pass-7", "new_password2", "Brand-new-pass-7")

		g := s.newEnv(t, logoutToo)
		g.createUser(t, newUser("erin"))
		k := g.login(t, "erin", defaultPassword)
		g.do(t, http.MethodPost, g.path("password/change/"), body, "Authorization", tokenHeader(k)).want(t, http.StatusOK, saved)
		g.do(t, http.MethodGet, g.path("user/"), "", "Authorization", tokenHeader(k)).want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)
		g.login(t, "erin", "Brand-new-pass-7")

		j := s.newEnv(t, jwtMode(clk), logoutToo)
		j.createUser(t, newUser("fred"))
		l := j.loginJWT(t, "fred")
		j.do(t, http.MethodPost, j.path("password/change/"), body, "Authorization", "Bearer "+l.access).wantJSON(t, http.StatusOK, saved)
		j.do(t, http.MethodGet, j.path("user/"), "", "Authorization", "Bearer "+l.access).
			wantJSON(t, http.StatusUnauthorized, accessError("Token is blacklisted"))
		j.do(t, http.MethodPost, j.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)

		ss := s.newEnv(t, sessionMode(clk), logoutToo)
		ss.createUser(t, newUser("gina"))
		sid, csrf := ss.sessionLogin(t, "gina", defaultPassword)
		res := ss.do(t, http.MethodPost, ss.path("password/change/"), body,
			"Cookie", cookieHeader("sessionid", sid, "csrftoken", csrf), "X-CSRFToken", csrf)
		res.wantJSON(t, http.StatusOK, saved)
		if c := res.cookies()["sessionid"]; c != nil && c.Value != "" {
			t.Errorf("the changer's session was re-issued (%q)", c.Value)
		}
		ss.do(t, http.MethodGet, ss.path("user/"), "", "Cookie", cookieHeader("sessionid", sid)).wantStatus(t, http.StatusForbidden)
	})

	t.Run("JWT cookie: CSRF applies", func(t *testing.T) {
		clk := newClock()
		j := s.newEnv(t, jwtMode(clk))
		j.createUser(t, newUser("dave"))
		l := j.loginJWT(t, "dave")
		body := jsonObject("old_password", defaultPassword, "new_password1", "Brand-new-pass-7", "new_password2", "Brand-new-pass-7")
		j.do(t, http.MethodPost, j.path("password/change/"), body, "Cookie", cookieHeader("access", l.access, "csrftoken", l.csrf)).
			wantJSON(t, http.StatusForbidden, `{"detail":"CSRF Failed: CSRF token missing or incorrect."}`)
		j.do(t, http.MethodPost, j.path("password/change/"), body, "Cookie", cookieHeader("access", l.access, "csrftoken", l.csrf),
			"X-CSRFToken", l.csrf).wantJSON(t, http.StatusOK, saved)
	})
}
