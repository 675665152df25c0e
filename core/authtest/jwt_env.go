package authtest

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// jwtSecret is the HS256 key of the JWT groups: SimpleJWT's probe key, so
// that tokens minted by Django with it verify here.
const jwtSecret = "probe-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"

// clock is a settable fake clock shared by a server and its test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Now().UTC().Truncate(time.Second)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *clock) advance(d time.Duration) { c.set(c.Now().Add(d)) }

// jwtMode configures JWT authentication with the library defaults (cookies
// "access"/"refresh", HttpOnly, Secure, CSRF on) and the given clock.
func jwtMode(clk *clock) func(*core.Config) {
	return func(c *core.Config) {
		c.Methods = []core.Method{core.MethodJWT}
		c.SecretKey = []byte(jwtSecret)
		c.Now = clk.Now
	}
}

// jwtLogin is what a JWT login handed out.
type jwtLogin struct {
	access, refresh string // refresh: from the cookie, or the body when not HttpOnly
	csrf            string // the csrftoken cookie
	body            map[string]json.RawMessage
	cookies         map[string]*http.Cookie
}

var jwtRe = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)

// loginJWT logs in and checks the generic shape of a JWT login answer.
func (e *env) loginJWT(t *testing.T, username string) jwtLogin {
	t.Helper()
	res := e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", username, "password", defaultPassword))
	res.wantStatus(t, http.StatusOK)
	var l jwtLogin
	if err := json.Unmarshal(res.body, &l.body); err != nil {
		t.Fatalf("login body %s: %v", res.body, err)
	}
	if err := json.Unmarshal(l.body["access"], &l.access); err != nil || !jwtRe.MatchString(l.access) {
		t.Fatalf("login body %s: no access JWT", res.body)
	}
	l.cookies = res.cookies()
	if c := l.cookies["refresh"]; c != nil {
		l.refresh = c.Value
	}
	var bodyRefresh string
	_ = json.Unmarshal(l.body["refresh"], &bodyRefresh)
	if bodyRefresh != "" {
		l.refresh = bodyRefresh
	}
	if c := l.cookies["csrftoken"]; c != nil {
		l.csrf = c.Value
	}
	e.secrets.add(l.access, l.refresh, l.csrf)
	return l
}

// cookies returns the Set-Cookie values of the response by name.
func (r *response) cookies() map[string]*http.Cookie {
	out := map[string]*http.Cookie{}
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		out[c.Name] = c
	}
	return out
}

// wantJSON checks status, exact body and the restauth headers, allowing
// cookies (JWT mode sets them).
func (r *response) wantJSON(t *testing.T, status int, body string) {
	t.Helper()
	r.wantStatus(t, status)
	if string(r.body) != body {
		t.Errorf("%s: body\n got %s\nwant %s", r.req, r.body, body)
	}
	r.wantHeader(t, "Content-Type", "application/json")
	r.wantHeader(t, "Cache-Control", "no-store")
}

// cookieHeader renders name=value pairs as a Cookie header.
func cookieHeader(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+"="+kv[i+1])
	}
	return strings.Join(parts, "; ")
}

// Messages of SimpleJWT's errors, as clients see them.
const (
	notProvided      = `{"detail":"Authentication credentials were not provided."}`
	bearerChallenge  = `Bearer realm="api"`
	badHeader        = `{"detail":"Authorization header must contain two space-delimited values","code":"bad_authorization_header"}`
	invalidOrExpired = `{"detail":"Token is invalid or expired","code":"token_not_valid"}`
	blacklisted      = `{"detail":"Token is blacklisted","code":"token_not_valid"}`
)

// accessError renders SimpleJWT's error for an unusable access token.
func accessError(msg string) string {
	return `{"detail":"Given token not valid for any token type","code":"token_not_valid","messages":[{"token_class":"AccessToken","token_type":"access","message":"` + msg + `"}]}`
}
