package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gin-gonic/gin"
)

// chromiumPath is Debian's Chromium (apt-get install -y chromium).
const chromiumPath = "/usr/bin/chromium"

// e2eAccessLifetime is the access-token lifetime of the browser test: short,
// so the SPA refreshes silently while the test watches.
const e2eAccessLifetime = 4 * time.Second

// TestBrowser drives the SPA in headless Chromium through every flow, as a
// user would: sign up, verify the e-mail from the development mailbox, log
// in, edit the profile, survive a reload, refresh silently with one refresh
// for two tabs (with Web Locks and with the localStorage fallback), change
// the password, log out, and reset the password from the mailed link. It
// skips when Chromium is not installed.
func TestBrowser(t *testing.T) {
	skipWithoutChromium(t)
	srv := startServer(t, map[string]string{
		"RESTAUTH_EMAIL_VERIFICATION": "mandatory",
		varAccessLifetime:             e2eAccessLifetime.String(),
	})

	ctx := startBrowser(t)
	b := newTab(t, ctx)

	suffix := fmt.Sprintf("%d", time.Now().UnixNano()%1_000_000)
	user, email := "ada_"+suffix, "ada_"+suffix+"@example.com"
	pw1, pw2, pw3 := "Correct-Horse-9", "Battery-Staple-10", "Tr0ubadour-Reset-11"

	// Sign up.
	b.navigate(srv.base + "/")
	b.waitView("login")
	b.click(`#view a[href="#/signup"]`)
	b.waitView("signup")
	b.fill(map[string]string{"username": user, "email": email, "password1": pw1, "password2": pw1})
	b.submit()
	b.waitView("signup-done")
	b.waitText("#signup-email", email)

	// Mandatory verification: login is refused until the link is opened.
	b.click(`#nav-anon a[href="#/login"]`)
	b.login(user, pw1)
	b.waitText(`#view [data-error="non_field_errors"]`, "E-mail is not verified.")

	// The development mailbox shows the mail; its link opens the SPA.
	b.navigate(srv.base + "/dev/mails")
	b.click(`a[href*="/#/registration/account-confirm-email/"]`)
	b.waitView("verify-email")
	b.waitText("#verify-status", "Your e-mail address is verified.")

	// Log in; the profile shows the account.
	b.click(`#view a[href="#/login"]`)
	b.login(user, pw1)
	b.waitView("profile")
	b.waitText("#profile-username", user)
	b.waitText("#profile-email", email)
	b.waitText("#hello", "Hello, "+user+"!")
	b.waitText("#nav-username", user)

	// JavaScript sees the CSRF cookie but not the tokens, which are there,
	// HttpOnly.
	jsCookies := evaluate[string](b, "document.cookie")
	if !strings.Contains(jsCookies, "csrftoken=") || strings.Contains(jsCookies, "access=") || strings.Contains(jsCookies, "refresh=") ||
		strings.Contains(jsCookies, "restauth_device=") {
		t.Errorf("document.cookie = %q: want csrftoken and neither access, refresh nor the device cookie", jsCookies)
	}
	for _, c := range b.cookies(srv.base + "/api/auth/token/refresh/") {
		if (c.Name == "access" || c.Name == "refresh" || c.Name == "restauth_device") && !c.HTTPOnly {
			t.Errorf("cookie %s is not HttpOnly", c.Name)
		}
	}
	// The login also left a device cookie (it keeps a stranger's failed
	// logins from locking this browser out), sent only to the auth routes.
	if names := cookieNames(b.cookies(srv.base + "/api/auth/token/refresh/")); names != "access csrftoken refresh restauth_device" {
		t.Errorf("browser cookies for the refresh endpoint: %s; want access, csrftoken, refresh and restauth_device", names)
	}
	if names := cookieNames(b.cookies(srv.base + "/api/hello/")); strings.Contains(names, "restauth_device") {
		t.Errorf("browser cookies for an app route: %s; the device cookie belongs to the auth routes", names)
	}

	// Edit the profile without a CSRF cookie: the 403 hands one out and the
	// SPA retries once. The change survives a reload.
	b.deleteCookie("csrftoken", srv.base+"/")
	b.fill(map[string]string{"first_name": "Ada", "last_name": "Lovelace"})
	b.submit()
	b.waitText("#flash", "Your profile is saved.")
	b.reload()
	b.waitView("profile")
	b.waitValue(`#view input[name="first_name"]`, "Ada")
	b.waitValue(`#view input[name="last_name"]`, "Lovelace")
	saveScreenshot(t, b.screenshot(), "profile.png")

	// Silent refresh: with two tabs open, one refresh per expiry, none
	// doubled, and the profile still loads after the first access token
	// has expired.
	t.Run("refresh/web-locks", func(t *testing.T) {
		testSilentRefresh(t, b.in(t), srv, user, false)
	})
	t.Run("refresh/localstorage-lease", func(t *testing.T) {
		testSilentRefresh(t, b.in(t), srv, user, true)
	})
	b.navigate(srv.base + "/#/profile")
	b.waitView("profile")

	// An expired access cookie: the next request gets 401, the SPA refreshes
	// once and retries it. The tab stops its timer first (for good: the Web
	// Locks grant that makes it the leader again may still be pending) and
	// lets a timer refresh already in flight land, so that its Set-Cookie
	// cannot restore the cookie deleted below; the refresh can then only
	// come from the 401.
	b.evaluateVoid(`schedule = () => {}; leader = false; clearTimeout(refreshTimer)`)
	b.waitFor("no refresh in flight", `refreshing === null`)
	b.deleteCookie("access", srv.base+"/")
	before := srv.refreshes.count()
	b.fill(map[string]string{"first_name": "Augusta Ada"})
	b.submit()
	b.waitText("#flash", "Your profile is saved.")
	if n := srv.refreshes.count() - before; n != 1 {
		t.Errorf("PATCH user/ after the access cookie expired made %d refreshes, want 1", n)
	}
	b.reload()
	b.waitValue(`#view input[name="first_name"]`, "Augusta Ada")

	// Change the password, log out, log in with the new one. A second tab
	// follows the logout.
	b.click(`#nav-user a[href="#/password"]`)
	b.waitView("password")
	b.fill(map[string]string{"old_password": pw1, "new_password1": pw2, "new_password2": pw2})
	b.submit()
	b.waitText("#flash", "New password has been saved.")
	ctx2, cancel2 := chromedp.NewContext(ctx)
	defer cancel2()
	other := newTab(t, ctx2)
	other.navigate(srv.base + "/#/profile")
	other.waitView("profile")
	b.click("#logout")
	b.waitView("login")
	b.waitText("#flash", "You have been logged out.")
	other.waitView("login")
	other.waitText("#flash", "You logged out in another tab.")
	cancel2()
	if names := cookieNames(b.cookies(srv.base + "/api/auth/token/refresh/")); strings.Contains(names, "access") || strings.Contains(names, "refresh") {
		t.Errorf("cookies after logout: %s", names)
	}
	b.login(user, pw1)
	b.waitText(`#view [data-error="non_field_errors"]`, "Unable to log in with provided credentials.")
	b.login(email, pw2) // by e-mail this time
	b.waitView("profile")
	b.waitText("#profile-username", user)
	b.click("#logout")
	b.waitView("login")

	// Forgotten password: request a link, open it from the mailbox, choose a
	// new password, log in with it.
	b.click(`#view a[href="#/password-reset"]`)
	b.waitView("password-reset")
	b.fill(map[string]string{"email": email})
	b.submit()
	b.waitText("#flash", "Password reset e-mail has been sent.")
	b.navigate(srv.base + "/dev/mails")
	b.click(`a[href*="/#/password-reset/confirm/"]`) // the newest mail comes first
	b.waitView("password-reset-confirm")
	if got := evaluate[string](b, "location.hash"); got != "#/password-reset/confirm/" {
		t.Errorf("the reset token stays in the address bar: %s", got)
	}
	b.fill(map[string]string{"new_password1": pw3, "new_password2": pw3})
	b.submit()
	b.waitView("login")
	b.waitText("#flash", "Password has been reset with the new password.")
	b.login(user, pw3)
	b.waitView("profile")
	b.waitText("#profile-username", user)
	b.waitValue(`#view input[name="first_name"]`, "Augusta Ada")

	if exc := b.logs.exceptions(); len(exc) > 0 {
		t.Errorf("the page threw:\n%s", strings.Join(exc, "\n"))
	}
}

