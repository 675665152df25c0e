// Package linkpagestest checks, over real HTTP, a running server that
// mounts restauth's mail link pages (package linkpages): the way a browser
// meets them, without a browser. The starters' tests call [Flow] and
// [WantNotMounted]; a browser test drives the same pages in Chromium.
package linkpagestest

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core/mail/smtptest"
)

// Mailbox returns the text bodies of the mails received so far, oldest
// first, waiting a few seconds for at least n of them.
type Mailbox func(n int) []string

// SMTP reads the mails a test SMTP server received.
func SMTP(srv *smtptest.Server) Mailbox {
	return func(n int) []string {
		var bodies []string
		for _, m := range srv.WaitForMessages(n, 10*time.Second) {
			bodies = append(bodies, m.Body)
		}
		return bodies
	}
}

// Link patterns of the mails (absolute URLs).
var (
	VerifyLinkRe = regexp.MustCompile(`https?://[^\s"<>]+/registration/account-confirm-email/([-:\w]+)/`)
	ResetLinkRe  = regexp.MustCompile(`https?://[^\s"<>]+/password-reset/confirm/([0-9a-z]+)/([0-9a-z]+-[0-9a-f]+)/`)
	csrfFieldRe  = regexp.MustCompile(`<input type="hidden" name="csrf" value="([^"]+)">`)
)

// Secrets are what a Flow saw that must never be logged.
type Secrets []string

// Account is a fresh account for a flow, unique in shared databases.
type Account struct {
	Username, Email, Password string
}

// NewAccount returns an account named after suffix.
func NewAccount(suffix string) Account {
	return Account{Username: "lina_" + suffix, Email: "lina_" + suffix + "@example.com", Password: "Correct-Horse-9"}
}

// Register signs the account up through the JSON API at baseURL+prefix
// and returns the verification link mailed to it (the (n)th mail).
func Register(t *testing.T, baseURL, prefix string, mails Mailbox, acct Account) string {
	t.Helper()
	before := len(mails(0))
	status, body := postJSON(t, baseURL+prefix+"registration/",
		"username", acct.Username, "email", acct.Email, "password1", acct.Password, "password2", acct.Password)
	if status != http.StatusCreated {
		t.Fatalf("register: %d %s", status, body)
	}
	return mailedLink(t, mails, before+1, VerifyLinkRe)
}

// RequestReset asks for a reset mail through the JSON API and returns
// the link in it.
func RequestReset(t *testing.T, baseURL, prefix string, mails Mailbox, acct Account) string {
	t.Helper()
	before := len(mails(0))
	if status, body := postJSON(t, baseURL+prefix+"password/reset/", "email", acct.Email); status != http.StatusOK {
		t.Fatalf("password/reset/: %d %s", status, body)
	}
	return mailedLink(t, mails, before+1, ResetLinkRe)
}

// LoginStatus logs in through the JSON API and returns 200 for a success
// (204 in session mode counts as 200), else the status.
func LoginStatus(t *testing.T, baseURL, prefix, username, password string) int {
	t.Helper()
	status, _ := postJSON(t, baseURL+prefix+"login/", "username", username, "password", password)
	if status == http.StatusNoContent {
		return http.StatusOK
	}
	return status
}

// Flow plays a person with a browser against the server at baseURL, whose
// JSON API is under prefix, which mails over mails and requires email
// verification: sign up through the API, open the mailed verification link,
// confirm with the page's button and log in; ask for a reset, open the
// mailed link, choose a new password (after a mismatch) and log in with it.
// On the way it checks the pages' headers, that forged or cross-site posts
// change nothing, and that used links are refused. It returns the secrets
// it saw, for the caller to check its server's log.
func Flow(t *testing.T, baseURL, prefix string, mails Mailbox, suffix string) Secrets {
	t.Helper()
	return flow(t, baseURL, baseURL, prefix, mails, suffix)
}

// FlowBehindProxy is Flow for a server at baseURL that is reached through a
// reverse proxy at publicURL (its RESTAUTH_FRONTEND_URL): the mails link to
// publicURL, and the flow opens each link's path at baseURL, as the proxy
// would forward it.
func FlowBehindProxy(t *testing.T, baseURL, publicURL, prefix string, mails Mailbox, suffix string) Secrets {
	t.Helper()
	return flow(t, baseURL, publicURL, prefix, mails, suffix)
}

