package authtest

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// serverErrorBody is the generic answer to a panic or internal error.
const serverErrorBody = `{"detail":"A server error occurred."}`

// internalText are fragments no error body may carry: driver text, SQL,
// file paths, stacks, Go error prefixes (T-OPS-05 in docs/threat-model.md).
var internalText = []string{"10.0.0.7", "refused", "dial tcp", "SELECT", "INSERT", "sql", ".go", "goroutine", "runtime", "/srv/", "panic", "exploded", "restauth:", "authtest"}

// opsWantClean fails t if the body of res carries internal text.
func opsWantClean(t *testing.T, res *response) {
	t.Helper()
	for _, s := range internalText {
		if bytes.Contains(bytes.ToLower(res.body), []byte(strings.ToLower(s))) {
			t.Errorf("%s: body %s carries internal text %q", res.req, res.body, s)
		}
	}
}

// hostileOperational runs group M of docs/threat-model.md (Operational).
func (s *suite) hostileOperational(t *testing.T, c *cases) {
	c.run(t, "T-OPS-01", s.opsPanics)
	c.run(t, "T-OPS-02", s.opsNoSecretsLogged)
	c.run(t, "T-OPS-03", s.opsLogInjection)
	c.run(t, "T-OPS-04", s.opsAuthEvents)
	c.run(t, "T-OPS-05", s.opsErrorBodies)
	c.run(t, "T-OPS-06", s.opsHeaders)
	c.run(t, "T-OPS-07", opsDependencyVersions)
}

// opsPanics: a panic in core's request path or in any user-supplied hook
// (store, mailer, password validator, rate-limit store) is answered 500
// with a generic JSON body, on the endpoints and in the middleware; the
// stack goes only to the log; the next request is served normally.
// restauth has no custom-claims or user-serializer hooks (the claims and
// the user JSON are fixed: docs/design.md §6), so those cannot panic. The
// adapters' test servers use gin.New() and echo.New() without their
// recovery middleware: the recovery shown here is restauth's own.
func (s *suite) opsPanics(t *testing.T) {
	p := &opsPanics{}
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyNone), p.install)
	e.createUser(t, newUser("alice"))
	key := e.login(t, "alice", defaultPassword)
	auth := []string{"Authorization", tokenHeader(key)}
	loginBody := jsonObject("username", "alice", "password", defaultPassword)
	for _, tc := range []struct {
		hook, name, method, path, body string
		header                         []string
	}{
		{"store", "login", http.MethodPost, e.path("login/"), loginBody, nil},
		{"store", "endpoint authentication", http.MethodGet, e.path("user/"), "", auth},
		{"store", "middleware, required", http.MethodGet, "/api/protected/", "", auth},
		{"store", "middleware, optional", http.MethodGet, "/api/optional/", "", auth},
		{"mailer", "password reset mail", http.MethodPost, e.path("password/reset/"), `{"email":"alice@example.com"}`, nil},
		{"validator", "registration", http.MethodPost, e.path("registration/"), register("newbie", "newbie@example.com", defaultPassword), nil},
		{"throttle", "login rate limit", http.MethodPost, e.path("login/"), loginBody, nil},
	} {
		t.Run(tc.hook+" in "+tc.name, func(t *testing.T) {
			p.set(tc.hook)
			res := e.do(t, tc.method, tc.path, tc.body, tc.header...)
			p.set()
			res.wantStatus(t, http.StatusInternalServerError)
			if string(res.body) != serverErrorBody {
				t.Errorf("%s: body %s, want %s", res.req, res.body, serverErrorBody)
			}
			res.wantHeader(t, "Content-Type", "application/json")
			opsWantClean(t, res)
			e.do(t, http.MethodGet, "/api/protected/", "", auth...).wantApp(t, map[string]string{"username": "alice"})
		})
	}
	t.Run("the stack is in the log", func(t *testing.T) {
		logs := e.logs.String()
		if n := strings.Count(logs, `msg="restauth: panic in handler"`); n != 7 {
			t.Errorf("%d panics logged, want 7", n)
		}
		if !strings.Contains(logs, "stack=") || !strings.Contains(logs, "exploded") {
			t.Error("the panic value and stack are not in the log")
		}
	})
	t.Run("served normally afterwards", func(t *testing.T) {
		e.login(t, "alice", defaultPassword)
		e.do(t, http.MethodPost, e.path("password/reset/"), `{"email":"alice@example.com"}`).wantStatus(t, http.StatusOK)
	})
}

