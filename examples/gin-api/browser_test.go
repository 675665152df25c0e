package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/restauth/restauth/core/authtest/startertest"
	"github.com/restauth/restauth/core/linkpages/linkpagestest"
	"github.com/restauth/restauth/core/mail/smtptest"
)

// chromiumPath is Debian's Chromium (apt-get install -y chromium).
const chromiumPath = "/usr/bin/chromium"

// TestBrowserLinkPages opens the mailed links in headless Chromium, as the
// person who received the mails would: the verification link shows a
// button that verifies the address; the reset link shows two password
// fields, reports a mismatch, then sets the new password; a used link is
// refused. The pages load without console errors (their stylesheet passes
// the CSP) and keep their CSRF cookie away from JavaScript. It skips when
// Chromium is not installed.
func TestBrowserLinkPages(t *testing.T) {
	if _, err := exec.LookPath(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (install it with: apt-get install -y chromium)", chromiumPath)
	}
	smtp := smtptest.NewServer(t)
	srv := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "browser.db"), map[string]string{
		"RESTAUTH_SMTP_ADDR":          smtp.Addr(),
		"RESTAUTH_EMAIL_VERIFICATION": "mandatory",
	})
	mails := linkpagestest.SMTP(smtp)
	prefix := "/api/auth/"
	acct := linkpagestest.NewAccount(startertest.RandomSuffix(t))
	b := newTab(t)

	// The verification link: one button.
	link := linkpagestest.Register(t, srv.URL, prefix, mails, acct)
	key := linkpagestest.VerifyLinkRe.FindStringSubmatch(link)[1]
	if got := linkpagestest.LoginStatus(t, srv.URL, prefix, acct.Username, acct.Password); got != http.StatusBadRequest {
		t.Fatalf("login before verifying: %d", got)
	}
	b.navigate(link)
	b.waitText("h1", "Confirm your e-mail address")
	if got := evaluate[string](b, "document.cookie"); got != "" {
		t.Errorf("document.cookie = %q: the page's CSRF cookie must be HttpOnly", got)
	}
	cookies := b.cookies(link)
	if len(cookies) != 1 || cookies[0].Name != "restauth_linkpage" || !cookies[0].HTTPOnly || cookies[0].SameSite != network.CookieSameSiteStrict {
		t.Errorf("cookies of the page: %+v", cookies)
	}
	// The stylesheet applied: the CSP let the inline <style> through.
	if got := evaluate[string](b, "getComputedStyle(document.querySelector('button')).backgroundColor"); got != "rgb(47, 111, 222)" {
		t.Errorf("the button's colour is %s: the stylesheet did not apply", got)
	}
	b.screenshot("verify-email.png")
	b.click(`form button[type="submit"]`)
	b.waitText("#flash", "Your e-mail address is confirmed.")
	if got := linkpagestest.LoginStatus(t, srv.URL, prefix, acct.Username, acct.Password); got != http.StatusOK {
		t.Fatalf("login after verifying in the browser: %d", got)
	}

	// The reset link: two fields; a mismatch is reported, then the new
	// password is set.
	link = linkpagestest.RequestReset(t, srv.URL, prefix, mails, acct)
	token := linkpagestest.ResetLinkRe.FindStringSubmatch(link)[2]
	newPassword := "Other-Horse-10-" + acct.Username
	b.navigate(link)
	b.waitText("h1", "Choose a new password")
	b.fill(map[string]string{"new_password1": newPassword, "new_password2": newPassword + "x"})
	b.click(`form button[type="submit"]`)
	b.waitText(`[data-error="new_password2"]`, "The two password fields didn")
	b.screenshot("password-reset-mismatch.png")
	if got := evaluate[string](b, `document.querySelector('[name="new_password1"]').value`); got != "" {
		t.Error("the page filled the password back in")
	}
	b.fill(map[string]string{"new_password1": newPassword, "new_password2": newPassword})
	b.click(`form button[type="submit"]`)
	b.waitText("#flash", "Password has been reset with the new password.")
	b.screenshot("password-reset-done.png")
	if got := linkpagestest.LoginStatus(t, srv.URL, prefix, acct.Username, acct.Password); got != http.StatusBadRequest {
		t.Errorf("old password after the reset: %d", got)
	}
	if got := linkpagestest.LoginStatus(t, srv.URL, prefix, acct.Username, newPassword); got != http.StatusOK {
		t.Errorf("new password after the reset: %d", got)
	}

	// The same link again: refused, without a form.
	b.navigate(link)
	b.fill(map[string]string{"new_password1": "Third-Horse-11", "new_password2": "Third-Horse-11"})
	b.click(`form button[type="submit"]`)
	b.waitText("#flash", "This link is invalid, has expired or was already used.")
	if evaluate[bool](b, "document.querySelector('form') !== null") {
		t.Error("a used reset link still shows the form")
	}

	if msgs := b.logs.problems(); len(msgs) > 0 {
		t.Errorf("the pages reported problems on the console:\n%s", strings.Join(msgs, "\n"))
	}
	srv.WantNoSecretsLogged(key, token, acct.Password, newPassword)
}

