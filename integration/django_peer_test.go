package integration_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// envDjangoPython names the Python interpreter that has Django, DRF,
// SimpleJWT and allauth of the fixture's versions (on Debian 12:
// apt-get install python3-django python3-djangorestframework
// python3-djangorestframework-simplejwt python3-django-allauth
// python3-argon2, then /usr/bin/python3).
const envDjangoPython = "RESTAUTH_TEST_DJANGO_PYTHON"

// djangoCheckScript runs real Django code on a database restauth wrote
// (testdata/djangocheck/check.py documents the action kinds).
const djangoCheckScript = "testdata/djangocheck/check.py"

// peerFrontend is the base of the links restauth mails.
const peerFrontend = "https://app.example.com"

// peerCSRF is a CSRF token (Django's unmasked 32-character form) sent as
// both cookie and header where a session request needs one.
const peerCSRF = "PeerCsrfToken0123456789abcdefghi"

// djangoPython returns the interpreter named by RESTAUTH_TEST_DJANGO_PYTHON
// or skips t.
func djangoPython(t *testing.T) string {
	t.Helper()
	p := os.Getenv(envDjangoPython)
	if p == "" {
		t.Skipf("skipped: set %s to a Python with Django 3.2, DRF 3.14, SimpleJWT 5.2 and allauth 0.51 "+
			"(Debian 12: apt-get install -y --no-install-recommends python3-django python3-djangorestframework "+
			"python3-djangorestframework-simplejwt python3-django-allauth python3-argon2; %s=/usr/bin/python3)",
			envDjangoPython, envDjangoPython)
	}
	return p
}

// djangoPeer is a Django fixture database (SQLite: a file Django's own
// code can open too) served by three restauth servers, one per
// dj-rest-auth mode, on the real clock (Django checks expiry against its
// own), with account mail recorded in outbox. Unlike newDjangoServer's,
// its servers share one database, so Django sees what all three wrote.
type djangoPeer struct {
	t                      *testing.T
	python, dbPath, secret string
	token, session, jwt    *djangoServer
	outbox                 *mail.Outbox
}

