package integration_test

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// fixture is what Django, DRF, SimpleJWT, allauth and dj-rest-auth wrote
// and answered for the Django-made test database
// (sqlstore/testdata/django/fixture-expectations.json).
type fixture struct {
	SecretKey string `json:"secret_key"`
	Users     []struct {
		ID          int64  `json:"id"`
		Username    string `json:"username"`
		Password    string `json:"password"`
		DRFToken    string `json:"drf_token"`
		LoginTokens struct {
			Request map[string]string `json:"request"`
			Status  int               `json:"status"`
			Body    map[string]any    `json:"body"`
		} `json:"login_token_mode"`
	} `json:"users"`
	DRFTokens []struct {
		Key    string `json:"key"`
		Expect struct {
			Status int            `json:"status"`
			Body   map[string]any `json:"body"`
		} `json:"expect"`
	} `json:"drf_tokens"`
	Sessions []struct {
		SessionKey string `json:"session_key"`
		CookieName string `json:"cookie_name"`
		Expect     struct {
			Status         int            `json:"status"`
			Body           map[string]any `json:"body"`
			TamperedStatus int            `json:"tampered_session_data_status"`
		} `json:"expect"`
	} `json:"sessions"`
	JWT struct {
		BlacklistedRefresh string `json:"blacklisted_refresh"`
		LiveRefresh        string `json:"live_refresh"`
		LiveAccess         string `json:"live_access"`
		RotatedRefresh     string `json:"rotated_refresh"`
		RotatedJTI         string `json:"rotated_jti_without_outstanding_row"`
		Expect             struct {
			Blacklisted struct {
				Status int            `json:"status"`
				Body   map[string]any `json:"body"`
			} `json:"refresh_blacklisted"`
			Live struct {
				Status   int      `json:"status"`
				BodyKeys []string `json:"body_keys"`
			} `json:"refresh_live"`
			LiveAgain struct {
				Status int            `json:"status"`
				Body   map[string]any `json:"body"`
			} `json:"refresh_live_again"`
			Rotated struct {
				Status int `json:"status"`
			} `json:"refresh_rotated_without_row"`
			UserWithAccess struct {
				Status int            `json:"status"`
				Body   map[string]any `json:"body"`
			} `json:"user_with_live_access"`
		} `json:"expect"`
	} `json:"jwt"`
	EmailConfirmation struct {
		BobKey      string `json:"bob_hmac_key"`
		ExpectAtGen struct {
			Status int            `json:"status"`
			Body   map[string]any `json:"body"`
		} `json:"expect_at_generation_time"`
		BobLoginAfter struct {
			Status int            `json:"status"`
			Body   map[string]any `json:"body"`
		} `json:"bob_login_after_verify"`
	} `json:"email_confirmation"`
	SideEffects struct {
		BobHashAfterFailedLogin string `json:"bob_hash_after_failed_login"`
		AliceLastLoginUpdated   bool   `json:"alice_last_login_updated_by_token_login"`
		LoginALICE              int    `json:"login_with_username_ALICE"`
	} `json:"side_effects_observed"`
}

// fixtureTime is when the fixture's credentials were made (the iat of its
// JWTs and the timestamp of bob's confirmation key), plus an hour: the
// servers run on this clock, so the 3-day confirmation key is valid
// whatever day the tests run.
var fixtureTime = time.Unix(1796582311, 0).Add(time.Hour).UTC()

func loadFixture(t *testing.T) *fixture {
	t.Helper()
	raw, err := os.ReadFile("../sqlstore/testdata/django/fixture-expectations.json")
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return &f
}

// djangoServer is one restauth server on a fresh copy of the Django
// fixture database.
type djangoServer struct {
	t     *testing.T
	url   string
	db    *sql.DB
	store *sqlstore.DjangoStore
	auth  *core.Auth
}

// newDjangoServer opens a fresh Django database on db (the fixture's
// rows) and serves restauth on it through server in the given methods.
func newDjangoServer(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB, methods ...core.Method) *djangoServer {
	t.Helper()
	return newDjangoServerWith(t, f, server, db, nil, methods...)
}