func flow(t *testing.T, baseURL, publicURL, prefix string, mails Mailbox, suffix string) Secrets {
	t.Helper()
	forward := func(link string) string {
		t.Helper()
		if !strings.HasPrefix(link, publicURL+"/") {
			t.Fatalf("the link %s does not point at %s", link, publicURL)
		}
		return baseURL + strings.TrimPrefix(link, publicURL)
	}
	acct := NewAccount(suffix)
	link := forward(Register(t, baseURL, prefix, mails, acct))
	key := VerifyLinkRe.FindStringSubmatch(link)[1]
	secrets := Secrets{key, acct.Password}
	if got := LoginStatus(t, baseURL, prefix, acct.Username, acct.Password); got != http.StatusBadRequest {
		t.Fatalf("login before verifying: %d, want 400 (the flow needs mandatory verification)", got)
	}

	b := &browser{t: t, jar: map[string]string{}}
	page := b.open(link)
	wantPage(t, page, http.StatusOK, "Confirm your e-mail address")
	wantCSRFCookie(t, page, strings.TrimSuffix(link, key+"/"))
	if res := b.send(http.MethodHead, link, nil, nil); res.status != http.StatusOK || res.body != "" {
		t.Errorf("HEAD on the verification page: %d %q", res.status, res.body)
	}
	if res := b.send(http.MethodPut, link, nil, nil); res.status != http.StatusMethodNotAllowed || res.header.Get("Allow") != "GET, HEAD, POST" {
		t.Errorf("PUT on the verification page: %d, Allow %q", res.status, res.header.Get("Allow"))
	}

	// Forged and cross-site posts change nothing.
	token := csrfField(t, page)
	forged := map[string]struct {
		form   url.Values
		header map[string]string
		jar    bool
	}{
		"no cookie":          {form: url.Values{"csrf": {token}}, jar: false},
		"no field":           {form: url.Values{}, jar: true},
		"wrong field":        {form: url.Values{"csrf": {strings.Repeat("A", len(token))}}, jar: true},
		"cross-site":         {form: url.Values{"csrf": {token}}, jar: true, header: map[string]string{"Sec-Fetch-Site": "cross-site"}},
		"same-site":          {form: url.Values{"csrf": {token}}, jar: true, header: map[string]string{"Sec-Fetch-Site": "same-site"}},
		"foreign origin":     {form: url.Values{"csrf": {token}}, jar: true, header: map[string]string{"Origin": "https://evil.example"}},
		"malformed origin":   {form: url.Values{"csrf": {token}}, jar: true, header: map[string]string{"Origin": "evil"}},
		"JSON instead of UI": {form: nil, jar: true, header: map[string]string{"Content-Type": "application/json"}},
	}
	for name, f := range forged {
		c := &browser{t: t, jar: map[string]string{}}
		if f.jar {
			c.jar = b.jar
		}
		res := c.post(link, f.form, f.header)
		if res.status != http.StatusForbidden || !strings.Contains(res.text(), "This form has expired or was sent from another site.") {
			t.Errorf("%s: %d %s", name, res.status, res.text())
		}
	}
	if got := LoginStatus(t, baseURL, prefix, acct.Username, acct.Password); got != http.StatusBadRequest {
		t.Fatalf("a forged post verified the address (login %d)", got)
	}

	// The button, from the page itself.
	res := b.post(link, url.Values{"csrf": {token}}, map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"})
	wantPage(t, res, http.StatusOK, "Your e-mail address is confirmed.")
	if got := LoginStatus(t, baseURL, prefix, acct.Username, acct.Password); got != http.StatusOK {
		t.Fatalf("login after verifying through the page: %d", got)
	}
	res = b.post(link, url.Values{"csrf": {token}}, nil)
	wantPage(t, res, http.StatusNotFound, "This link is invalid, has expired or was already used.")
	if strings.Contains(res.body, "<form") {
		t.Error("a used verification link still shows the form")
	}
	if res = b.open(strings.TrimSuffix(link, "/") + "%3Cx%3E/"); res.status != http.StatusNotFound {
		t.Errorf("a verification link with a malformed key: %d", res.status)
	}

	// Password reset through the page.
	link = forward(RequestReset(t, baseURL, prefix, mails, acct))
	m := ResetLinkRe.FindStringSubmatch(link)
	secrets = append(secrets, m[2]) // the uid is the user id in base36, which events log
	page = b.open(link)
	wantPage(t, page, http.StatusOK, "Choose a new password")
	if !strings.Contains(page.body, `name="new_password1"`) || !strings.Contains(page.body, `name="new_password2"`) {
		t.Fatalf("the reset page has no password fields:\n%s", page.body)
	}
	token = csrfField(t, page)
	newPassword := "Other-Horse-10-" + suffix
	secrets = append(secrets, newPassword)
	res = b.post(link, url.Values{"csrf": {token}, "new_password1": {newPassword}, "new_password2": {newPassword + "x"}}, nil)
	wantPage(t, res, http.StatusBadRequest, "The two password fields didn")
	if strings.Contains(res.body, newPassword) {
		t.Error("the page shows the typed password back")
	}
	res = b.post(link, url.Values{"csrf": {"forged"}, "new_password1": {newPassword}, "new_password2": {newPassword}}, nil)
	wantPage(t, res, http.StatusForbidden, "This form has expired")
	res = b.post(link, url.Values{"csrf": {token}, "new_password1": {newPassword}, "new_password2": {newPassword}}, nil)
	wantPage(t, res, http.StatusOK, "Password has been reset with the new password.")
	if got := LoginStatus(t, baseURL, prefix, acct.Username, acct.Password); got != http.StatusBadRequest {
		t.Errorf("old password after the reset: %d", got)
	}
	if got := LoginStatus(t, baseURL, prefix, acct.Username, newPassword); got != http.StatusOK {
		t.Errorf("new password after the reset: %d", got)
	}
	res = b.post(link, url.Values{"csrf": {token}, "new_password1": {"Third-Horse-11"}, "new_password2": {"Third-Horse-11"}}, nil)
	wantPage(t, res, http.StatusBadRequest, "This link is invalid, has expired or was already used.")
	return secrets
}

// WantNotMounted checks that the server at baseURL serves no link page
// (its mails link to another frontend).
func WantNotMounted(t *testing.T, baseURL, prefix string) {
	t.Helper()
	b := &browser{t: t, jar: map[string]string{}}
	for _, path := range []string{prefix + "registration/account-confirm-email/MQ:1tXyZa:abc/", "/password-reset/confirm/1/abc-0123/"} {
		res := b.open(baseURL + path)
		if res.status == http.StatusOK || strings.HasPrefix(res.header.Get("Content-Type"), "text/html") || len(b.jar) > 0 {
			t.Errorf("GET %s: %d %s (cookies %v): a link page is mounted", path, res.status, res.header.Get("Content-Type"), b.jar)
		}
	}
}

// wantPage checks a page's status, security headers and that its text
// contains want.
func wantPage(t *testing.T, res response, status int, want string) {
	t.Helper()
	if res.status != status || !strings.Contains(res.text(), want) {
		t.Fatalf("got %d, want %d with %q:\n%s", res.status, status, want, res.body)
	}
	h := res.header
	for name, value := range map[string]string{
		"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store",
		"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
	} {
		if h.Get(name) != value {
			t.Errorf("%s: %q, want %q", name, h.Get(name), value)
		}
	}
	if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self'") ||
		!strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy: %q", csp)
	}
}

