package integration_test

import (
	"bufio"
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/djangosign"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// djangoHostile are the cases of the threat model's group O, in its
// order (docs/threat-model.md, "A database shared with Django").
var djangoHostile = []struct {
	id  string
	run func(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB)
}{
	{"T-DJ-01", testDjangoForgedSession},
	{"T-DJ-02", testDjangoSessionAfterPasswordChange},
	{"T-DJ-03", testDjangoBlacklistedByDjango},
	{"T-DJ-04", testDjangoConcurrentRefresh},
	{"T-DJ-05", testDjangoDeactivatedInDjango},
	{"T-DJ-06", testDjangoSessionFixation},
	{"T-DJ-07", testDjangoWrongDatabase},
	{"T-DJ-08", testDjangoKeysStayOutOfLogs},
	{"T-DJ-09", testDjangoConfirmationReplay},
	{"T-DJ-10", testDjangoPasswordChangeSharedKey},
}

// TestDjangoHostile runs group O through each adapter on each database.
func TestDjangoHostile(t *testing.T) {
	f := loadFixture(t)
	for _, c := range djangoHostile {
		t.Run(c.id, func(t *testing.T) {
			forEachDjango(t, func(t *testing.T, server authtest.Server, db sqltest.DB) { c.run(t, f, server, db) })
		})
	}
}

// TestDjangoHostileIDs: the threat model's group O and djangoHostile list
// the same cases in the same order (core/authtest leaves group O here).
func TestDjangoHostileIDs(t *testing.T) {
	fh, err := os.Open("../docs/threat-model.md")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	row := regexp.MustCompile(`^\| (T-DJ-\d\d) \|`)
	var documented, run []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if m := row.FindStringSubmatch(sc.Text()); m != nil {
			documented = append(documented, m[1])
		}
	}
	for _, c := range djangoHostile {
		run = append(run, c.id)
	}
	if !slices.Equal(documented, run) {
		t.Errorf("the threat model lists %v, the tests run %v", documented, run)
	}
}

// readEveryRequest makes the server read the store on every request, so
// that a change made by "Django" (SQL on its tables) is seen at once.
func readEveryRequest(c *core.Config) { c.RevocationStaleness = core.ReadEveryRequest }

func (s *djangoServer) exec(q string, args ...any) {
	s.t.Helper()
	if _, err := s.db.Exec(s.store.DB().Rebind(q), args...); err != nil {
		s.t.Fatalf("%s: %v", q, err)
	}
}