// opsNoSecretsLogged: the catalogue entry of the suite-wide check. Every
// env of the run logs into one sink and registers what it hands out
// (keys, JWTs, cookie values, mailed links); after all groups RunWithStore
// searches every secret in everything logged and every error body
// (suiteSink.check). Here: the credentials of a JWT cookie login, a
// session and a reset mail are registered, and sending them back in
// Authorization and Cookie headers on failing requests, which core logs,
// leaves none of them (nor a password or the signing key) in the log.
func (s *suite) opsNoSecretsLogged(t *testing.T) {
	fs := &failingStore{}
	outbox := mail.NewOutbox()
	clk := newClock()
	e := s.newEnv(t, fs.install, sessionMode(clk), accountsMode(outbox, core.VerifyOptional), func(c *core.Config) {
		c.Methods = []core.Method{core.MethodJWT, core.MethodToken, core.MethodSession}
	})
	e.createUser(t, newUser("alice"))
	l := e.loginJWT(t, "alice")
	sid := l.cookies["sessionid"].Value
	e.do(t, http.MethodPost, e.path("password/reset/"), `{"email":"alice@example.com"}`).wantStatus(t, http.StatusOK)
	link := lastLink(t, outbox, "alice@example.com", resetLinkRe)
	for _, v := range []string{l.access, l.refresh, l.csrf, sid, link[0], link[2]} {
		if len(s.sink.secrets.find(v)) == 0 {
			t.Errorf("the sink did not register %.6s… as a secret", v)
		}
	}
	fs.fail("UserByID", "UserByRefreshFamily", "RefreshTokenByJTI", "ConsumeRefreshToken", "UserByToken", "UserByUsername", "UserByEmail")
	cookie := cookieHeader("access", l.access, "refresh", l.refresh, "sessionid", sid, "csrftoken", l.csrf)
	for _, r := range []struct{ path, body string }{
		{e.path("user/"), ""},
		{e.path("token/refresh/"), jsonObject("refresh", l.refresh)},
		{e.path("login/"), jsonObject("username", "alice", "password", defaultPassword)},
		{e.path("password/reset/confirm/"), jsonObject("uid", link[1], "token", link[2], "new_password1", "Reset-pass-99", "new_password2", "Reset-pass-99")},
	} {
		e.do(t, http.MethodPost, r.path, r.body, "Authorization", "Bearer "+l.access, "Cookie", cookie, "X-CSRFToken", l.csrf)
	}
	fs.clear()
	logs := e.logs.String()
	if !strings.Contains(logs, "store unavailable") {
		t.Fatalf("the failing requests were not logged:\n%s", logs)
	}
	for _, h := range s.sink.secrets.find(logs) {
		t.Errorf("secret %.6s… in the log", h.secret)
	}
}