// wantCSRFCookie checks the page's double-submit cookie: HttpOnly,
// SameSite=Strict, scoped to the link's fixed part.
func wantCSRFCookie(t *testing.T, res response, linkBase string) {
	t.Helper()
	u, _ := url.Parse(linkBase)
	var found bool
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name != "restauth_linkpage" {
			t.Errorf("the page set the cookie %s", c.Name)
			continue
		}
		found = true
		if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != u.Path || c.MaxAge <= 0 {
			t.Errorf("CSRF cookie %s: HttpOnly %v, SameSite %v, Path %q (want %q), Max-Age %d", c.Name, c.HttpOnly, c.SameSite, c.Path, u.Path, c.MaxAge)
		}
	}
	if !found {
		t.Error("the page set no CSRF cookie")
	}
}

func csrfField(t *testing.T, res response) string {
	t.Helper()
	m := csrfFieldRe.FindStringSubmatch(res.body)
	if m == nil {
		t.Fatalf("no CSRF field in:\n%s", res.body)
	}
	return m[1]
}

func mailedLink(t *testing.T, mails Mailbox, n int, re *regexp.Regexp) string {
	t.Helper()
	bodies := mails(n)
	if len(bodies) < n {
		t.Fatalf("got %d mails, want %d", len(bodies), n)
	}
	link := re.FindString(bodies[n-1])
	if link == "" {
		t.Fatalf("no link matching %s in:\n%s", re, bodies[n-1])
	}
	return link
}

// browser keeps cookies by name (the pages set one, scoped to their path)
// and sends what a browser sends.
type browser struct {
	t   *testing.T
	jar map[string]string
}

type response struct {
	status int
	header http.Header
	body   string
}

// text is the body with entities decoded, for messages.
func (r response) text() string { return html.UnescapeString(r.body) }

func (b *browser) open(link string) response {
	b.t.Helper()
	return b.send(http.MethodGet, link, nil, map[string]string{"Sec-Fetch-Site": "none"})
}

// post submits a form as the page would (a nil form sends an empty JSON
// body instead).
func (b *browser) post(link string, form url.Values, header map[string]string) response {
	b.t.Helper()
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	body := form.Encode()
	if form == nil {
		body = `{}`
	}
	for k, v := range header {
		h[k] = v
	}
	return b.send(http.MethodPost, link, strings.NewReader(body), h)
}

func (b *browser) send(method, link string, body io.Reader, header map[string]string) response {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), method, link, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	for k, v := range b.jar {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, link, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(b.jar, c.Name)
		} else {
			b.jar[c.Name] = c.Value
		}
	}
	return response{status: res.StatusCode, header: res.Header, body: string(raw)}
}

// postJSON sends name/value pairs as a JSON object.
func postJSON(t *testing.T, link string, kv ...string) (int, string) {
	t.Helper()
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	raw, _ := json.Marshal(m) // a map of strings always encodes
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, link, strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", link, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}
