package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// stepTimeout bounds every browser step of the test.
const stepTimeout = 10 * time.Second

// tab is one browser tab of the test. Its steps fail the test with what the
// page shows (URL, text, console and a screenshot) rather than a bare
// timeout.
type tab struct {
	t    *testing.T
	ctx  context.Context
	logs *consoleLog
}

// newTab opens the tab of ctx (starting the browser for the first one) and
// records its console.
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

// in returns the same tab for the (sub)test t.
func (b *tab) in(t *testing.T) *tab {
	c := *b
	c.t = t
	return &c
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

func (b *tab) reload() {
	b.t.Helper()
	b.do("reload", chromedp.Reload())
}

// click clicks the first visible element that matches a CSS selector, with
// real mouse events.
func (b *tab) click(sel string) {
	b.t.Helper()
	b.do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
}

// fill sets the fields, by name, of the form of the current view.
func (b *tab) fill(fields map[string]string) {
	b.t.Helper()
	for name, value := range fields {
		b.do("fill "+name, chromedp.SetValue(chromedp.CSS(`#view form [name="`+name+`"]`), value))
	}
}

// submit clicks the submit button of the current view's form.
func (b *tab) submit() {
	b.t.Helper()
	b.click(`#view form button[type="submit"]`)
}

// login submits the login form.
func (b *tab) login(login, password string) {
	b.t.Helper()
	b.waitView("login")
	b.fill(map[string]string{"login": login, "password": password})
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

// waitView waits until the SPA shows the named view.
func (b *tab) waitView(name string) {
	b.t.Helper()
	b.waitFor("the view "+name, fmt.Sprintf(`document.querySelector('#view')?.dataset.view === %s`, jsString(name)))
}

// waitText waits until the element's text contains want.
func (b *tab) waitText(sel, want string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("%s to contain %q", sel, want),
		fmt.Sprintf(`(document.querySelector(%s)?.textContent || '').includes(%s)`, jsString(sel), jsString(want)))
}

// waitValue waits until the input's value is want.
func (b *tab) waitValue(sel, want string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf("%s to be %q", sel, want),
		fmt.Sprintf(`document.querySelector(%s)?.value === %s`, jsString(sel), jsString(want)))
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

// addScriptOnLoad runs src in every document the tab loads from now on,
// before the page's own scripts.
func (b *tab) addScriptOnLoad(src string) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src}); err != nil {
		b.fail("adding a script: %v", err)
	}
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

// deleteCookie removes the browser's cookie name for url.
func (b *tab) deleteCookie(name, url string) {
	b.t.Helper()
	if _, err := chromedp.Call(b.ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: name, URL: url}); err != nil {
		b.fail("deleting cookie %s: %v", name, err)
	}
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

// cookieNames lists the names of cookies, sorted and space-separated.
func cookieNames(cs []*network.Cookie) string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	return strings.Join(names, " ")
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

// evaluateVoid runs a JavaScript statement in the tab.
func (b *tab) evaluateVoid(src string) {
	b.t.Helper()
	b.do("run "+src, chromedp.Evaluate[chromedp.Void](src))
}