// newDjangoServerWith is newDjangoServer with edit applied to the
// configuration (nil: none).
func newDjangoServerWith(t *testing.T, f *fixture, server authtest.Server, db sqltest.DB, edit func(*core.Config), methods ...core.Method) *djangoServer {
	t.Helper()
	url := db.DjangoURL(t)
	store, err := sqlstore.OpenDjango(context.Background(), url, sqlstore.DjangoConfig{SecretKey: []byte(f.SecretKey)}, db.Driver)
	if err != nil {
		t.Fatalf("OpenDjango: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	cfg := core.Config{
		Store:           store,
		SecretKey:       []byte(f.SecretKey),
		Methods:         methods,
		InsecureCookies: true,
		Now:             func() time.Time { return fixtureTime },
		Session:         core.SessionConfig{Store: store.SessionStore(sqlstore.WithSessionClock(func() time.Time { return fixtureTime }))},
		JWT: core.JWTConfig{
			SigningKey: []byte(f.SecretKey), NotHTTPOnly: true, ReturnExpiration: true,
			AccessLifetime: 15 * time.Minute, RefreshLifetime: 7 * 24 * time.Hour,
		},
		EmailVerification: core.VerifyMandatory,
		Throttle:          core.ThrottleConfig{Disabled: true},
		Accounts:          core.AccountConfig{Mailer: mail.NewOutbox(), SynchronousMail: true, FrontendURL: "http://app.example"},
		Logger:            slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if edit != nil {
		edit(&cfg)
	}
	h, a := server(t, cfg)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &djangoServer{t: t, url: ts.URL, db: store.DB().DB, store: store, auth: a}
}

// do sends a request and decodes the JSON answer (nil for none).
func (s *djangoServer) do(method, path string, body any, header ...string) (int, map[string]any, http.Header) {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = strings.NewReader(string(raw))
	}
	req, err := http.NewRequest(method, s.url+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			s.t.Fatalf("%s %s: %d %q is not a JSON object", method, path, res.StatusCode, raw)
		}
	}
	return res.StatusCode, out, res.Header
}

// query reads one value from the Django database.
func (s *djangoServer) query(q string, args ...any) string {
	s.t.Helper()
	var v sql.NullString
	if err := s.db.QueryRow(s.store.DB().Rebind(q), args...).Scan(&v); err != nil && err != sql.ErrNoRows {
		s.t.Fatalf("%s: %v", q, err)
	}
	return v.String
}

func sameJSON(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s: body %s, Django answered %s", what, g, w)
	}
}

// forEachDjango runs f for each adapter on a Django database of each
// kind, as subtests <adapter>/<database>.
func forEachDjango(t *testing.T, f func(t *testing.T, server authtest.Server, db sqltest.DB)) {
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			for _, db := range sqltest.All() {
				t.Run(db.Name, func(t *testing.T) {
					db.RequireServer(t)
					f(t, a.server, db)
				})
			}
		})
	}
}