func (s *djangoServer) sessionCookie(h http.Header) string {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == "sessionid" && c.MaxAge >= 0 && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

func testDjangoForgedSession(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB) {
	s := newDjangoServer(t, f, server, db, core.MethodSession)
	key := f.Sessions[0].SessionKey
	data := s.query("SELECT session_data FROM django_session WHERE session_key = ?", key)
	cut := strings.LastIndex(data, ":")
	forgeries := map[string]string{
		"payload changed":   data[:5] + string(rune(data[5]^1)) + data[6:],
		"signature removed": data[:cut],
		"signature of another key": data[:cut+1] + func() string {
			other, _ := djangosign.NewSigner([]byte(strings.Repeat("x", 50)), "django.contrib.sessions.SessionStore")
			sig := other.DumpsInt(1)
			return sig[strings.LastIndex(sig, ":")+1:]
		}(),
	}
	for name, forged := range forgeries {
		s.exec("UPDATE django_session SET session_data = ? WHERE session_key = ?", forged, key)
		if status, body, _ := s.do("GET", "/api/auth/user/", nil, "Cookie", "sessionid="+key); status != http.StatusForbidden {
			t.Errorf("%s: user/ answered %d %v, want 403", name, status, body)
		}
	}
}

func testDjangoSessionAfterPasswordChange(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB) {
	s := newDjangoServerWith(t, f, server, db, readEveryRequest, core.MethodSession)
	djangoCookie := "sessionid=" + f.Sessions[0].SessionKey
	// restauth's own session for alice, then a password change with it.
	_, _, hdr := s.do("POST", "/api/auth/login/", f.Users[0].LoginTokens.Request)
	mine := s.sessionCookie(hdr)
	if mine == "" {
		t.Fatal("no session cookie at login")
	}
	csrf := strings.Repeat("aB3", 21) + "x" // 64 characters of [a-zA-Z0-9], Django's shape
	status, body, hdr := s.do("POST", "/api/auth/password/change/",
		map[string]string{"new_password1": "Another-Pass-9137", "new_password2": "Another-Pass-9137", "old_password": f.Users[0].Password},
		"Cookie", "sessionid="+mine+"; csrftoken="+csrf, "X-CSRFToken", csrf, "Origin", s.url, "Referer", s.url+"/")
	if status != http.StatusOK {
		t.Fatalf("password change: %d %v", status, body)
	}
	if again := s.sessionCookie(hdr); again != "" {
		mine = again
	}
	if status, body, _ := s.do("GET", "/api/auth/user/", nil, "Cookie", djangoCookie); status != http.StatusForbidden {
		t.Errorf("Django's session after restauth's password change: %d %v, want 403", status, body)
	}
	if status, body, _ := s.do("GET", "/api/auth/user/", nil, "Cookie", "sessionid="+mine); status != http.StatusOK {
		t.Errorf("the changing session itself: %d %v, want 200", status, body)
	}
	// And a change made by Django (another hash) ends restauth's session.
	s.exec("UPDATE auth_user SET password = ? WHERE id = 1", "pbkdf2_sha256$260000$otherSalt$AAAA")
	if status, body, _ := s.do("GET", "/api/auth/user/", nil, "Cookie", "sessionid="+mine); status != http.StatusForbidden {
		t.Errorf("restauth's session after Django's password change: %d %v, want 403", status, body)
	}
}

func testDjangoBlacklistedByDjango(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB) {
	s := newDjangoServerWith(t, f, server, db, readEveryRequest, core.MethodJWT)
	status, body, _ := s.do("POST", "/api/auth/login/", f.Users[0].LoginTokens.Request)
	if status != http.StatusOK {
		t.Fatalf("login: %d %v", status, body)
	}
	access, _ := body["access"].(string)
	refresh, _ := body["refresh"].(string)
	if status, _, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Bearer "+access); status != http.StatusOK {
		t.Fatalf("user/ with the new access token: %d", status)
	}
	// Django's logout: blacklist the outstanding row of the refresh token.
	id := s.query("SELECT id FROM token_blacklist_outstandingtoken WHERE jti = ?", jwtID(t, refresh))
	if id == "" {
		t.Fatal("restauth's refresh token has no outstanding row")
	}
	s.exec("INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id) VALUES (?, ?)", djangoNow(db), id)
	status, body, _ = s.do("POST", "/api/auth/token/refresh/", map[string]string{"refresh": refresh})
	if status != http.StatusUnauthorized || body["detail"] != "Token is blacklisted" {
		t.Errorf("refresh Django blacklisted: %d %v", status, body)
	}
	if status, body, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Bearer "+access); status != http.StatusUnauthorized {
		t.Errorf("access token of the login Django ended: %d %v, want 401", status, body)
	}
	// The fixture's token Django blacklisted is refused too.
	if status, _, _ := s.do("POST", "/api/auth/token/refresh/", map[string]string{"refresh": f.JWT.BlacklistedRefresh}); status != http.StatusUnauthorized {
		t.Errorf("the fixture's blacklisted token: %d", status)
	}
}

// djangoNow is a time argument Django's datetime column takes on db: a
// second after the servers' fixed clock.
func djangoNow(db sqltest.DB) any {
	at := fixtureTime.Add(time.Second)
	if db.Name == "SQLite" {
		return at.Format("2006-01-02 15:04:05.000000")
	}
	return at
}

