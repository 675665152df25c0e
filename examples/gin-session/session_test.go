package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/restauth/restauth/core/authtest/startertest"
	"github.com/restauth/restauth/core/mail/smtptest"
)

// Django's and DRF's answers, byte for byte.
const (
	csrfMissing   = `{"detail":"CSRF Failed: CSRF token missing or incorrect."}`
	notProvided   = `{"detail":"Authentication credentials were not provided."}`
	loggedOut     = `{"detail":"Successfully logged out."}`
	passwordSaved = `{"detail":"New password has been saved."}`
	newPassword   = "Other-Horse-10"
)

var tokenFieldRe = regexp.MustCompile(`<input type="hidden" name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)">`)

// formToken returns the csrfmiddlewaretoken rendered into a page, as a
// browser submitting the page's form would send it.
func formToken(t *testing.T, page response) string {
	t.Helper()
	m := tokenFieldRe.FindSubmatch(page.body)
	if m == nil {
		t.Fatalf("no csrfmiddlewaretoken field in the page:\n%s", page.body)
	}
	return string(m[1])
}

// login submits the login page's form without JavaScript.
func login(t *testing.T, b *browser, acct startertest.Account, password string) response {
	t.Helper()
	page := b.get("/login")
	if page.status != 200 {
		t.Fatalf("GET /login: %d", page.status)
	}
	return b.postForm("/api/auth/login/", url.Values{
		"username": {acct.Username}, "password": {password}, "csrfmiddlewaretoken": {formToken(t, page)},
	})
}

// TestBrowser drives the site like a browser without JavaScript: form
// posts with the csrfmiddlewaretoken field, cookies in a jar.
func TestBrowser(t *testing.T) {
	for name, dbURL := range startertest.Databases(t) {
		t.Run(name, func(t *testing.T) {
			srv := startertest.Start(t, run, dbURL, map[string]string{"RESTAUTH_INSECURE_COOKIES": "1"})
			acct := srv.CreateUser("alice", testPassword)
			browserFlow(t, srv, acct)
		})
	}
}