// TestDjangoFixtureTokenMode checks the token-mode expectations: logins
// of the four users, DRF keys Django created, the side effects Django
// showed, and allauth's confirmation key.
func TestDjangoFixtureTokenMode(t *testing.T) {
	f := loadFixture(t)
	forEachDjango(t, func(t *testing.T, server authtest.Server, db sqltest.DB) {
		s := newDjangoServer(t, f, server, db, core.MethodToken)
		for _, u := range f.Users {
			status, body, _ := s.do("POST", "/api/auth/login/", u.LoginTokens.Request)
			if status != u.LoginTokens.Status {
				t.Errorf("login %s: %d %v, Django answered %d", u.Username, status, body, u.LoginTokens.Status)
				continue
			}
			sameJSON(t, "login "+u.Username, body, u.LoginTokens.Body)
		}
		if got := s.query("SELECT last_login FROM auth_user WHERE id = 1"); got == "" || strings.HasPrefix(got, "2026-12-06 18:38:31") || strings.HasPrefix(got, "2026-12-06T18:38:31") {
			t.Errorf("alice's last_login %q not updated by the token login", got)
		}
		if got := s.query("SELECT password FROM auth_user WHERE id = 2"); !strings.HasPrefix(got, f.SideEffects.BobHashAfterFailedLogin+"$") {
			t.Logf("bob's hash after the refused login: %.14s… (Django re-hashed to %s)", got, f.SideEffects.BobHashAfterFailedLogin)
		}
		status, body, _ := s.do("POST", "/api/auth/login/", map[string]string{"username": "ALICE", "password": f.Users[0].Password})
		if status != f.SideEffects.LoginALICE {
			t.Errorf("login ALICE: %d %v, Django answered %d", status, body, f.SideEffects.LoginALICE)
		}
		for _, tok := range f.DRFTokens {
			status, body, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Token "+tok.Key)
			if status != tok.Expect.Status {
				t.Errorf("user/ with %.8s…: %d %v", tok.Key, status, body)
				continue
			}
			sameJSON(t, "user/ with a DRF key", body, tok.Expect.Body)
		}
		// bob verifies with the key allauth mailed, then logs in and
		// gets the key DRF created for him.
		status, body, _ = s.do("POST", "/api/auth/registration/verify-email/", map[string]string{"key": f.EmailConfirmation.BobKey})
		if status != f.EmailConfirmation.ExpectAtGen.Status {
			t.Fatalf("verify-email with allauth's key: %d %v", status, body)
		}
		sameJSON(t, "verify-email", body, f.EmailConfirmation.ExpectAtGen.Body)
		status, body, _ = s.do("POST", "/api/auth/login/", f.Users[1].LoginTokens.Request)
		if status != f.EmailConfirmation.BobLoginAfter.Status {
			t.Fatalf("bob's login after verifying: %d %v", status, body)
		}
		sameJSON(t, "bob's login after verifying", body, f.EmailConfirmation.BobLoginAfter.Body)
		// Logout deletes the shared key (DRF's one token per user): Django
		// refuses it from then on too.
		key := f.Users[0].DRFToken
		if status, body, _ := s.do("POST", "/api/auth/logout/", nil, "Authorization", "Token "+key); status != http.StatusOK {
			t.Fatalf("logout: %d %v", status, body)
		}
		if got := s.query("SELECT COUNT(*) FROM authtoken_token WHERE user_id = 1"); got != "0" {
			t.Errorf("alice's authtoken_token rows after logout: %s", got)
		}
		if status, _, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Token "+key); status != http.StatusUnauthorized {
			t.Errorf("user/ with the logged-out key: %d", status)
		}
		// A new login creates the one key DRF will find.
		status, body, _ = s.do("POST", "/api/auth/login/", f.Users[0].LoginTokens.Request)
		newKey, _ := body["key"].(string)
		if status != http.StatusOK || newKey == "" || newKey == key {
			t.Fatalf("login after logout: %d %v", status, body)
		}
		if got := s.query("SELECT t.key FROM authtoken_token t WHERE t.user_id = 1"); got != newKey {
			t.Errorf("authtoken_token holds %.8s…, login answered %.8s…", got, newKey)
		}
	})
}