// testSilentRefresh moves the logged-in browser from the main tab to two
// new tabs on the profile and watches the refreshes for two access-token
// lifetimes: one tab runs the refresh timer, at least one refresh happens,
// none is doubled (the tabs share one refresh), and both tabs still show
// and reload the profile after the token they started with has expired.
// With noLocks the tabs lack the Web Locks API, so the SPA elects the timer
// tab and locks the refresh in localStorage.
func testSilentRefresh(t *testing.T, main *tab, srv *server, user string, noLocks bool) {
	main.navigate("about:blank") // its refresh timer stops with the page
	defer func() {
		main.navigate(srv.base + "/#/profile")
		main.waitView("profile")
	}()
	var tabs []*tab
	for range 2 {
		ctx, cancel := chromedp.NewContext(main.ctx)
		defer cancel() // closes the tab
		b := newTab(t, ctx)
		if noLocks {
			b.addScriptOnLoad(`Object.defineProperty(navigator, 'locks', { value: undefined });`)
		}
		b.navigate(srv.base + "/#/profile")
		b.waitView("profile")
		b.waitText("#profile-username", user)
		if noLocks && !evaluate[bool](b, "navigator.locks === undefined") {
			t.Fatal("the tab still has navigator.locks")
		}
		tabs = append(tabs, b)
	}

	srv.refreshes.reset()
	window := 2*e2eAccessLifetime + time.Second
	time.Sleep(window)
	times := srv.refreshes.snapshot()
	t.Logf("%d silent refreshes in %v with two tabs open, one per expiry", len(times), window)
	if len(times) == 0 {
		t.Errorf("no token/refresh/ request in %v (access lifetime %v)", window, e2eAccessLifetime)
	}
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < e2eAccessLifetime/4 {
			t.Errorf("two token/refresh/ requests %v apart: the tabs did not share one refresh", gap.Round(time.Millisecond))
		}
	}
	leaders := 0
	for _, b := range tabs {
		if evaluate[bool](b, "leader") {
			leaders++
		}
	}
	if leaders != 1 {
		t.Errorf("%d tabs run the refresh timer, want 1", leaders)
	}
	for i, b := range tabs {
		if v := evaluate[string](b, "document.querySelector('#view').dataset.view"); v != "profile" {
			t.Errorf("tab %d shows %q after the refreshes, want the profile", i+1, v)
		}
		b.reload()
		b.waitView("profile")
		b.waitText("#profile-username", user)
		if exc := b.logs.exceptions(); len(exc) > 0 {
			t.Errorf("tab %d threw:\n%s", i+1, strings.Join(exc, "\n"))
		}
	}
}

