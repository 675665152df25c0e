package main

import (
	"strings"
	"testing"

	"github.com/restauth/restauth/social/socialtest"
)

// TestBrowserSocialLogin signs in with "Sign in with OpenID Connect" in
// headless Chromium against a development OpenID Provider on 127.0.0.1:
// the button sends the browser to the provider's authorization endpoint
// (state, nonce, PKCE), the provider signs the queued user in and sends
// the browser back to /social/callback, and the app posts the code to
// oidc/. The profile then shows the new account, with the provider's
// address; the code never stays in the address bar. A second sign-in
// reaches the same account, and a callback this tab did not start is
// refused.
func TestBrowserSocialLogin(t *testing.T) {
	skipWithoutChromium(t)
	op := socialtest.StartOP(t)
	srv := startServer(t, map[string]string{
		"RESTAUTH_OIDC_ISSUER":        op.Issuer(),
		"RESTAUTH_OIDC_CLIENT_ID":     op.ClientID(),
		"RESTAUTH_OIDC_CLIENT_SECRET": op.ClientSecret(),
	})
	b := newTab(t, startBrowser(t))

	user := socialtest.User{Subject: "browser-sub-1", Email: "lin@idp.example", EmailVerified: true, PreferredUsername: "lin"}
	op.Queue(user)
	b.navigate(srv.base + "/")
	b.waitView("login")
	b.waitText(`#social button[data-provider="oidc"]`, "Sign in with OpenID Connect")
	saveScreenshot(t, b.screenshot(), "social-login.png")
	b.click(`#social button[data-provider="oidc"]`)
	b.waitView("profile")
	b.waitText("#profile-email", user.Email)
	b.waitText("#nav-username", "lin")
	if url := evaluate[string](b, "location.href"); strings.Contains(url, "code=") || strings.Contains(url, "/social/callback") {
		t.Errorf("the address bar still shows the callback: %s", url)
	}
	if names := cookieNames(b.cookies(srv.base + "/api/auth/token/refresh/")); !strings.Contains(names, "access") || !strings.Contains(names, "refresh") {
		t.Errorf("cookies after the social login: %s", names)
	}
	b.waitText("#hello", "Hello, lin")
	saveScreenshot(t, b.screenshot(), "social-profile.png")

	// Log out, sign in again: the same account.
	b.click("#logout")
	b.waitView("login")
	op.Queue(user)
	b.waitText(`#social button[data-provider="oidc"]`, "Sign in with")
	b.click(`#social button[data-provider="oidc"]`)
	b.waitView("profile")
	b.waitText("#profile-username", "lin")

	// A callback with a state this tab never sent (a forged link) is
	// refused before anything is posted.
	b.click("#logout")
	b.waitView("login")
	b.navigate(srv.base + "/social/callback?code=forged-code&state=forged-state")
	b.waitView("login")
	b.waitText("#flash", "This sign-in was not started here")
}