// TestDjangoFixtureSessionMode checks that Django's session cookie
// authenticates, that tampered session data does not, and that a
// session restauth starts is a Django session row.
func TestDjangoFixtureSessionMode(t *testing.T) {
	f := loadFixture(t)
	forEachDjango(t, func(t *testing.T, server authtest.Server, db sqltest.DB) {
		s := newDjangoServer(t, f, server, db, core.MethodSession)
		sess := f.Sessions[0]
		cookie := sess.CookieName + "=" + sess.SessionKey
		status, body, _ := s.do("GET", "/api/auth/user/", nil, "Cookie", cookie)
		if status != sess.Expect.Status {
			t.Fatalf("user/ with Django's session: %d %v", status, body)
		}
		sameJSON(t, "user/ with Django's session", body, sess.Expect.Body)

		// restauth's login writes a session Django can read.
		status, _, hdr := s.do("POST", "/api/auth/login/", f.Users[0].LoginTokens.Request)
		if status != http.StatusNoContent && status != http.StatusOK {
			t.Fatalf("session login: %d", status)
		}
		var newKey string
		for _, c := range (&http.Response{Header: hdr}).Cookies() {
			if c.Name == sess.CookieName {
				newKey = c.Value
			}
		}
		if len(newKey) != 32 {
			t.Fatalf("session cookie %q", newKey)
		}
		if data := s.query("SELECT session_data FROM django_session WHERE session_key = ?", newKey); strings.Count(data, ":") < 2 {
			t.Errorf("restauth's session row does not hold Django's signed data: %.20q", data)
		}

		// Tampered data: the signature fails, the session is anonymous.
		if _, err := s.db.Exec(s.store.DB().Rebind("UPDATE django_session SET session_data = ? WHERE session_key = ?"),
			"x"+s.query("SELECT session_data FROM django_session WHERE session_key = ?", sess.SessionKey), sess.SessionKey); err != nil {
			t.Fatal(err)
		}
		if status, body, _ := s.do("GET", "/api/auth/user/", nil, "Cookie", cookie); status != sess.Expect.TamperedStatus {
			t.Errorf("user/ with tampered session data: %d %v, Django answered %d", status, body, sess.Expect.TamperedStatus)
		}
	})
}

// TestDjangoFixtureJWTMode checks SimpleJWT's blacklist both ways.
func TestDjangoFixtureJWTMode(t *testing.T) {
	f := loadFixture(t)
	forEachDjango(t, func(t *testing.T, server authtest.Server, db sqltest.DB) {
		s := newDjangoServer(t, f, server, db, core.MethodJWT)
		j := f.JWT
		status, body, _ := s.do("POST", "/api/auth/token/refresh/", map[string]string{"refresh": j.BlacklistedRefresh})
		if status != j.Expect.Blacklisted.Status {
			t.Errorf("refresh of the token Django blacklisted: %d %v", status, body)
		}
		sameJSON(t, "refresh of a blacklisted token", body, j.Expect.Blacklisted.Body)

		status, body, _ = s.do("GET", "/api/auth/user/", nil, "Authorization", "Bearer "+j.LiveAccess)
		if status != j.Expect.UserWithAccess.Status {
			t.Errorf("user/ with Django's access token: %d %v", status, body)
		}
		sameJSON(t, "user/ with Django's access token", body, j.Expect.UserWithAccess.Body)

		status, body, _ = s.do("POST", "/api/auth/token/refresh/", map[string]string{"refresh": j.LiveRefresh})
		if status != j.Expect.Live.Status {
			t.Fatalf("refresh of Django's live token: %d %v", status, body)
		}
		for _, k := range j.Expect.Live.BodyKeys {
			if _, ok := body[k]; !ok {
				t.Errorf("refresh answer lacks %q: %v", k, body)
			}
		}
		newRefresh, _ := body["refresh"].(string)
		status, body, _ = s.do("POST", "/api/auth/token/refresh/", map[string]string{"refresh": j.LiveRefresh})
		if status != j.Expect.LiveAgain.Status {
			t.Errorf("second refresh of the same token: %d %v", status, body)
		}
		sameJSON(t, "second refresh", body, j.Expect.LiveAgain.Body)

		status, body, _ = s.do("POST", "/api/auth/token/refresh/", map[string]string{"refresh": j.RotatedRefresh})
		if status != j.Expect.Rotated.Status {
			t.Errorf("refresh of the rotated token without a row: %d %v", status, body)
		}
		if got := s.query(`SELECT COUNT(*) FROM token_blacklist_outstandingtoken o
			JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id
			WHERE o.jti = ? AND o.user_id IS NULL AND o.created_at IS NULL`, j.RotatedJTI); got != "1" {
			t.Errorf("rotated token: %s user-less blacklisted rows, want 1 (as SimpleJWT writes)", got)
		}

		// The refresh token restauth issued is in Django's outstanding
		// table; logging out with it blacklists it there.
		jti := jwtID(t, newRefresh)
		if got := s.query("SELECT COUNT(*) FROM token_blacklist_outstandingtoken WHERE jti = ? AND user_id = 1", jti); got != "1" {
			t.Errorf("restauth's refresh token: %s outstanding rows, want 1", got)
		}
		if status, body, _ := s.do("POST", "/api/auth/logout/", map[string]string{"refresh": newRefresh}); status != http.StatusOK {
			t.Fatalf("logout: %d %v", status, body)
		}
		if got := s.query(`SELECT COUNT(*) FROM token_blacklist_blacklistedtoken b
			JOIN token_blacklist_outstandingtoken o ON o.id = b.token_id WHERE o.jti = ?`, jti); got != "1" {
			t.Errorf("restauth's refresh token after logout: %s blacklisted rows, want 1", got)
		}
	})
}