// opsLogInjection: identifiers with CR, LF, ANSI escapes and forged
// records never break the log into extra records. core logs no
// client-typed identifier at all (user ids only); every record is one
// line, and the hostile bytes appear nowhere raw.
func (s *suite) opsLogInjection(t *testing.T) {
	fs := &failingStore{}
	outbox := mail.NewOutbox()
	e := s.newEnv(t, fs.install, accountsMode(outbox, core.VerifyNone))
	e.createUser(t, newUser("alice"))
	hostile := []string{
		"eve\nlevel=ERROR msg=\"forged record\"",
		"eve\r\ntime=2020-01-01T00:00:00Z level=INFO msg=\"forged record\"",
		"\x1b[31meve\x1b[0m\x1b[2J",
		`{"level":"INFO","msg":"forged record"}`,
		"eve\u2028msg=forged\u0085record",
	}
	before := strings.Count(e.logs.String(), "\n")
	for _, u := range hostile {
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", u, "password", defaultPassword)).wantStatus(t, http.StatusBadRequest)
		e.do(t, http.MethodPost, e.path("registration/"), register(u, "eve@example.com", defaultPassword)).wantStatus(t, http.StatusBadRequest)
		fs.fail("UserByUsername", "UserByEmail")
		dbWantUnavailable(t, e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", u, "password", defaultPassword)))
		fs.clear()
	}
	logs := e.logs.String()
	records := strings.Split(strings.TrimSuffix(logs, "\n"), "\n")
	if added := strings.Count(logs, "\n") - before; added != 2*len(hostile) {
		t.Errorf("%d log records for %d failed and %d failing logins, want one each", added, len(hostile), len(hostile))
	}
	for _, r := range records {
		if !strings.HasPrefix(r, "time=") || strings.ContainsAny(r, "\r\x1b\u2028\u0085") {
			t.Errorf("record is not one clean line: %q", r)
		}
	}
	if strings.Contains(logs, "forged") {
		t.Errorf("the hostile identifier reached the log:\n%s", logs)
	}
}

// opsEventRe matches one auth event record and captures its attributes.
var opsEventRe = regexp.MustCompile(`msg="restauth: [^"]+" event=(\w+) outcome=(\w+)(?: user_id=(\d+))? ip=([0-9a-f.:]+)`)

// opsEvents returns the auth events logged since offset.
func opsEvents(e *env, offset int) [][]string {
	return opsEventRe.FindAllStringSubmatch(e.logs.String()[offset:], -1)
}

// opsAuthEvents: login ok and failed, throttled, logout, refresh reuse,
// password change and reset, and verification each emit exactly one
// structured event with its outcome, the user id (when known) and the
// client IP.
func (s *suite) opsAuthEvents(t *testing.T) {
	outbox := mail.NewOutbox()
	clk := newClock()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyMandatory), throttleMode(clk))
	alice := e.createUser(t, newUser("alice"))
	id := strconv.FormatInt(alice.ID, 10)
	// want sends one request and checks it logged exactly the event.
	want := func(t *testing.T, e *env, event, outcome, user string, send func()) {
		t.Helper()
		off := len(e.logs.String())
		send()
		got := opsEvents(e, off)
		if len(got) != 1 || got[0][1] != event || got[0][2] != outcome || got[0][3] != user || got[0][4] != "127.0.0.1" {
			t.Errorf("events %q, want one %s/%s for user %q from 127.0.0.1; log:\n%s", got, event, outcome, user, e.logs.String()[off:])
		}
	}
	var key string
	want(t, e, "login", "success", id, func() { key = e.login(t, "alice", defaultPassword) })
	want(t, e, "login", "failure", id, func() {
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", "wrong-pass-1")).wantStatus(t, http.StatusBadRequest)
	})
	want(t, e, "login", "failure", "", func() {
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "nobody", "password", "wrong-pass-1")).wantStatus(t, http.StatusBadRequest)
	})
	auth := []string{"Authorization", tokenHeader(key)}
	want(t, e, "password_change", "success", id, func() {
		e.do(t, http.MethodPost, e.path("password/change/"),
			jsonObject("old_password", defaultPassword, "new_password1", "Brand-new-pass-7", "new_password2", "Brand-new-pass-7"), auth...).wantStatus(t, http.StatusOK)
	})
	e.do(t, http.MethodPost, e.path("password/reset/"), `{"email":"alice@example.com"}`).wantStatus(t, http.StatusOK)
	link := lastLink(t, outbox, "alice@example.com", resetLinkRe)
	want(t, e, "password_reset", "success", id, func() {
		e.do(t, http.MethodPost, e.path("password/reset/confirm/"),
			jsonObject("new_password1", "Reset-pass-99", "new_password2", "Reset-pass-99", "uid", link[1], "token", link[2])).wantStatus(t, http.StatusOK)
	})
	k := e.login(t, "alice", "Reset-pass-99")
	want(t, e, "logout", "success", id, func() {
		e.do(t, http.MethodPost, e.path("logout/"), "", "Authorization", tokenHeader(k)).wantStatus(t, http.StatusOK)
	})
	e.do(t, http.MethodPost, e.path("registration/"), register("bob", "bob@example.com", defaultPassword)).wantStatus(t, http.StatusCreated)
	vkey := lastLink(t, outbox, "bob@example.com", keyLinkRe)[1]
	bob, err := e.store.UserByUsername(t.Context(), "bob")
	if err != nil {
		t.Fatal(err)
	}
	want(t, e, "email_verified", "success", strconv.FormatInt(bob.ID, 10), func() {
		e.do(t, http.MethodPost, e.path("registration/verify-email/"), jsonObject("key", vkey)).wantStatus(t, http.StatusOK)
	})
	for range 2 { // throttleMode: 3 failures per account, two already counted
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", "wrong-pass-1"))
	}
	want(t, e, "throttled", "failure", "", func() {
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", "wrong-pass-1")).wantThrottled(t)
	})

	j := s.newEnv(t, jwtMode(clk))
	carol := j.createUser(t, newUser("carol"))
	l := j.loginJWT(t, "carol")
	j.do(t, http.MethodPost, j.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantStatus(t, http.StatusOK)
	want(t, j, "refresh_reuse", "failure", strconv.FormatInt(carol.ID, 10), func() {
		j.do(t, http.MethodPost, j.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantStatus(t, http.StatusUnauthorized)
	})
}

// opsErrorBodies: no error path (store failure on every kind of
// endpoint, panic, malformed input, wrong method, media type, size)
// answers with SQL, file paths, stacks or an internal err.Error().
func (s *suite) opsErrorBodies(t *testing.T) {
	fs := &failingStore{}
	outbox := mail.NewOutbox()
	e := s.newEnv(t, fs.install, accountsMode(outbox, core.VerifyNone))
	e.createUser(t, newUser("alice"))
	key := e.login(t, "alice", defaultPassword)
	auth := []string{"Authorization", tokenHeader(key)}
	all := []string{"CreateUser", "UserByID", "UserByUsername", "UserByEmail", "UpdateProfile", "SetPassword",
		"SetActive", "SetEmailVerified", "RecordLogin", "CreateToken", "UserByToken", "DeleteToken", "DeleteUserTokens"}
	var bodies []*response
	send := func(method, path, body string, header ...string) {
		bodies = append(bodies, e.do(t, method, path, body, header...))
	}
	fs.fail(all...)
	send(http.MethodPost, e.path("login/"), jsonObject("username", "alice", "password", defaultPassword))
	send(http.MethodGet, e.path("user/"), "", auth...)
	send(http.MethodGet, "/api/protected/", "", auth...)
	send(http.MethodPost, e.path("registration/"), register("dave", "dave@example.com", defaultPassword))
	send(http.MethodPost, e.path("password/reset/"), `{"email":"alice@example.com"}`)
	send(http.MethodPost, e.path("password/reset/confirm/"), jsonObject("uid", "1", "token", "x-1", "new_password1", "Reset-pass-99", "new_password2", "Reset-pass-99"))
	fs.clear()
	send(http.MethodPost, e.path("login/"), `{"username":`)
	send(http.MethodPost, e.path("login/"), `{"username":"\ud800","password":1e999}`)
	send(http.MethodPost, e.path("login/"), "a=%zz&b", "Content-Type", "application/x-www-form-urlencoded")
	send(http.MethodPost, e.path("login/"), "--x\r\n", "Content-Type", "multipart/form-data; boundary=x")
	send(http.MethodPost, e.path("login/"), "<xml/>", "Content-Type", "text/xml")
	send(http.MethodDelete, e.path("login/"), "")
	send(http.MethodGet, e.path("user/"), "", "Authorization", "Token \u00e9\u00e9")
	send(http.MethodGet, e.path("user/"), "", "Authorization", "Bearer a.b.c")
	send(http.MethodGet, e.path("nowhere/'%20OR%201=1;--/"), "")
	for _, res := range bodies {
		if res.status < 400 {
			t.Errorf("%s: status %d, want an error", res.req, res.status)
		}
		if res.status >= 500 && res.status != http.StatusServiceUnavailable {
			t.Errorf("%s: status %d %s", res.req, res.status, res.body)
		}
		opsWantClean(t, res)
	}
}

// opsHeaders: every auth response, success or error of any kind, carries
// Cache-Control: no-store, X-Content-Type-Options: nosniff and a JSON
// Content-Type. The Content-Type is exactly "application/json" without a
// charset parameter, as DRF sends it (docs/design.md §6, Responses):
// RFC 8259 fixes JSON's encoding to UTF-8 and defines no charset
// parameter, so a client cannot be misled about the encoding.
func (s *suite) opsHeaders(t *testing.T) {
	fs := &failingStore{}
	p := &opsPanics{}
	outbox := mail.NewOutbox()
	clk := newClock()
	e := s.newEnv(t, fs.install, accountsMode(outbox, core.VerifyNone), p.install, throttleMode(clk),
		func(c *core.Config) { c.MaxBodyBytes = 1024 })
	e.createUser(t, newUser("alice"))
	key := e.login(t, "alice", defaultPassword)
	auth := []string{"Authorization", tokenHeader(key)}
	login := e.path("login/")
	check := func(t *testing.T, status int, res *response) {
		t.Helper()
		res.wantStatus(t, status)
		res.wantHeader(t, "Content-Type", "application/json")
		res.wantHeader(t, "Cache-Control", "no-store")
		res.wantHeader(t, "X-Content-Type-Options", "nosniff")
	}
	check(t, http.StatusOK, e.do(t, http.MethodGet, e.path("user/"), "", auth...))
	check(t, http.StatusOK, e.do(t, http.MethodOptions, login, ""))
	check(t, http.StatusCreated, e.do(t, http.MethodPost, e.path("registration/"), register("erin", "erin@example.com", defaultPassword)))
	check(t, http.StatusBadRequest, e.do(t, http.MethodPost, login, `{}`))
	check(t, http.StatusUnauthorized, e.do(t, http.MethodGet, e.path("user/"), ""))
	check(t, http.StatusUnauthorized, e.do(t, http.MethodGet, "/api/protected/", ""))
	check(t, http.StatusNotFound, e.do(t, http.MethodGet, e.path("nowhere/"), ""))
	check(t, http.StatusMethodNotAllowed, e.do(t, http.MethodGet, login, ""))
	check(t, http.StatusNotAcceptable, e.do(t, http.MethodPost, login, `{}`, "Accept", "image/png"))
	check(t, http.StatusRequestEntityTooLarge, e.do(t, http.MethodPost, login, `{"username":"`+strings.Repeat("a", 2048)+`"}`))
	check(t, http.StatusUnsupportedMediaType, e.do(t, http.MethodPost, login, `x`, "Content-Type", "text/plain"))
	p.set("store")
	check(t, http.StatusInternalServerError, e.do(t, http.MethodGet, e.path("user/"), "", auth...))
	check(t, http.StatusInternalServerError, e.do(t, http.MethodGet, "/api/protected/", "", auth...))
	p.set()
	fs.fail("UserByToken")
	check(t, http.StatusServiceUnavailable, e.do(t, http.MethodGet, e.path("user/"), "", auth...))
	check(t, http.StatusServiceUnavailable, e.do(t, http.MethodGet, "/api/protected/", "", auth...))
	fs.clear()
	for range 3 {
		e.do(t, http.MethodPost, login, jsonObject("username", "alice", "password", "wrong-pass-1"))
	}
	check(t, http.StatusTooManyRequests, e.do(t, http.MethodPost, login, jsonObject("username", "alice", "password", "wrong-pass-1")))

	t.Run("403 and 204 in session mode", func(t *testing.T) {
		g := s.newEnv(t, sessionMode(newClock()))
		g.createUser(t, newUser("alice"))
		sid, _ := g.sessionLogin(t, "alice", defaultPassword)
		check(t, http.StatusForbidden, g.do(t, http.MethodGet, g.path("user/"), ""))
		check(t, http.StatusForbidden, g.do(t, http.MethodPost, g.path("password/change/"), `{}`, "Cookie", cookieHeader("sessionid", sid)))
		check(t, http.StatusNoContent, g.do(t, http.MethodPost, g.path("login/"), jsonObject("username", "alice", "password", defaultPassword)))
	})
}

// opsMinimumVersions are the versions T-OPS-07 (docs/threat-model.md)
// names: the first without the known reachable vulnerabilities (golang-jwt
// CVE-2025-30204 fixed in v5.2.2; x/crypto's 2025 advisories fixed by
// v0.45.0; Go 1.25.1's standard-library fixes).
var opsMinimumVersions = map[string]string{
	"github.com/golang-jwt/jwt/v5": "v5.2.2",
	"golang.org/x/crypto":          "v0.45.0",
}

// opsDependencyVersions stands in for CI's govulncheck, which needs
// vuln.go.dev (unreachable from the build network: only the Go module
// proxy is): the binary under test is built with Go ≥ 1.25.1, and the
// go.mod of the module under test requires golang-jwt ≥ v5.2.2 and
// x/crypto ≥ v0.45.0. A go.mod requirement is a lower bound of the
// version linked (minimal version selection only raises it); go test
// binaries carry no dependency list in their build information.
func opsDependencyVersions(t *testing.T) {
	if v := runtime.Version(); strings.HasPrefix(v, "go") && opsVersionLess(v[2:], "1.25.1") {
		t.Errorf("built with %s, want go1.25.1 or later", v)
	}
	gomod := opsGoMod(t)
	found := map[string]bool{}
	for _, m := range opsRequireRe.FindAllStringSubmatch(gomod, -1) {
		min, ok := opsMinimumVersions[m[1]]
		if !ok {
			continue
		}
		found[m[1]] = true
		if opsVersionLess(strings.TrimPrefix(m[2], "v"), strings.TrimPrefix(min, "v")) {
			t.Errorf("go.mod requires %s %s, want %s or later", m[1], m[2], min)
		}
	}
	for path := range opsMinimumVersions {
		if !found[path] {
			t.Errorf("go.mod of the module under test does not require %s; the check would be vacuous", path)
		}
	}
}

// opsRequireRe matches a requirement line of a go.mod file.
var opsRequireRe = regexp.MustCompile(`(?m)^\s*(?:require\s+)?([\w./-]+)\s+(v[0-9][^\s]*)`)

// opsGoMod returns the go.mod of the module whose test is running (the
// nearest one above the working directory).
func opsGoMod(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if b, err := os.ReadFile(filepath.Join(dir, "go.mod")); err == nil {
			return string(b)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's working directory")
		}
		dir = parent
	}
}

// opsVersionLess compares dotted numeric versions ("1.25.1", "5.2.2-pre"
// compares by its numbers only); missing parts count as 0.
func opsVersionLess(a, b string) bool {
	num := func(s string) []int {
		s, _, _ = strings.Cut(s, "-")
		s, _, _ = strings.Cut(s, "+")
		var out []int
		for _, p := range strings.Split(s, ".") {
			n, _ := strconv.Atoi(strings.TrimLeft(p, "rc"))
			out = append(out, n)
		}
		return out
	}
	x, y := num(a), num(b)
	for i := 0; i < len(x) || i < len(y); i++ {
		var xi, yi int
		if i < len(x) {
			xi = x[i]
		}
		if i < len(y) {
			yi = y[i]
		}
		if xi != yi {
			return xi < yi
		}
	}
	return false
}
