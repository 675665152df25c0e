package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/restauth/restauth/core/authtest/startertest"
	"github.com/restauth/restauth/core/mail/smtptest"
)

// chromiumPath is Debian's Chromium (apt-get install -y chromium).
const chromiumPath = "/usr/bin/chromium"

// stepTimeout bounds every browser step of the test.
const stepTimeout = 10 * time.Second

// The links of the mails, as the pages' routes expect them.
var (
	verifyLinkRe = regexp.MustCompile(`http://\S+/registration/account-confirm-email/([-:\w]+)/`)
	resetLinkRe  = regexp.MustCompile(`http://\S+/password-reset/confirm/([0-9a-z]+)/([0-9a-z]+-[0-9a-f]+)/`)
)

// TestChromium drives the site in headless Chromium, with app.js, through
// the account pages as a new user would: sign up, get refused at login
// until the address is verified, open the mailed verification link and
// confirm, log in, log out, ask for a reset link, open it and choose a
// new password, find the used link dead, log in with the new password.
// Mails go over real SMTP (RESTAUTH_SMTP_ADDR) to a test server, and the
// test opens the links as they were mailed. It skips when Chromium is not
// installed.
func TestChromium(t *testing.T) {
	skipWithoutChromium(t)
	smtp := smtptest.NewServer(t)
	srv := startertest.Start(t, run, "sqlite:"+filepath.Join(t.TempDir(), "e2e.db"), map[string]string{
		"RESTAUTH_INSECURE_COOKIES":   "1",
		"RESTAUTH_EMAIL_VERIFICATION": "mandatory",
		"RESTAUTH_SMTP_ADDR":          smtp.Addr(),
	})
	b := newTab(t, startBrowser(t))

	suffix := startertest.RandomSuffix(t)
	user, email := "ada_"+suffix, "ada_"+suffix+"@example.com"
	pw1, pw2 := "Correct-Horse-9", "Tr0ubadour-Reset-11"

	// Sign up from the login page.
	b.navigate(srv.URL + "/login")
	b.click(`main a[href="/signup"]`)
	b.waitPage("/signup")
	saveScreenshot(t, b.screenshot(), "signup.png")
	b.fill(map[string]string{"username": user, "email": email, "password1": pw1, "password2": pw1})
	b.submit()
	b.waitText("main [data-status]", "We sent you a verification link.")
	if evaluate[bool](b, `document.querySelector("main [data-fields]").hidden !== true`) {
		t.Error("the sign-up form is still shown after the account was created")
	}

	// Mandatory verification: login is refused until the link is opened.
	b.navigate(srv.URL + "/login")
	b.login(user, pw1)
	b.waitText(`main [data-error-for="non_field_errors"]`, "E-mail is not verified.")

	// A forged link: the confirm button says the link is dead.
	b.navigate(srv.URL + "/registration/account-confirm-email/MQ:forged:key/")
	b.submit()
	b.waitText(`main [data-error-for="non_field_errors"]`, "This link is invalid, expired or already used.")

	// The mailed link opens the confirmation page; its button verifies.
	verify := mailedLink(t, smtp, 1, email, verifyLinkRe)
	if !strings.HasPrefix(verify[0], srv.URL+"/") {
		t.Fatalf("the verification link %s does not lead to the site %s", verify[0], srv.URL)
	}
	b.navigate(verify[0])
	b.waitText("main h1", "Confirm your e-mail address")
	b.submit()
	b.waitText("main [data-status]", "Your e-mail address is verified.")

	// Log in: the profile shows the verified address.
	b.click(`main a[href="/login"]`)
	b.login(user, pw1)
	b.waitPage("/profile")
	b.waitText(`main [data-field="username"]`, user)
	if text := evaluate[string](b, `document.querySelector("main dl").textContent`); !strings.Contains(text, email) || strings.Contains(text, "not verified") {
		t.Errorf("profile after verification: %q", text)
	}
	saveScreenshot(t, b.screenshot(), "profile.png")
	b.click(`header form button[type="submit"]`) // Log out
	b.waitPage("/login")

	// Forgotten password: ask for a link from the login page.
	b.click(`main a[href="/password-reset"]`)
	b.waitPage("/password-reset")
	b.fill(map[string]string{"email": email})
	b.submit()
	b.waitText("main [data-status]", "Password reset e-mail has been sent.")

	// The mailed link opens the new-password page, which sends no Referer.
	reset := mailedLink(t, smtp, 2, email, resetLinkRe)
	b.navigate(reset[0])
	b.waitText("main h1", "Choose a new password")
	if got := evaluate[string](b, `document.querySelector('main input[name="token"]').value`); got != reset[2] {
		t.Errorf("the page's token field is %q, want the link's %q", got, reset[2])
	}
	b.fill(map[string]string{"new_password1": pw2, "new_password2": pw2})
	b.submit()
	b.waitText("main [data-status]", "Password has been reset with the new password.")
	saveScreenshot(t, b.screenshot(), "password-reset.png")

	// The link works once.
	b.navigate(reset[0])
	b.fill(map[string]string{"new_password1": pw1, "new_password2": pw1})
	b.submit()
	b.waitText(`main [data-error-for="non_field_errors"]`, "This link is invalid, expired or already used")

	// The old password is refused, the new one logs in.
	b.navigate(srv.URL + "/login")
	b.login(user, pw1)
	b.waitText(`main [data-error-for="non_field_errors"]`, "Unable to log in with provided credentials.")
	b.navigate(srv.URL + "/login")
	b.login(user, pw2)
	b.waitPage("/profile")
	b.waitText(`main [data-field="username"]`, user)

	if exc := b.logs.exceptions(); len(exc) > 0 {
		t.Errorf("the pages threw:\n%s", strings.Join(exc, "\n"))
	}
	srv.WantNoSecretsLogged(pw1, pw2, verify[1], reset[2])
}