// jwtID returns the jti claim of a JWT, unverified.
func jwtID(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %.10q", token)
	}
	raw, err := base64URL(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		JTI string `json:"jti"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatal(err)
	}
	return claims.JTI
}

func base64URL(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(s)
}

// TestDjangoChangesWithinBound: the Django schema has no change feed
// (Django writes none), so a change the Django side makes is enforced once
// the cached entry is older than Config.RevocationStaleness (default 1 s):
// a deactivation in Django's admin (is_active) and a logout there
// (SimpleJWT's blacklist). Reports the delay observed.
func TestDjangoChangesWithinBound(t *testing.T) {
	f := loadFixture(t)
	forEachDjango(t, func(t *testing.T, server authtest.Server, db sqltest.DB) {
		// The real clock: the cache's bound is measured by Config.Now.
		s := newDjangoServerWith(t, f, server, db, func(c *core.Config) { c.Now = nil }, core.MethodToken, core.MethodJWT)
		within := func(what string, check func() int) {
			t.Helper()
			start := time.Now()
			for check() != http.StatusUnauthorized {
				if time.Since(start) > core.DefaultRevocationStaleness+2*time.Second {
					t.Fatalf("%s: still accepted after %v", what, time.Since(start))
				}
				time.Sleep(10 * time.Millisecond)
			}
			delay := time.Since(start)
			t.Logf("%s: refused %v after Django's change (bound %v)", what, delay.Round(time.Millisecond), core.DefaultRevocationStaleness)
			if delay > core.DefaultRevocationStaleness+500*time.Millisecond {
				t.Errorf("%s: refused only after %v, bound %v", what, delay, core.DefaultRevocationStaleness)
			}
		}

		// A restauth JWT login, read once so the cache holds it.
		status, body, _ := s.do("POST", "/api/auth/login/", map[string]string{"username": "alice", "password": f.Users[0].Password})
		access, _ := body["access"].(string)
		refresh, _ := body["refresh"].(string)
		if status != http.StatusOK || access == "" {
			t.Fatalf("login: %d %v", status, body)
		}
		if status, _, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Bearer "+access); status != http.StatusOK {
			t.Fatalf("user/: %d", status)
		}
		id := s.query("SELECT id FROM token_blacklist_outstandingtoken WHERE jti = ?", jwtID(t, refresh))
		now := any(time.Now().UTC())
		if db.Name == "SQLite" {
			now = time.Now().UTC().Format("2006-01-02 15:04:05.000000")
		}
		s.exec("INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id) VALUES (?, ?)", now, id)
		within("access token after Django's logout", func() int {
			status, _, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Bearer "+access)
			return status
		})

		// bob's DRF key, then his deactivation in Django's admin.
		key := f.DRFTokens[1].Key
		if status, _, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Token "+key); status != http.StatusOK {
			t.Fatalf("user/ with bob's key: %d", status)
		}
		s.exec("UPDATE auth_user SET is_active = ? WHERE id = 2", false)
		within("DRF key after deactivation in Django", func() int {
			status, _, _ := s.do("GET", "/api/auth/user/", nil, "Authorization", "Token "+key)
			return status
		})
	})
}
