package main

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/restauth/restauth/core/authtest/startertest"
)

// TestEmailOnlyPages runs the site with RESTAUTH_USERNAME=off, where
// accounts have no username: the sign-up and login pages ask for the
// e-mail address instead, and no page shows the generated username. The
// forms are posted as the pages render them, without JavaScript.
func TestEmailOnlyPages(t *testing.T) {
	srv := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "emailonly.db"), map[string]string{
		"RESTAUTH_INSECURE_COOKIES": "1",
		"RESTAUTH_USERNAME":         "off",
	})
	b := newBrowser(t, srv.URL)
	email, password := "ada_"+startertest.RandomSuffix(t)+"@example.com", "Correct-Horse-9"

	signup := b.get("/signup")
	if signup.status != 200 {
		t.Fatalf("GET /signup: %d", signup.status)
	}
	if fields := inputNames(string(signup.body)); strings.Join(fields, " ") != "csrfmiddlewaretoken email password1 password2" {
		t.Errorf("sign-up form fields: %v, want the e-mail and the passwords", fields)
	}
	res := b.postForm("/api/auth/registration/", url.Values{
		"email": {email}, "password1": {password}, "password2": {password}, "csrfmiddlewaretoken": {formToken(t, signup)},
	})
	if res.status != 204 && res.status != 201 {
		t.Fatalf("sign-up form: %d %s", res.status, res.body)
	}
	profile := b.get("/profile")
	if profile.status != 200 {
		t.Fatalf("GET /profile after sign-up: %d", profile.status)
	}
	body := string(profile.body)
	if strings.Contains(body, "Username") || strings.Contains(body, `data-field="username"`) {
		t.Error("the profile shows a username")
	}
	if !strings.Contains(body, `<span class="username">`+email+`</span>`) {
		t.Error("the header does not name the account by its address")
	}
	b.fetch("POST", "/api/auth/logout/", "", b.cookie("csrftoken")).want(t, "logout", 200, loggedOut)

	page := b.get("/login")
	if fields := inputNames(string(page.body)); strings.Join(fields, " ") != "csrfmiddlewaretoken email password" {
		t.Errorf("login form fields: %v, want the e-mail and the password", fields)
	}
	res = b.postForm("/api/auth/login/", url.Values{"email": {email}, "password": {password}, "csrfmiddlewaretoken": {formToken(t, page)}})
	if res.status != 204 || b.cookie("sessionid") == "" {
		t.Fatalf("login form by e-mail: %d %s", res.status, res.body)
	}
	b.get("/login").wantRedirect(t, "/login when logged in", "/profile")
}

// inputNames lists the name attributes of a page's <main> inputs, in order.
func inputNames(page string) []string {
	main, _, _ := strings.Cut(page[strings.Index(page, "<main"):], "</main>")
	var names []string
	for _, part := range strings.Split(main, "<input")[1:] {
		if _, rest, ok := strings.Cut(part, `name="`); ok {
			name, _, _ := strings.Cut(rest, `"`)
			names = append(names, name)
		}
	}
	return names
}