// mailedLink waits for the nth mail, checks that it went to email and
// returns the submatches of re in its text.
func mailedLink(t *testing.T, smtp *smtptest.Server, n int, email string, re *regexp.Regexp) []string {
	t.Helper()
	msgs := smtp.WaitForMessages(n, 10*time.Second)
	if len(msgs) < n {
		t.Fatalf("got %d mails, want %d", len(msgs), n)
	}
	m := msgs[n-1]
	if len(m.To) != 1 || m.To[0] != email {
		t.Fatalf("mail %d went to %v, want %s", n, m.To, email)
	}
	link := re.FindStringSubmatch(m.Body)
	if link == nil {
		t.Fatalf("no link matching %s in mail %d:\n%s", re, n, m.Body)
	}
	return link
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

// tab is the browser tab of the test. Its steps fail the test with what
// the page shows (URL, text, console and a screenshot) rather than a bare
// timeout.
type tab struct {
	t    *testing.T
	ctx  context.Context
	logs *consoleLog
}

// newTab opens the tab of ctx (starting the browser) and records its
// console.
func newTab(t *testing.T, ctx context.Context) *tab {
	t.Helper()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a browser tab: %v", err)
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

// do runs actions within stepTimeout.
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
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
	if err != nil {
		text = "(unreadable: " + err.Error() + ")"
	}
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		saveScreenshot(b.t, png, "failure.png")
	}
	b.t.Fatalf("%s\n--- page:\n%s\n--- console:\n%s", fmt.Sprintf(format, args...), text, b.logs)
}

func (b *tab) navigate(url string) {
	b.t.Helper()
	b.do("open "+url, chromedp.Navigate(url))
}

// click clicks the first visible element that matches a CSS selector, with
// real mouse events.
func (b *tab) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// fill sets the fields, by name, of the page's main form.
func (b *tab) fill(fields map[string]string) {
	b.t.Helper()
	for name, value := range fields {
		b.do("fill "+name, chromedp.SetValue(chromedp.CSS(`main form [name="`+name+`"]`), value))
	}
}

// submit clicks the submit button of the page's main form.
func (b *tab) submit() {
	b.t.Helper()
	b.click(`main form button[type="submit"]`)
}

// login fills and submits the login page's form.
func (b *tab) login(username, password string) {
	b.t.Helper()
	b.waitPage("/login")
	b.fill(map[string]string{"username": username, "password": password})
	b.submit()
}

// waitFor polls a JavaScript predicate until it holds. Evaluation errors
// (a page being replaced by the next) only mean "not yet".
func (b *tab) waitFor(what, predicate string) {
	b.t.Helper()
	for deadline := time.Now().Add(stepTimeout); ; time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](predicate))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			b.fail("waiting for %s", what)
		}
	}
}

// waitPage waits until the tab shows the page at path, loaded.
func (b *tab) waitPage(path string) {
	b.t.Helper()
	b.waitFor("the page "+path, fmt.Sprintf(`location.pathname === %s && document.readyState === "complete"`, jsString(path)))
}

// waitText waits until the element's text contains want.
func (b *tab) waitText(sel, want string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("%s to contain %q", sel, want),
		fmt.Sprintf(`(document.querySelector(%s)?.textContent || '').includes(%s)`, jsString(sel), jsString(want)))
}

// screenshot returns a PNG of the viewport.
func (b *tab) screenshot() []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.fail("screenshot: %v", err)
	}
	return png
}

// evaluate runs a JavaScript expression in the tab.
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

// exceptions returns the uncaught exceptions and unhandled rejections.
func (l *consoleLog) exceptions() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, m := range l.msgs {
		if m.IsException() {
			out = append(out, m.String())
		}
	}
	return out
}

func (l *consoleLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var s strings.Builder
	for _, m := range l.msgs {
		fmt.Fprintf(&s, "%s:%d %s\n", m.URL, m.Line+1, m)
	}
	return s.String()
}

// saveScreenshot writes png under os.TempDir()/restauth-e2e/gin-session
// and, when RESTAUTH_E2E_ARTIFACTS is set, under
// $RESTAUTH_E2E_ARTIFACTS/gin-session.
func saveScreenshot(t *testing.T, png []byte, name string) {
	t.Helper()
	if len(png) == 0 {
		return
	}
	dirs := []string{filepath.Join(os.TempDir(), "restauth-e2e", "gin-session")}
	if d := os.Getenv("RESTAUTH_E2E_ARTIFACTS"); d != "" {
		dirs = append(dirs, filepath.Join(d, "gin-session"))
	}
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Errorf("screenshot: %v", err)
			continue
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Errorf("screenshot: %v", err)
			continue
		}
		t.Logf("screenshot: %s", path)
	}
}