func browserFlow(t *testing.T, srv *startertest.Server, acct startertest.Account) {
	a := newBrowser(t, srv.URL)

	// Anonymous: the pages send visitors to the login page.
	a.get("/profile").wantRedirect(t, "anonymous /profile", "/login?next=%2Fprofile")
	a.get("/password").wantRedirect(t, "anonymous /password", "/login?next=%2Fpassword")

	// GET /login renders the form and hands out the csrftoken cookie.
	page := a.get("/login")
	if page.status != 200 || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /login: %d %s", page.status, page.header.Get("Content-Type"))
	}
	// The form token is masked afresh on every page (Django's BREACH
	// defence), so it differs from the cookie but carries the same secret;
	// the posts below prove it is accepted.
	csrf := a.cookie("csrftoken")
	if csrf == "" || len(formToken(t, page)) != 64 {
		t.Fatalf("GET /login: csrftoken cookie %q, form token %q", csrf, formToken(t, page))
	}
	for header, want := range map[string]string{"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Content-Security-Policy": pageCSP} {
		if got := page.header.Get(header); got != want {
			t.Errorf("login page %s: %q, want %q", header, got, want)
		}
	}
	if again := a.get("/login"); again.header.Get("Set-Cookie") != "" || formToken(t, again) == "" {
		t.Errorf("a second GET /login replaced a valid csrftoken: %q", again.header.Get("Set-Cookie"))
	}
	if !strings.Contains(string(page.body), `data-next="/profile"`) {
		t.Error("the login page does not lead to /profile")
	}
	if evil := a.get("/login?next=//evil.example/x"); !strings.Contains(string(evil.body), `data-next="/profile"`) {
		t.Error("the login page accepted another site as next")
	}

	// Login CSRF: another site cannot log this browser into its own
	// account (restauth checks the origin of anonymous writes).
	creds := url.Values{"username": {acct.Username}, "password": {acct.Password}}
	a.postFormFrom("https://evil.example", "/api/auth/login/", creds).want(t, "login form from another site", 403,
		`{"detail":"CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins."}`)
	reg := url.Values{"username": {"mallory_" + startertest.RandomSuffix(t)}, "email": {"m_" + startertest.RandomSuffix(t) + "@example.com"},
		"password1": {acct.Password}, "password2": {acct.Password}}
	a.postFormFrom("https://evil.example", "/api/auth/registration/", reg).want(t, "registration form from another site", 403,
		`{"detail":"CSRF Failed: Origin checking failed - https://evil.example does not match any trusted origins."}`)
	if a.cookie("sessionid") != "" {
		t.Fatal("a refused login left a session")
	}

	// The form post logs in: 204, a session, a rotated csrftoken.
	res := login(t, a, acct, acct.Password)
	if res.status != 204 || len(res.body) != 0 || a.cookie("sessionid") == "" {
		t.Fatalf("login form: %d %s (sessionid %q)", res.status, res.body, a.cookie("sessionid"))
	}
	if a.cookie("csrftoken") == csrf {
		t.Error("login did not rotate the csrftoken")
	}
	a.get("/login").wantRedirect(t, "/login when logged in", "/profile")
	profile := a.get("/profile")
	if profile.status != 200 || !strings.Contains(string(profile.body), `<dd data-field="username">`+acct.Username+`</dd>`) {
		t.Fatalf("GET /profile: %d\n%s", profile.status, profile.body)
	}
	if got := a.get("/api/hello/"); got.status != 200 {
		t.Errorf("API by session: %d %s", got.status, got.body)
	}

	// A second browser of the same user.
	b := newBrowser(t, srv.URL)
	if res := login(t, b, acct, acct.Password); res.status != 204 {
		t.Fatalf("second browser login: %d %s", res.status, res.body)
	}

	// Writes need the token: none, or another site's origin, is a 403.
	change := url.Values{"old_password": {acct.Password}, "new_password1": {newPassword}, "new_password2": {newPassword}}
	a.postForm("/api/auth/password/change/", change).want(t, "password change without the token", 403, csrfMissing)
	a.postForm("/api/auth/logout/", url.Values{}).want(t, "logout without the token", 403, csrfMissing)
	a.fetch("PATCH", "/api/auth/user/", `{"first_name":"x"}`, "").want(t, "PATCH without X-CSRFToken", 403, csrfMissing)

	// The profile form, as app.js sends it; the page escapes what it shows.
	token := formToken(t, a.get("/profile"))
	if res := a.fetch("PATCH", "/api/auth/user/", `{"first_name":"<b>Ada</b>","last_name":"Lovelace"}`, token); res.status != 200 {
		t.Errorf("PATCH user/ with X-CSRFToken: %d %s", res.status, res.body)
	}
	profile = a.get("/profile")
	if body := string(profile.body); !strings.Contains(body, "&lt;b&gt;Ada&lt;/b&gt; Lovelace") || strings.Contains(body, "<b>Ada</b>") {
		t.Errorf("profile does not show the escaped name:\n%s", body)
	}

	// The password form with its token: this browser stays logged in
	// (under a new session id), the other browser is logged out.
	sid := a.cookie("sessionid")
	passwordPage := a.get("/password")
	change.Set("csrfmiddlewaretoken", formToken(t, passwordPage))
	a.postForm("/api/auth/password/change/", change).want(t, "password change form", 200, passwordSaved)
	if a.cookie("sessionid") == sid {
		t.Error("the session id survived the password change")
	}
	if res := a.get("/profile"); res.status != 200 {
		t.Errorf("own session after the password change: %d", res.status)
	}
	b.get("/profile").wantRedirect(t, "other browser after the password change", "/login?next=%2Fprofile")
	b.get("/api/auth/user/").want(t, "other browser's API after the password change", 403, notProvided)
	old := newBrowser(t, srv.URL)
	old.setCookie("sessionid", sid)
	old.get("/profile").wantRedirect(t, "replayed pre-change session", "/login?next=%2Fprofile")

	// Logout by form post; the pages are closed again.
	logoutToken := formToken(t, a.get("/profile"))
	a.postForm("/api/auth/logout/", url.Values{"csrfmiddlewaretoken": {logoutToken}}).want(t, "logout form", 200, loggedOut)
	if a.cookie("sessionid") != "" {
		t.Error("logout left the session cookie")
	}
	a.get("/profile").wantRedirect(t, "/profile after logout", "/login?next=%2Fprofile")

	// The new password works, the old one does not.
	if res := login(t, a, acct, acct.Password); res.status != 400 {
		t.Errorf("old password after the change: %d %s", res.status, res.body)
	}
	if res := login(t, b, acct, newPassword); res.status != 204 {
		t.Errorf("new password: %d %s", res.status, res.body)
	}
	srv.WantNoSecretsLogged(acct.Password, newPassword, sid, csrf, logoutToken)
}

