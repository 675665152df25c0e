package authtest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// csrfAppOrigin is the public origin of the app in the CSRF cases: served
// over HTTPS behind a TLS-terminating proxy, so requests reach the test
// server as plain HTTP with Host csrfAppHost.
const (
	csrfAppHost    = "app.example"
	csrfAppOrigin  = "https://" + csrfAppHost
	csrfSibling    = "https://sibling.app.example" // trusted on purpose
	csrfEvil       = "https://evil.example"
	csrfFailPrefix = `{"detail":"CSRF Failed: `
)

// csrfMode is one way cookies carry authentication: JWT cookies or a
// server session.
type csrfMode struct {
	name string
	opts []func(*core.Config)
}

// csrfModes returns the cookie-authenticated configurations of group H,
// both trusting csrfAppOrigin and csrfSibling, with the account flows on
// (mails to outbox, no verification) and the clock clk.
func csrfModes(clk *clock, outbox *mail.Outbox) []csrfMode {
	common := func(c *core.Config) {
		c.CSRF.TrustedOrigins = []string{csrfAppOrigin, csrfSibling}
		accountsMode(outbox, core.VerifyNone)(c)
	}
	return []csrfMode{
		{"jwt", []func(*core.Config){jwtMode(clk), common}},
		{"session", []func(*core.Config){sessionMode(clk), common}},
	}
}

// csrfVictim is a logged-in browser: the cookies a forged request carries.
type csrfVictim struct {
	e      *env
	name   string
	cookie string // Cookie header with every cookie login set
	csrf   string // the csrftoken cookie's value
}

// csrfLogin creates username on e and logs it in by password, keeping the
// cookies the answer set.
func csrfLogin(t *testing.T, e *env, username string) *csrfVictim {
	t.Helper()
	e.createUser(t, newUser(username))
	res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", username, "password", defaultPassword))
	if res.status != http.StatusOK && res.status != http.StatusNoContent {
		t.Fatalf("login %s: %d %s", username, res.status, res.body)
	}
	v := &csrfVictim{e: e, name: username}
	var pairs []string
	for name, c := range res.cookies() {
		pairs = append(pairs, name+"="+c.Value)
		e.secrets.add(c.Value)
	}
	v.cookie = strings.Join(pairs, "; ")
	if c := res.cookies()["csrftoken"]; c != nil {
		v.csrf = c.Value
	}
	if v.csrf == "" {
		t.Fatalf("login %s set no csrftoken cookie", username)
	}
	return v
}

// write sends a cookie-authenticated PATCH user/ setting first_name to
// "Mallory", with the given extra headers (the victim's Cookie header is
// added unless header sets one).
func (v *csrfVictim) write(t *testing.T, header ...string) *response {
	t.Helper()
	return v.writeTo(t, v.e.path("user/"), header...)
}

// writeTo is write against any path.
func (v *csrfVictim) writeTo(t *testing.T, path string, header ...string) *response {
	t.Helper()
	return v.send(t, http.MethodPatch, path, `{"first_name":"Mallory"}`, "", header...)
}

// send sends a request with the victim's cookies; host, when set, is the
// Host the server sees (a proxy forwarding for csrfAppOrigin).
func (v *csrfVictim) send(t *testing.T, method, path, body, host string, header ...string) *response {
	t.Helper()
	req := v.e.newRequest(t, method, path, strings.NewReader(body), header...)
	if req.Header.Get("Cookie") == "" {
		req.Header.Set("Cookie", v.cookie)
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if host != "" {
		req.Host = host
	}
	return v.e.send(t, req)
}

// firstName reads the victim's first_name with a safe, cookie-authenticated GET.
func (v *csrfVictim) firstName(t *testing.T) string {
	t.Helper()
	res := v.send(t, http.MethodGet, v.e.path("user/"), "", "")
	res.wantStatus(t, http.StatusOK)
	var u struct {
		FirstName string `json:"first_name"`
	}
	if err := json.Unmarshal(res.body, &u); err != nil {
		t.Fatalf("user/ body %s: %v", res.body, err)
	}
	return u.FirstName
}

// wantUnchanged fails t if a forged write reached the store.
func (v *csrfVictim) wantUnchanged(t *testing.T) {
	t.Helper()
	if got := v.firstName(t); got == "Mallory" {
		t.Errorf("%s: a forged write changed first_name", v.name)
	}
}

// csrfWantRefused checks a 403 CSRF failure in Django's shape.
func (r *response) csrfWantRefused(t *testing.T) {
	t.Helper()
	r.wantStatus(t, http.StatusForbidden)
	if !strings.HasPrefix(string(r.body), csrfFailPrefix) {
		t.Errorf("%s: body %s, want a CSRF failure", r.req, r.body)
	}
}

// csrfEnvs lazily starts one server per cookie-authenticated mode and
// shares it between the cases of group H (each case uses its own users).
type csrfEnvs struct {
	s      *suite
	t      *testing.T // the group's test: servers live until the group ends
	clk    *clock
	outbox *mail.Outbox
	envs   map[string]*env
}

// each runs f once per mode, as a subtest named by the mode.
func (c *csrfEnvs) each(t *testing.T, f func(t *testing.T, e *env)) {
	t.Helper()
	for _, m := range csrfModes(c.clk, c.outbox) {
		e := c.get(t, m.name)
		t.Run(m.name, func(t *testing.T) { f(t, e) })
	}
}

// get returns the shared server of mode name ("jwt" or "session").
func (c *csrfEnvs) get(t *testing.T, name string) *env {
	t.Helper()
	if e, ok := c.envs[name]; ok {
		return e
	}
	for _, m := range csrfModes(c.clk, c.outbox) {
		if m.name == name {
			e := c.s.newEnv(c.t, m.opts...)
			c.envs[name] = e
			return e
		}
	}
	t.Fatalf("authtest: no CSRF mode %q", name)
	return nil
}

// csrfKeyInBodyRe finds a DB token key inside a combined login answer.
var csrfKeyInBodyRe = regexp.MustCompile(`"key":"([0-9a-f]{40})"`)