// stepTimeout bounds every browser step.
const stepTimeout = 10 * time.Second

// tab is a headless Chromium tab whose steps fail the test with the page's
// text rather than a bare timeout.
type tab struct {
	t    *testing.T
	ctx  context.Context
	logs *consoleLog
}

// newTab starts headless Chromium with a fresh profile; it stops when the
// test ends.
func newTab(t *testing.T) *tab {
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
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	b := &tab{t: t, ctx: ctx, logs: &consoleLog{}}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return // the tab closed
			}
			b.logs.add(m)
		}
	}()
	return b
}

func (b *tab) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fail("%s: %v", what, err)
	}
}

// fail ends the test with the state of the page.
func (b *tab) fail(format string, args ...any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.title + "\n" + document.body.innerText`))
	if err != nil {
		text = "(unreadable: " + err.Error() + ")"
	}
	b.screenshot("failure.png")
	b.t.Fatalf("%s\n--- page:\n%s\n--- console:\n%s", fmt.Sprintf(format, args...), text, strings.Join(b.logs.all(), "\n"))
}

func (b *tab) navigate(url string) {
	b.t.Helper()
	b.do("open the link", chromedp.Navigate(url)) // the URL holds a secret: not in messages
}

func (b *tab) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// fill sets the form's fields by name.
func (b *tab) fill(fields map[string]string) {
	b.t.Helper()
	for name, value := range fields {
		b.do("fill "+name, chromedp.SetValue(chromedp.CSS(`form [name="`+name+`"]`), value))
	}
}

// waitText waits until the element's text contains want. Evaluation
// errors (a page being replaced by the next) only mean "not yet".
func (b *tab) waitText(sel, want string) {
	b.t.Helper()
	expr := fmt.Sprintf(`(document.querySelector(%s)?.textContent || '').includes(%s)`, jsString(sel), jsString(want))
	for deadline := time.Now().Add(stepTimeout); ; time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.fail("waiting for %s to contain %q", sel, want)
		}
	}
}

func evaluate[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.fail("evaluating %s: %v", expr, err)
	}
	return v
}

// cookies returns the browser's cookies for url, HttpOnly ones included.
func (b *tab) cookies(url string) []*network.Cookie {
	b.t.Helper()
	res, err := chromedp.Call(b.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{url}})
	if err != nil {
		b.fail("reading cookies: %v", err)
	}
	return res.Cookies
}

// screenshot saves a PNG of the viewport under os.TempDir()/restauth-e2e/gin-api
// and, when RESTAUTH_E2E_ARTIFACTS is set, under $RESTAUTH_E2E_ARTIFACTS/gin-api.
func (b *tab) screenshot(name string) {
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil || len(png) == 0 {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	dirs := []string{filepath.Join(os.TempDir(), "restauth-e2e", "gin-api")}
	if d := os.Getenv("RESTAUTH_E2E_ARTIFACTS"); d != "" {
		dirs = append(dirs, filepath.Join(d, "gin-api"))
	}
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.t.Errorf("screenshot: %v", err)
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
			b.t.Errorf("screenshot: %v", err)
		}
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// consoleLog keeps a tab's console messages.
type consoleLog struct {
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

func (l *consoleLog) add(m chromedp.ConsoleMessage) {
	l.mu.Lock()
	l.msgs = append(l.msgs, m)
	l.mu.Unlock()
}

// all returns every message, one line each.
func (l *consoleLog) all() []string {
	return l.lines(func(chromedp.ConsoleMessage) bool { return true })
}

// problems returns the exceptions, errors and warnings (a CSP violation is
// one), except the network's reports of the pages' own 4xx answers.
func (l *consoleLog) problems() []string {
	return l.lines(func(m chromedp.ConsoleMessage) bool {
		switch m.Type {
		case chromedp.ConsoleException, chromedp.ConsoleWarning:
			return true
		case chromedp.ConsoleError:
			return m.Source != "network"
		}
		return false
	})
}

func (l *consoleLog) lines(keep func(chromedp.ConsoleMessage) bool) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, m := range l.msgs {
		if keep(m) {
			out = append(out, fmt.Sprintf("%s:%d %s (%s)", m.URL, m.Line+1, m, m.Source))
		}
	}
	return out
}