func testDjangoConcurrentRefresh(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB) {
	s := newDjangoServer(t, f, server, db, core.MethodJWT)
	const n = 8
	var wg sync.WaitGroup
	codes := make(chan int, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", s.url+"/api/auth/token/refresh/", strings.NewReader(`{"refresh":"`+f.JWT.LiveRefresh+`"}`))
			req.Header.Set("Content-Type", "application/json")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				codes <- 0
				return
			}
			res.Body.Close()
			codes <- res.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	ok := 0
	for c := range codes {
		switch c {
		case http.StatusOK:
			ok++
		case http.StatusUnauthorized:
		default:
			t.Errorf("a concurrent refresh answered %d", c)
		}
	}
	if ok != 1 {
		t.Errorf("%d of %d concurrent refreshes of one Django token succeeded, want exactly 1", ok, n)
	}
}

func testDjangoDeactivatedInDjango(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB) {
	s := newDjangoServerWith(t, f, server, db, readEveryRequest, core.MethodToken, core.MethodSession, core.MethodJWT)
	s.exec("UPDATE auth_user SET is_active = ? WHERE id = 1", false)
	if status, body, _ := s.do("GET", "/api/auth/user/", nil, "Cookie", "sessionid="+f.Sessions[0].SessionKey); status != http.StatusForbidden && status != http.StatusUnauthorized {
		t.Errorf("session of a deactivated user: %d %v", status, body)
	}
	status, body, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Token "+f.Users[0].DRFToken)
	if status != http.StatusUnauthorized || body["detail"] != "User inactive or deleted." {
		t.Errorf("DRF key of a deactivated user: %d %v", status, body)
	}
	if status, body, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Bearer "+f.JWT.LiveAccess); status != http.StatusUnauthorized {
		t.Errorf("access token of a deactivated user: %d %v", status, body)
	}
}

func testDjangoSessionFixation(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB) {
	s := newDjangoServer(t, f, server, db, core.MethodSession)
	planted := strings.Repeat("a1", 16)
	if status, _, _ := s.do("GET", "/api/auth/user/", nil, "Cookie", "sessionid="+planted); status != http.StatusForbidden {
		t.Errorf("a planted session key authenticates: %d", status)
	}
	_, _, hdr := s.do("POST", "/api/auth/login/", f.Users[0].LoginTokens.Request, "Cookie", "sessionid="+planted)
	if got := s.sessionCookie(hdr); got == "" || got == planted {
		t.Errorf("login kept the planted key: %q", got)
	}
	if n := s.query("SELECT COUNT(*) FROM django_session WHERE session_key = ?", planted); n != "0" {
		t.Errorf("the planted key was stored: %s rows", n)
	}
	// Logging in over Django's live session cycles its key.
	old := f.Sessions[0].SessionKey
	_, _, hdr = s.do("POST", "/api/auth/login/", f.Users[0].LoginTokens.Request, "Cookie", "sessionid="+old)
	if got := s.sessionCookie(hdr); got == "" || got == old {
		t.Errorf("login over a live session kept its key")
	}
	if n := s.query("SELECT COUNT(*) FROM django_session WHERE session_key = ?", old); n != "0" {
		t.Errorf("the previous session row survived the login: %s", n)
	}
}

func testDjangoWrongDatabase(t *testing.T, f *fixture, _ authtest.Server, db sqltest.DB) {
	url := db.URL(t) // empty: no Django tables
	_, err := sqlstore.OpenDjango(context.Background(), url, sqlstore.DjangoConfig{SecretKey: []byte(f.SecretKey)}, db.Driver)
	if err == nil || !strings.Contains(err.Error(), "auth_user") {
		t.Fatalf("OpenDjango on an empty database: %v, want an error naming auth_user", err)
	}
	store := sqltest.Connect(t, url)
	var n int
	q := "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'auth%'"
	switch db.Name {
	case "SQLite":
		q = "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'auth%' OR name LIKE 'django%'"
	case "Postgres":
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND (table_name LIKE 'auth%' OR table_name LIKE 'django%')"
	}
	if err := store.DB().Get(&n, q); err != nil || n != 0 {
		t.Errorf("OpenDjango created %d Django tables (%v)", n, err)
	}
}