// TestBrowserSessionMode checks that the SPA also works with server-side
// sessions (RESTAUTH_MODE=session): login answers 204 and sets sessionid,
// and the app reads the user, edits it with X-CSRFToken and logs out.
func TestBrowserSessionMode(t *testing.T) {
	skipWithoutChromium(t)
	srv := startServer(t, map[string]string{"RESTAUTH_MODE": "session"})
	if err := srv.command(t, "createuser", "--username", "grace", "--email", "grace@example.com", "--password", "Correct-Horse-9"); err != nil {
		t.Fatal(err)
	}
	b := newTab(t, startBrowser(t))
	b.navigate(srv.base + "/")
	b.login("grace@example.com", "Correct-Horse-9")
	b.waitView("profile")
	b.waitText("#profile-username", "grace")
	if names := cookieNames(b.cookies(srv.base + "/")); names != "csrftoken sessionid" {
		t.Errorf("cookies: %s, want csrftoken and sessionid", names)
	}
	b.fill(map[string]string{"first_name": "Grace"})
	b.submit()
	b.waitText("#flash", "Your profile is saved.")
	b.reload()
	b.waitValue(`#view input[name="first_name"]`, "Grace")
	b.click("#logout")
	b.waitView("login")
	b.waitText("#flash", "You have been logged out.")
	b.reload()
	b.waitView("login")
}

// TestBrowserEmailOnly signs up and logs in with RESTAUTH_USERNAME=off,
// where accounts have no username: the forms ask for the e-mail address
// only, and no view shows a username.
func TestBrowserEmailOnly(t *testing.T) {
	skipWithoutChromium(t)
	srv := startServer(t, map[string]string{"RESTAUTH_USERNAME": "off"})
	email, pw := fmt.Sprintf("lin_%d@example.com", time.Now().UnixNano()%1_000_000), "Correct-Horse-9"
	b := newTab(t, startBrowser(t))
	b.navigate(srv.base + "/")
	b.waitView("login")
	if got := evaluate[string](b, `document.querySelector('#view [data-login-label]').textContent + ' ' + document.querySelector('#view input[name="login"]').type`); got != "E-mail email" {
		t.Errorf("login field: %q, want the label E-mail on an email input", got)
	}
	b.click(`#view a[href="#/signup"]`)
	b.waitView("signup")
	if n := evaluate[int](b, `document.querySelectorAll('#view [name="username"], #view [data-username-only]').length`); n != 0 {
		t.Errorf("the sign-up form has %d username elements", n)
	}
	b.fill(map[string]string{"email": email, "password1": pw, "password2": pw})
	b.submit()
	b.waitView("profile") // verification is optional: registration logged in
	b.waitText("#nav-username", email)
	b.waitText("#profile-email", email)
	if n := evaluate[int](b, `document.querySelectorAll('#profile-username').length`); n != 0 {
		t.Error("the profile shows a username")
	}
	b.click("#logout")
	b.login(email, pw)
	b.waitView("profile")
	b.waitText("#nav-username", email)
	if exc := b.logs.exceptions(); len(exc) > 0 {
		t.Errorf("the page threw:\n%s", strings.Join(exc, "\n"))
	}
}