// TestAccountPages drives the account pages like a browser without
// JavaScript: each page renders its form with a csrfmiddlewaretoken, and
// posting that form as the browser would (form-encoded, to restauth)
// signs up, verifies the address from the mailed link's page, and resets
// the password from the mailed reset link's page. The key and the token
// reach neither the log nor, through a Referer, anybody else.
func TestAccountPages(t *testing.T) {
	smtp := smtptest.NewServer(t)
	srv := startertest.Start(t, run, "sqlite:"+t.TempDir()+"/pages.db", map[string]string{
		"RESTAUTH_INSECURE_COOKIES":   "1",
		"RESTAUTH_EMAIL_VERIFICATION": "mandatory",
		"RESTAUTH_SMTP_ADDR":          smtp.Addr(),
	})
	a := newBrowser(t, srv.URL)
	suffix := startertest.RandomSuffix(t)
	name, email := "grace_"+suffix, "grace_"+suffix+"@example.com"

	for path, action := range map[string]string{
		"/signup": "registration/", "/resend-email": "registration/resend-email/", "/password-reset": "password/reset/",
	} {
		page := a.get(path)
		if page.status != 200 || !strings.Contains(string(page.body), `action="/api/auth/`+action+`"`) || formToken(t, page) == "" {
			t.Errorf("GET %s: %d\n%s", path, page.status, page.body)
		}
		if got := page.header.Get("Content-Security-Policy"); got != pageCSP {
			t.Errorf("GET %s: CSP %q", path, got)
		}
	}

	// Sign up with the page's form.
	token := formToken(t, a.get("/signup"))
	a.postForm("/api/auth/registration/", url.Values{"username": {name}, "email": {email},
		"password1": {testPassword}, "password2": {testPassword}, "csrfmiddlewaretoken": {token}}).
		want(t, "sign-up form", 201, `{"detail":"Verification e-mail sent."}`)

	// The verification link's page carries the key in a hidden field; its
	// form verifies.
	verify := mailedLink(t, smtp, 1, email, verifyLinkRe)
	page := a.get(strings.TrimPrefix(verify[0], srv.URL))
	if page.status != 200 || !strings.Contains(string(page.body), `<input type="hidden" name="key" value="`+verify[1]+`">`) {
		t.Fatalf("verification page: %d\n%s", page.status, page.body)
	}
	if got := page.header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("verification page: Referrer-Policy %q, want no-referrer", got)
	}
	a.postForm("/api/auth/registration/verify-email/", url.Values{"key": {verify[1]}, "csrfmiddlewaretoken": {formToken(t, page)}}).
		want(t, "verification form", 200, `{"detail":"ok"}`)
	if res := login(t, a, startertest.Account{Username: name}, testPassword); res.status != 204 {
		t.Fatalf("login after verifying: %d %s", res.status, res.body)
	}
	a.get("/signup").wantRedirect(t, "/signup when logged in", "/profile")
	a.postForm("/api/auth/logout/", url.Values{"csrfmiddlewaretoken": {formToken(t, a.get("/profile"))}}).
		want(t, "logout", 200, loggedOut)

	// Reset: the form of /password-reset, then the mailed link's page.
	a.postForm("/api/auth/password/reset/", url.Values{"email": {email}, "csrfmiddlewaretoken": {formToken(t, a.get("/password-reset"))}}).
		want(t, "reset form", 200, `{"detail":"Password reset e-mail has been sent."}`)
	reset := mailedLink(t, smtp, 2, email, resetLinkRe)
	page = a.get(strings.TrimPrefix(reset[0], srv.URL))
	for _, field := range []string{`name="uid" value="` + reset[1] + `"`, `name="token" value="` + reset[2] + `"`} {
		if page.status != 200 || !strings.Contains(string(page.body), field) {
			t.Fatalf("reset page: %d, no %s\n%s", page.status, field, page.body)
		}
	}
	if got := page.header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("reset page: Referrer-Policy %q, want no-referrer", got)
	}
	confirm := url.Values{"uid": {reset[1]}, "token": {reset[2]}, "new_password1": {newPassword}, "new_password2": {newPassword},
		"csrfmiddlewaretoken": {formToken(t, page)}}
	a.postForm("/api/auth/password/reset/confirm/", confirm).want(t, "new-password form", 200, `{"detail":"Password has been reset with the new password."}`)
	if res := login(t, a, startertest.Account{Username: name}, newPassword); res.status != 204 {
		t.Errorf("login with the reset password: %d %s", res.status, res.body)
	}
	srv.WantNoSecretsLogged(testPassword, newPassword, verify[1], reset[2])
}

// TestStatic checks that the script and style are served from the binary.
func TestStatic(t *testing.T) {
	srv := startertest.Start(t, run, "sqlite:"+t.TempDir()+"/static.db", map[string]string{"RESTAUTH_INSECURE_COOKIES": "1"})
	b := newBrowser(t, srv.URL)
	for path, ctype := range map[string]string{"/static/app.js": "javascript", "/static/style.css": "text/css"} {
		res := b.get(path)
		if res.status != 200 || !strings.Contains(res.header.Get("Content-Type"), ctype) || len(res.body) == 0 {
			t.Errorf("%s: %d %q", path, res.status, res.header.Get("Content-Type"))
		}
	}
	if res := b.get("/static/"); res.status != 404 {
		t.Errorf("/static/ lists files: %d", res.status)
	}
}

// TestSafeNext checks the open-redirect guard of the login page.
func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                     "/profile",
		"/password":            "/password",
		"/profile?tab=1":       "/profile?tab=1",
		"//evil.example/":      "/profile",
		"/\\evil.example":      "/profile",
		"https://evil.example": "/profile",
		"javascript:alert(1)":  "/profile",
		"profile":              "/profile",
		"/\tevil":              "/profile",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