func testDjangoKeysStayOutOfLogs(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB) {
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := newDjangoServerWith(t, f, server, db, func(c *core.Config) { c.Logger = logger }, core.MethodToken)
	status, body, _ := s.do("POST", "/api/auth/login/", f.Users[0].LoginTokens.Request)
	key, _ := body["key"].(string)
	if status != http.StatusOK || key == "" {
		t.Fatalf("login: %d %v", status, body)
	}
	s.do("GET", "/api/auth/user/", nil, "Authorization", "Token "+key)
	s.do("GET", "/api/auth/user/", nil, "Authorization", "Token "+strings.Repeat("0", 40))
	s.do("POST", "/api/auth/logout/", nil, "Authorization", "Token "+key)
	s.auth.Close(context.Background())
	mu.Lock()
	defer mu.Unlock()
	for _, secret := range []string{key, key[:16], f.Users[0].Password} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the logs hold a DRF key or password (%.4s…)", secret)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func testDjangoConfirmationReplay(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB) {
	s := newDjangoServerWith(t, f, server, db, readEveryRequest, core.MethodToken)
	// alice's address is verified: a key for it (as allauth would sign
	// it) changes nothing.
	signer, err := djangosign.NewSigner([]byte(f.SecretKey), djangosign.AllauthSalt, djangosign.WithClock(func() time.Time { return fixtureTime }))
	if err != nil {
		t.Fatal(err)
	}
	if status, body, _ := s.do("POST", "/api/auth/registration/verify-email/", map[string]string{"key": signer.DumpsInt(1)}); status != http.StatusNotFound {
		t.Errorf("key of a verified address: %d %v", status, body)
	}
	// bob changes his email in Django; the key mailed for the old
	// address verifies nothing.
	s.exec("UPDATE auth_user SET email = ? WHERE id = 2", "bob.new@example.com")
	if status, body, _ := s.do("POST", "/api/auth/registration/verify-email/", map[string]string{"key": f.EmailConfirmation.BobKey}); status != http.StatusNotFound {
		t.Errorf("key of bob's previous address: %d %v", status, body)
	}
	if v := s.query("SELECT verified FROM account_emailaddress WHERE id = 2"); v == "1" || v == "true" || v == "t" {
		t.Errorf("the old address was verified: %q", v)
	}
}

func testDjangoPasswordChangeSharedKey(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB) {
	alice := f.Users[0]
	change := map[string]string{"new_password1": "Another-Pass-9137", "new_password2": "Another-Pass-9137", "old_password": alice.Password}
	login := func(s *djangoServer) string {
		t.Helper()
		status, body, _ := s.do("POST", "/api/auth/login/", alice.LoginTokens.Request)
		key, _ := body["key"].(string)
		if status != http.StatusOK || key == "" {
			t.Fatalf("login: %d %v", status, body)
		}
		return key
	}
	for _, logoutToo := range []bool{true, false} {
		s := newDjangoServerWith(t, f, server, db, func(c *core.Config) {
			readEveryRequest(c)
			c.LogoutOnPasswordChange = logoutToo
		}, core.MethodToken)
		owner, other := login(s), login(s) // another device: the same DRF key
		if owner != other {
			t.Fatalf("two logins got two keys: %s, %s", owner, other)
		}
		if status, body, _ := s.do("POST", "/api/auth/password/change/", change, "Authorization", "Token "+owner); status != http.StatusOK {
			t.Fatalf("password change: %d %v", status, body)
		}
		status, body, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Token "+other)
		rows := s.query("SELECT COUNT(*) FROM authtoken_token WHERE user_id = 1")
		switch {
		case logoutToo && (status != http.StatusUnauthorized || rows != "0"):
			t.Errorf("LogoutOnPasswordChange: the shared key answered %d %v, %s rows left; want 401 and none", status, body, rows)
		case !logoutToo && (status != http.StatusOK || rows != "1"):
			t.Errorf("default: the shared key answered %d %v, %s rows; want it kept, as DRF keeps it", status, body, rows)
		}
	}
}