func newDjangoPeer(t *testing.T, f *fixture, server authtest.Server) *djangoPeer {
	t.Helper()
	python := djangoPython(t)
	db := sqltest.SQLite()
	dbURL := db.DjangoURL(t)
	store, err := sqlstore.OpenDjango(context.Background(), dbURL, sqlstore.DjangoConfig{SecretKey: []byte(f.SecretKey)}, db.Driver)
	if err != nil {
		t.Fatalf("OpenDjango: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	p := &djangoPeer{t: t, python: python, dbPath: peerSQLitePath(t, dbURL), secret: f.SecretKey, outbox: mail.NewOutbox()}
	serve := func(m core.Method) *djangoServer {
		cfg := core.Config{
			Store:             store,
			SecretKey:         []byte(f.SecretKey),
			Methods:           []core.Method{m},
			InsecureCookies:   true,
			EmailVerification: core.VerifyMandatory,
			JWT: core.JWTConfig{
				SigningKey: []byte(f.SecretKey), NotHTTPOnly: true,
				AccessLifetime: 15 * time.Minute, RefreshLifetime: 7 * 24 * time.Hour,
			},
			Accounts: core.AccountConfig{Mailer: p.outbox, SynchronousMail: true, FrontendURL: peerFrontend},
			Throttle: core.ThrottleConfig{Disabled: true},
		}
		if m == core.MethodSession {
			cfg.Session = core.SessionConfig{Store: store.SessionStore()}
		}
		h, a := server(t, cfg)
		ts := httptest.NewServer(h)
		t.Cleanup(ts.Close)
		return &djangoServer{t: t, url: ts.URL, db: store.DB().DB, store: store, auth: a}
	}
	p.token, p.session, p.jwt = serve(core.MethodToken), serve(core.MethodSession), serve(core.MethodJWT)
	return p
}

// peerSQLitePath returns the file of an "sqlite:" URL.
func peerSQLitePath(t *testing.T, u string) string {
	t.Helper()
	p, ok := strings.CutPrefix(u, "sqlite:")
	if !ok {
		t.Fatalf("not an SQLite URL: %q", u)
	}
	p, _, _ = strings.Cut(p, "?")
	p = strings.TrimPrefix(p, "file:")
	if strings.HasPrefix(p, "///") {
		p = p[2:]
	}
	if p == "" || strings.Contains(p, ":memory:") {
		t.Fatalf("not an SQLite file URL: %q", u)
	}
	return p
}

// djangoAction is one action of check.py: name, kind and parameters.
type djangoAction map[string]any

// djangoResult is check.py's result of one action.
type djangoResult struct {
	Name   string            `json:"name"`
	Kind   string            `json:"kind"`
	OK     bool              `json:"ok"`
	Reason string            `json:"reason"`
	Info   map[string]any    `json:"info"`
	Values map[string]string `json:"values"`
}

// django runs check.py on the database with actions, in order, and returns
// the results by name. It fails t when the script cannot run (Django not
// importable included); each result's ok is the caller's to assert.
func (p *djangoPeer) django(actions ...djangoAction) map[string]djangoResult {
	t := p.t
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "actions.json"), filepath.Join(dir, "results.json")
	raw, err := json.Marshal(map[string]any{"actions": actions})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(in, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, p.python, "-B", djangoCheckScript, "--db", p.dbPath, "--in", in, "--out", out)
	cmd.Env = append(os.Environ(), "DJANGOCHECK_SECRET_KEY="+p.secret, "PYTHONDONTWRITEBYTECODE=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		// stdout never holds a secret in full (check.py); stderr is a
		// traceback at most.
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", p.python, djangoCheckScript, err, stdout.String(), stderr.String())
	}
	raw, err = os.ReadFile(out)
	if err != nil {
		t.Fatalf("check.py wrote no results: %v\nstdout:\n%s", err, stdout.String())
	}
	var res struct {
		Versions map[string]string `json:"versions"`
		Results  []djangoResult    `json:"results"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		t.Fatalf("check.py results: %v", err)
	}
	t.Logf("Django peer: %v", res.Versions)
	byName := make(map[string]djangoResult, len(res.Results))
	for _, r := range res.Results {
		byName[r.Name] = r
	}
	for _, a := range actions {
		if _, ok := byName[a["name"].(string)]; !ok {
			t.Fatalf("check.py gave no result for %q", a["name"])
		}
	}
	return byName
}

// requireDjango runs actions and fails t for each that Django did not
// pass, naming it and Django's reason.
func (p *djangoPeer) requireDjango(actions ...djangoAction) map[string]djangoResult {
	p.t.Helper()
	res := p.django(actions...)
	for _, a := range actions {
		r := res[a["name"].(string)]
		if r.OK {
			p.t.Logf("Django accepts %s (%s) %v", r.Name, r.Kind, r.Info)
			continue
		}
		p.t.Errorf("Django: %s (%s): %s %v", r.Name, r.Kind, r.Reason, r.Info)
	}
	return res
}

// value returns a value Django created, failing t when there is none.
func djangoValue(t *testing.T, res map[string]djangoResult, name, key string) string {
	t.Helper()
	v := res[name].Values[key]
	if v == "" {
		t.Fatalf("Django created no %s for %q: %s", key, name, res[name].Reason)
	}
	return v
}

// mailed returns the first submatch of re in the newest mail to to.
func (p *djangoPeer) mailed(to string, re *regexp.Regexp) string {
	p.t.Helper()
	msgs := p.outbox.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To != to {
			continue
		}
		m := re.FindStringSubmatch(msgs[i].Text)
		if m == nil {
			p.t.Fatalf("the newest mail to %s (%s) has no %s link", to, msgs[i].Template, re)
		}
		v, err := url.PathUnescape(m[1])
		if err != nil {
			p.t.Fatal(err)
		}
		return v
	}
	p.t.Fatalf("no mail to %s", to)
	return ""
}

var (
	peerConfirmLink = regexp.MustCompile(`/registration/account-confirm-email/([^/\s]+)/`)
	peerResetLink   = regexp.MustCompile(`/password-reset/confirm/([^/\s]+/[^/\s]+)/`)
)

// resetParts returns the uid and token of the newest reset mail to to.
func (p *djangoPeer) resetParts(to string) (uid, token string) {
	p.t.Helper()
	uid, token, _ = strings.Cut(p.mailed(to, peerResetLink), "/")
	return uid, token
}

// userID returns the auth_user id of username.
func (p *djangoPeer) userID(username string) string {
	p.t.Helper()
	id := p.token.query("SELECT id FROM auth_user WHERE username = ?", username)
	if id == "" {
		p.t.Fatalf("no auth_user row for %s", username)
	}
	return id
}

// expect fails t unless status is want.
func peerExpect(t *testing.T, what string, status int, body map[string]any, want int) {
	t.Helper()
	if status != want {
		t.Fatalf("%s: %d %v, want %d", what, status, body, want)
	}
}

// register registers username through restauth and verifies its address
// with the key restauth mailed.
func (p *djangoPeer) register(username, password string, verify bool) {
	p.t.Helper()
	email := username + "@example.com"
	status, body, _ := p.token.do("POST", "/api/auth/registration/", map[string]string{
		"username": username, "email": email, "password1": password, "password2": password})
	peerExpect(p.t, "registration of "+username, status, body, http.StatusCreated)
	if verify {
		key := p.mailed(email, peerConfirmLink)
		status, body, _ = p.token.do("POST", "/api/auth/registration/verify-email/", map[string]string{"key": key})
		peerExpect(p.t, "verify-email of "+username, status, body, http.StatusOK)
	}
}

// tokenLogin logs username in on the token server and returns the DRF key
// and the time window around the login.
func (p *djangoPeer) tokenLogin(username, password string) (key string, before, after time.Time) {
	p.t.Helper()
	before = time.Now()
	status, body, _ := p.token.do("POST", "/api/auth/login/", map[string]string{"username": username, "password": password})
	after = time.Now()
	peerExpect(p.t, "token login of "+username, status, body, http.StatusOK)
	key, _ = body["key"].(string)
	if len(key) != 40 {
		p.t.Fatalf("token login of %s: key %.8q…", username, key)
	}
	return key, before, after
}

// sessionLogin logs username in on the session server and returns the
// session key of the cookie.
func (p *djangoPeer) sessionLogin(username, password string) string {
	p.t.Helper()
	status, body, hdr := p.session.do("POST", "/api/auth/login/", map[string]string{"username": username, "password": password})
	if status != http.StatusOK && status != http.StatusNoContent {
		p.t.Fatalf("session login of %s: %d %v", username, status, body)
	}
	for _, c := range (&http.Response{Header: hdr}).Cookies() {
		if c.Name == "sessionid" && c.Value != "" {
			return c.Value
		}
	}
	p.t.Fatalf("session login of %s set no sessionid cookie", username)
	return ""
}

// jwtLogin logs username in on the JWT server and returns the pair.
func (p *djangoPeer) jwtLogin(username, password string) (access, refresh string) {
	p.t.Helper()
	status, body, _ := p.jwt.do("POST", "/api/auth/login/", map[string]string{"username": username, "password": password})
	peerExpect(p.t, "JWT login of "+username, status, body, http.StatusOK)
	access, _ = body["access"].(string)
	refresh, _ = body["refresh"].(string)
	if access == "" || refresh == "" {
		p.t.Fatalf("JWT login of %s: no pair in %v", username, peerKeys(body))
	}
	return access, refresh
}

// refresh posts token/refresh/ and returns the status, body and new pair.
func (p *djangoPeer) refresh(token string) (int, map[string]any, string, string) {
	p.t.Helper()
	status, body, _ := p.jwt.do("POST", "/api/auth/token/refresh/", map[string]string{"refresh": token})
	access, _ := body["access"].(string)
	refresh, _ := body["refresh"].(string)
	return status, body, access, refresh
}

func peerKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func peerUnix(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// eventually retries check until it returns "" or the revocation bound
// (core.DefaultRevocationStaleness) plus a margin has passed, then fails t
// with its last complaint: a change Django makes reaches restauth within
// that bound.
func peerEventually(t *testing.T, what string, check func() string) {
	t.Helper()
	deadline := time.Now().Add(core.DefaultRevocationStaleness + 4*time.Second)
	for {
		msg := check()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("%s: %s (still, %v after Django's change)", what, msg, core.DefaultRevocationStaleness+4*time.Second)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// peerBlacklistedBody is SimpleJWT's answer to a blacklisted refresh token.
var peerBlacklistedBody = map[string]any{"detail": "Token is blacklisted", "code": "token_not_valid"}

// TestDjangoReadsRestauth has restauth make every kind of credential and
// stored value it shares with Django, over real HTTP on a copy of the
// Django fixture, then has real Django, DRF, SimpleJWT and allauth code
// (testdata/djangocheck) accept or refuse each of them.
func TestDjangoReadsRestauth(t *testing.T) {
	djangoPython(t)
	f := loadFixture(t)
	alicePW, bobPW := f.Users[0].Password, f.Users[1].Password
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			p := newDjangoPeer(t, f, a.server)
			// alice has a second address, as allauth's email management
			// makes: allauth's reset tokens sign every address.
			p.requireDjango(djangoAction{"name": "alice's second address", "kind": "add_email", "user_id": 1, "email": "alice.work@example.com"})

			// Sessions: one live, one ended by restauth's logout.
			p.sessionLogin("alice", alicePW)
			ended := p.sessionLogin("alice", alicePW)
			status, body, _ := p.session.do("POST", "/api/auth/logout/", map[string]string{},
				"Cookie", "sessionid="+ended+"; csrftoken="+peerCSRF, "X-CSRFToken", peerCSRF)
			peerExpect(t, "session logout", status, body, http.StatusOK)
			before := time.Now()
			live := p.sessionLogin("alice", alicePW)
			after := time.Now()
			if status, body, _ := p.session.do("GET", "/api/auth/user/", nil, "Cookie", "sessionid="+live); status != http.StatusOK {
				t.Fatalf("user/ with restauth's own session: %d %v", status, body)
			}
			aliceLogin := [2]time.Time{before, after}

			// JWT: a login rotated once, then logged out; a live login.
			_, r1 := p.jwtLogin("alice", alicePW)
			status, body, _, r2 := p.refresh(r1)
			peerExpect(t, "refresh", status, body, http.StatusOK)
			status, body, _ = p.jwt.do("POST", "/api/auth/logout/", map[string]string{"refresh": r2})
			peerExpect(t, "JWT logout", status, body, http.StatusOK)
			a3, r3 := p.jwtLogin("alice", alicePW)

			// erin registers, verifies and gets a DRF key at her first login.
			erinPW := "Erin-Peer-Pass-5"
			p.register("erin", erinPW, true)
			erinKey, erinBefore, erinAfter := p.tokenLogin("erin", erinPW)
			// gina registers and does not verify yet: her key is live.
			p.register("gina", "Gina-Peer-Pass-7", false)
			ginaKey := p.mailed("gina@example.com", peerConfirmLink)
			// frank changes his password, then logs out.
			frankPW, frankNew := "Frank-Peer-Pass-6", "Frank-Changed-Pass-16"
			p.register("frank", frankPW, true)
			frankKey, _, _ := p.tokenLogin("frank", frankPW)
			status, body, _ = p.token.do("POST", "/api/auth/password/change/", map[string]string{
				"old_password": frankPW, "new_password1": frankNew, "new_password2": frankNew}, "Authorization", "Token "+frankKey)
			peerExpect(t, "password change", status, body, http.StatusOK)
			status, body, _ = p.token.do("POST", "/api/auth/logout/", nil, "Authorization", "Token "+frankKey)
			if status != http.StatusOK && status != http.StatusUnauthorized {
				t.Fatalf("frank's logout: %d %v", status, body)
			}

			// bob's PBKDF2 hash: a refused login (unverified), then a
			// verified login; restauth upgrades the hash to its own.
			bobHash := p.token.query("SELECT password FROM auth_user WHERE id = 2")
			status, body, _ = p.token.do("POST", "/api/auth/login/", map[string]string{"username": "bob", "password": bobPW})
			peerExpect(t, "bob's unverified login", status, body, http.StatusBadRequest)
			afterRefused := p.token.query("SELECT password FROM auth_user WHERE id = 2")
			t.Logf("bob's hash: fixture %s, after the refused login %s (Django re-hashes to %s there)",
				hashAlgorithm(bobHash), hashAlgorithm(afterRefused), f.SideEffects.BobHashAfterFailedLogin)
			status, body, _ = p.token.do("POST", "/api/auth/registration/resend-email/", map[string]string{"email": "bob@example.com"})
			peerExpect(t, "bob's resend-email", status, body, http.StatusOK)
			status, body, _ = p.token.do("POST", "/api/auth/registration/verify-email/", map[string]string{"key": p.mailed("bob@example.com", peerConfirmLink)})
			peerExpect(t, "bob's verify-email", status, body, http.StatusOK)
			p.tokenLogin("bob", bobPW)
			if got := p.token.query("SELECT password FROM auth_user WHERE id = 2"); hashAlgorithm(got) != "argon2" {
				t.Errorf("bob's hash after restauth's successful login is %s, want it upgraded to argon2 (Django's first hasher)", hashAlgorithm(got))
			}

			// Reset links, requested last: a login would void them.
			for _, email := range []string{"bob@example.com", "alice@example.com"} {
				status, body, _ = p.token.do("POST", "/api/auth/password/reset/", map[string]string{"email": email})
				peerExpect(t, "password reset of "+email, status, body, http.StatusOK)
			}
			bobUID, bobToken := p.resetParts("bob@example.com")
			aliceUID, aliceToken := p.resetParts("alice@example.com")

			erin, gina, frank := p.userID("erin"), p.userID("gina"), p.userID("frank")
			p.requireDjango(
				djangoAction{"name": "restauth's login session", "kind": "session", "session_key": live, "user_id": 1},
				djangoAction{"name": "restauth's logged-out session", "kind": "session_gone", "session_key": ended},
				djangoAction{"name": "alice's last_login (session login)", "kind": "last_login", "user_id": 1,
					"not_before": peerUnix(aliceLogin[0]), "not_after": peerUnix(aliceLogin[1])},
				djangoAction{"name": "restauth's live refresh token", "kind": "jwt_refresh_valid", "token": r3, "user_id": 1},
				djangoAction{"name": "restauth's live access token", "kind": "jwt_access_valid", "token": a3, "user_id": 1},
				djangoAction{"name": "refresh token consumed by restauth's rotation", "kind": "jwt_refresh_blacklisted", "token": r1},
				djangoAction{"name": "refresh token of restauth's logout", "kind": "jwt_refresh_blacklisted", "token": r2},
				djangoAction{"name": "erin's registration hash", "kind": "password", "user_id": erin, "password": erinPW, "wrong_password": frankPW},
				djangoAction{"name": "erin's address verified by restauth", "kind": "email_verified", "user_id": erin},
				djangoAction{"name": "erin's DRF key from her first login", "kind": "drf_token", "key": erinKey, "user_id": erin},
				djangoAction{"name": "erin's last_login (token login)", "kind": "last_login", "user_id": erin,
					"not_before": peerUnix(erinBefore), "not_after": peerUnix(erinAfter)},
				djangoAction{"name": "gina's mailed confirmation key", "kind": "confirmation_key", "key": ginaKey, "user_id": gina, "email": "gina@example.com"},
				djangoAction{"name": "frank's changed password", "kind": "password", "user_id": frank, "password": frankNew, "wrong_password": frankPW},
				djangoAction{"name": "frank's DRF key after logout", "kind": "drf_token_gone", "key": frankKey},
				djangoAction{"name": "bob's hash upgraded by restauth", "kind": "password", "user_id": 2, "password": bobPW, "wrong_password": alicePW},
				djangoAction{"name": "bob's mailed reset link", "kind": "reset_token", "uid": bobUID, "token": bobToken, "user_id": 2},
				djangoAction{"name": "alice's mailed reset link (two addresses)", "kind": "reset_token", "uid": aliceUID, "token": aliceToken, "user_id": 1},
			)
		})
	}
}

// algorithm is the hasher name of a Django password hash.
func hashAlgorithm(hash string) string {
	a, _, _ := strings.Cut(hash, "$")
	if strings.HasPrefix(hash, "!") {
		return "unusable"
	}
	return a
}

// TestRestauthReadsDjango has real Django, DRF, SimpleJWT and allauth code
// make credentials on the shared database (sessions, DRF keys, SimpleJWT
// tokens, reset tokens, confirmation keys, users) and end them (Django's
// logout, token deletion, blacklisting), and checks over real HTTP that
// restauth accepts and then refuses each, within the revocation bound.
func TestRestauthReadsDjango(t *testing.T) {
	djangoPython(t)
	f := loadFixture(t)
	alicePW := f.Users[0].Password
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			p := newDjangoPeer(t, f, a.server)
			// restauth logins that Django will rotate and log out.
			_, r4 := p.jwtLogin("alice", alicePW)
			a5, r5 := p.jwtLogin("alice", alicePW)
			if status, body, _ := p.jwt.do("GET", "/api/auth/user/", nil, "Authorization", "Bearer "+a5); status != http.StatusOK {
				t.Fatalf("user/ with restauth's access token: %d %v", status, body)
			}

			ivyPW, jackPW, hankPW := "Ivy-Django-Pass-9", "Jack-Django-Pass-10", "Hank-Django-Pass-11"
			made := p.requireDjango(
				djangoAction{"name": "ivy", "kind": "create_user", "username": "ivy", "email": "ivy@example.com", "password": ivyPW, "verified": true},
				djangoAction{"name": "jack", "kind": "create_user", "username": "jack", "email": "jack@example.com", "password": jackPW, "verified": true,
					"extra_emails": []string{"jack.work@example.com"}},
				djangoAction{"name": "hank", "kind": "create_user", "username": "hank", "email": "hank@example.com", "password": hankPW, "verified": false},
				djangoAction{"name": "session", "kind": "create_session", "username": "alice", "password": alicePW},
				djangoAction{"name": "drf key", "kind": "create_drf_token", "username": "dave"},
				djangoAction{"name": "jwt", "kind": "create_jwt", "username": "alice", "blacklist": false},
				djangoAction{"name": "blacklisted jwt", "kind": "create_jwt", "username": "alice", "blacklist": true},
				djangoAction{"name": "ivy's reset", "kind": "create_reset_token", "username": "ivy"},
				djangoAction{"name": "jack's reset (two addresses)", "kind": "create_reset_token", "username": "jack"},
				djangoAction{"name": "hank's confirmation", "kind": "create_confirmation_key", "email": "hank@example.com"},
				djangoAction{"name": "Django's rotation of restauth's refresh", "kind": "django_refresh", "token": r4},
			)
			if t.Failed() {
				t.FailNow()
			}
			sessionKey := djangoValue(t, made, "session", "session_key")
			daveKey := djangoValue(t, made, "drf key", "key")
			djAccess, djRefresh := djangoValue(t, made, "jwt", "access"), djangoValue(t, made, "jwt", "refresh")
			djBlacklisted := djangoValue(t, made, "blacklisted jwt", "refresh")
			r4Access, r4Refresh := djangoValue(t, made, "Django's rotation of restauth's refresh", "access"), djangoValue(t, made, "Django's rotation of restauth's refresh", "refresh")

			// Django's session cookie, DRF key and SimpleJWT tokens.
			status, body, _ := p.session.do("GET", "/api/auth/user/", nil, "Cookie", "sessionid="+sessionKey)
			if status != http.StatusOK || body["username"] != "alice" {
				t.Errorf("user/ with Django's session (Client().login): %d %v", status, body)
			}
			status, body, _ = p.token.do("GET", "/api/auth/user/", nil, "Authorization", "Token "+daveKey)
			if status != http.StatusOK || body["username"] != "dave" {
				t.Errorf("user/ with DRF's new key: %d %v", status, body)
			}
			status, body, _ = p.jwt.do("GET", "/api/auth/user/", nil, "Authorization", "Bearer "+djAccess)
			if status != http.StatusOK || body["username"] != "alice" {
				t.Errorf("user/ with SimpleJWT's access token: %d %v", status, body)
			}
			status, body, _, _ = p.refresh(djBlacklisted)
			if status != http.StatusUnauthorized {
				t.Errorf("refresh of the token Django blacklisted: %d %v", status, body)
			} else {
				sameJSON(t, "refresh of the token Django blacklisted", body, peerBlacklistedBody)
			}
			status, body, _, _ = p.refresh(djRefresh)
			if status != http.StatusOK {
				t.Errorf("refresh of SimpleJWT's live token: %d %v", status, body)
			}
			// restauth's refresh token that Django rotated (SimpleJWT keeps
			// every claim, restauth's "fam" included): the client goes on
			// with the pair Django issued, which SimpleJWT accepts, so
			// restauth must too; the consumed token is blacklisted.
			status, body, _ = p.jwt.do("GET", "/api/auth/user/", nil, "Authorization", "Bearer "+r4Access)
			if status != http.StatusOK {
				t.Errorf("user/ with the access token of Django's rotation of restauth's refresh: %d %v", status, body)
			}
			status, body, _, _ = p.refresh(r4Refresh)
			if status != http.StatusOK {
				t.Errorf("refresh of the token Django's rotation issued for restauth's login: %d %v", status, body)
			}
			status, body, _, _ = p.refresh(r4)
			if status != http.StatusUnauthorized {
				t.Errorf("refresh of restauth's token after Django rotated it: %d %v", status, body)
			} else {
				sameJSON(t, "refresh of restauth's token after Django rotated it", body, peerBlacklistedBody)
			}

			// allauth's reset tokens and confirmation key.
			ivyNew, jackNew := "Ivy-Reset-By-Restauth-12", "Jack-Reset-By-Restauth-13"
			for _, c := range []struct{ name, user, pw, old, newPW string }{
				{"ivy's reset", "ivy", ivyPW, ivyPW, ivyNew},
				{"jack's reset (two addresses)", "jack", jackPW, jackPW, jackNew},
			} {
				status, body, _ = p.token.do("POST", "/api/auth/password/reset/confirm/", map[string]string{
					"uid": djangoValue(t, made, c.name, "uid"), "token": djangoValue(t, made, c.name, "token"),
					"new_password1": c.newPW, "new_password2": c.newPW})
				if status != http.StatusOK {
					t.Errorf("reset confirm with allauth's link for %s: %d %v", c.user, status, body)
					continue
				}
				p.tokenLogin(c.user, c.newPW)
				status, body, _ = p.token.do("POST", "/api/auth/login/", map[string]string{"username": c.user, "password": c.old})
				if status != http.StatusBadRequest {
					t.Errorf("login of %s with the password before the reset: %d %v", c.user, status, body)
				}
			}
			status, body, _ = p.token.do("POST", "/api/auth/registration/verify-email/", map[string]string{"key": djangoValue(t, made, "hank's confirmation", "key")})
			if status != http.StatusOK {
				t.Errorf("verify-email with allauth's key: %d %v", status, body)
			} else {
				p.tokenLogin("hank", hankPW)
			}

			// Django ends credentials; restauth refuses them within the
			// revocation bound.
			ivy, hank := djangoValue(t, made, "ivy", "user_id"), djangoValue(t, made, "hank", "user_id")
			p.requireDjango(
				djangoAction{"name": "Django's logout of its session", "kind": "django_logout_session", "session_key": sessionKey, "user_id": 1},
				djangoAction{"name": "dj-rest-auth's logout of dave's key", "kind": "delete_drf_token", "key": daveKey},
				djangoAction{"name": "dj-rest-auth's logout of restauth's refresh token", "kind": "blacklist_jwt", "token": r5},
				djangoAction{"name": "SimpleJWT's token consumed by restauth's rotation", "kind": "jwt_refresh_blacklisted", "token": djRefresh},
				// restauth refreshed it above (rotation): consumed for Django too.
				djangoAction{"name": "Django's rotation of restauth's refresh: new refresh, rotated by restauth", "kind": "jwt_refresh_blacklisted", "token": r4Refresh},
				djangoAction{"name": "Django's rotation of restauth's refresh: new access", "kind": "jwt_access_valid", "token": r4Access, "user_id": 1},
				djangoAction{"name": "ivy's password set by restauth's reset", "kind": "password", "user_id": ivy, "password": ivyNew, "wrong_password": ivyPW},
				djangoAction{"name": "hank's address verified by restauth", "kind": "email_verified", "user_id": hank},
			)
			peerEventually(t, "user/ with the session Django logged out", func() string {
				if status, body, _ := p.session.do("GET", "/api/auth/user/", nil, "Cookie", "sessionid="+sessionKey); status != http.StatusForbidden {
					return fmt.Sprintf("%d %v, want 403", status, body)
				}
				return ""
			})
			peerEventually(t, "user/ with the DRF key Django deleted", func() string {
				if status, body, _ := p.token.do("GET", "/api/auth/user/", nil, "Authorization", "Token "+daveKey); status != http.StatusUnauthorized {
					return fmt.Sprintf("%d %v, want 401", status, body)
				}
				return ""
			})
			status, body, _, _ = p.refresh(r5)
			if status != http.StatusUnauthorized {
				t.Errorf("refresh of restauth's token after Django's logout blacklisted it: %d %v", status, body)
			} else {
				sameJSON(t, "refresh after Django's logout", body, peerBlacklistedBody)
			}
			// docs/django.md: a Django logout of restauth's refresh token
			// ends that login's access tokens within the bound.
			peerEventually(t, "user/ with the access token of the login Django logged out", func() string {
				if status, body, _ := p.jwt.do("GET", "/api/auth/user/", nil, "Authorization", "Bearer "+a5); status != http.StatusUnauthorized {
					return fmt.Sprintf("%d %v, want 401", status, body)
				}
				return ""
			})
		})
	}
}

// TestDjangoCheckRefuses checks that the harness reports failures: a
// forged session, a wrong password and an unknown DRF key are refused by
// Django, so a check that passes means something.
func TestDjangoCheckRefuses(t *testing.T) {
	f := loadFixture(t)
	p := newDjangoPeer(t, f, adapters[0].server)
	res := p.django(
		djangoAction{"name": "unknown session", "kind": "session", "session_key": strings.Repeat("a", 32), "user_id": 1},
		djangoAction{"name": "wrong password", "kind": "password", "user_id": 1, "password": "not-" + f.Users[0].Password},
		djangoAction{"name": "unknown key", "kind": "drf_token", "key": strings.Repeat("0", 40), "user_id": 1},
		djangoAction{"name": "fixture key, wrong user", "kind": "drf_token", "key": f.Users[0].DRFToken, "user_id": 2},
		djangoAction{"name": "tampered refresh", "kind": "jwt_refresh_valid", "token": f.JWT.LiveRefresh + "x", "user_id": 1},
		djangoAction{"name": "unknown kind", "kind": "no-such-kind"},
	)
	for name, r := range res {
		if r.OK {
			t.Errorf("Django accepted %s: %v", name, r.Info)
		}
	}
	// And passes the fixture's own, Django-made credentials.
	res = p.django(
		djangoAction{"name": "fixture session", "kind": "session", "session_key": f.Sessions[0].SessionKey, "user_id": 1},
		djangoAction{"name": "fixture key", "kind": "drf_token", "key": f.Users[0].DRFToken, "user_id": 1},
		djangoAction{"name": "fixture refresh", "kind": "jwt_refresh_valid", "token": f.JWT.LiveRefresh, "user_id": 1},
		djangoAction{"name": "fixture blacklisted", "kind": "jwt_refresh_blacklisted", "token": f.JWT.BlacklistedRefresh},
	)
	for name, r := range res {
		if !r.OK {
			t.Errorf("Django refused the fixture's %s: %s", name, r.Reason)
		}
	}
}