// skipWithoutChromium skips the test when Chromium is not installed.
func skipWithoutChromium(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (install it with: apt-get install -y chromium)", chromiumPath)
	}
}

// startBrowser starts headless Chromium with a fresh profile for the test
// and returns the context of its first tab. It stops when the test ends.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	profile := t.TempDir() // registered first, so removed after Chromium exits
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(chromiumPath),
			chromedp.Headless,
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.NoFirstRun,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(profile),
			chromedp.WindowSize(1000, 800),
		)...)
	t.Cleanup(cancelAlloc) // waits for Chromium to exit
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	return ctx
}

// server is the starter running in the test process.
type server struct {
	base      string
	getenv    func(string) string
	logger    *slog.Logger
	refreshes *requestLog
}

// command runs a management command, as `go run . <args>` would.
func (s *server) command(t *testing.T, args ...string) error {
	return run(t.Context(), args, s.getenv, s.logger)
}

// startServer runs the starter like `go run .` would, on a free loopback
// port with SQLite in a temporary directory, plain-HTTP cookies and the
// development mailbox (no SMTP), plus env. It counts token/refresh/ calls.
func startServer(t *testing.T, env map[string]string) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	vars := map[string]string{
		"RESTAUTH_ADDR":             addr,
		"RESTAUTH_DATABASE_URL":     "sqlite:" + filepath.Join(t.TempDir(), "e2e.db"),
		"RESTAUTH_SECRET_KEY":       "e2e-test-secret-key-0123456789abcdef",
		"RESTAUTH_INSECURE_COOKIES": "1",
	}
	for k, v := range env {
		vars[k] = v
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), nil))
	getenv := func(k string) string { return vars[k] }
	srv := &server{base: "http://" + addr, getenv: getenv, logger: logger, refreshes: &requestLog{}}
	countRefreshes := func(c *gin.Context) {
		if c.Request.Method == http.MethodPost && strings.TrimSuffix(c.Request.URL.Path, "/") == "/api/auth/token/refresh" {
			srv.refreshes.add(time.Now())
		}
		c.Next()
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, getenv, logger, countRefreshes) }()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with %v", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("server did not shut down")
		}
	})
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("server exited before serving: %v", err)
		default:
		}
		if res, err := http.Get(srv.base + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return srv
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not come up")
		}
	}
}

// requestLog records when requests arrived.
type requestLog struct {
	mu    sync.Mutex
	times []time.Time
}

func (l *requestLog) add(at time.Time) {
	l.mu.Lock()
	l.times = append(l.times, at)
	l.mu.Unlock()
}

func (l *requestLog) reset() {
	l.mu.Lock()
	l.times = nil
	l.mu.Unlock()
}

func (l *requestLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.times)
}

// snapshot returns the recorded times.
func (l *requestLog) snapshot() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.times...)
}

// saveScreenshot writes png under os.TempDir()/restauth-e2e/gin-spa and, when
// RESTAUTH_E2E_ARTIFACTS is set, under $RESTAUTH_E2E_ARTIFACTS/gin-spa.
func saveScreenshot(t *testing.T, png []byte, name string) {
	t.Helper()
	if len(png) == 0 {
		return
	}
	dirs := []string{filepath.Join(os.TempDir(), "restauth-e2e", "gin-spa")}
	if d := os.Getenv("RESTAUTH_E2E_ARTIFACTS"); d != "" {
		dirs = append(dirs, filepath.Join(d, "gin-spa"))
	}
	for _, dir := range dirs {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Errorf("screenshot: %v", err)
			continue
		}
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Errorf("screenshot: %v", err)
			continue
		}
		t.Logf("screenshot: %s", path)
	}
}
