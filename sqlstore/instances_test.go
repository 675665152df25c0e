package sqlstore_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// TestInstancesShareSessionsAndLogouts runs three restauth servers, each
// with its own pool on the same database (SQLite: one file), as three app
// instances behind a load balancer: a session, a DB token and a JWT login
// made on one work on the others, and a logout on one is seen by the
// others within RevocationStaleness (the instance that logged out: at
// once). (The integration module's TestThreeInstances measures the
// delays, with and without Redis carrying the feed's wake-ups.)
func TestInstancesShareSessionsAndLogouts(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			url := db.URL(t)
			a, b, c := newInstance(t, url), newInstance(t, url), newInstance(t, url)
			if _, err := a.auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Email: "alice@example.com", Password: "Secret-pass-123", EmailVerified: true}); err != nil {
				t.Fatal(err)
			}
			res := a.post(t, "/api/auth/login/", `{"username":"alice","password":"Secret-pass-123"}`, "")
			if res.StatusCode != http.StatusOK {
				t.Fatalf("login on A: %d", res.StatusCode)
			}
			var body struct{ Access, Key string }
			if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			var sid, csrf string
			for _, c := range res.Cookies() {
				switch c.Name {
				case "sessionid":
					sid = c.Value
				case "csrftoken":
					csrf = c.Value
				}
			}
			creds := map[string][2]string{
				"session": {"Cookie", "sessionid=" + sid},
				"token":   {"Authorization", "Token " + body.Key},
				"jwt":     {"Authorization", "Bearer " + body.Access},
			}
			others := map[string]*instance{"B": b, "C": c}
			for name, h := range creds {
				for in, other := range others {
					if got := other.get(t, "/api/auth/user/", h); got != http.StatusOK {
						t.Errorf("%s made on A, used on %s: %d", name, in, got)
					}
				}
			}
			// Log out on B with the session (and CSRF): B refuses it at
			// once, A and C within the bound.
			out := b.post(t, "/api/auth/logout/", "", "sessionid="+sid+"; csrftoken="+csrf, "X-CSRFToken", csrf)
			if out.StatusCode != http.StatusOK {
				t.Fatalf("logout on B: %d", out.StatusCode)
			}
			if got := b.get(t, "/api/auth/user/", creds["session"]); got != http.StatusUnauthorized {
				t.Errorf("session on B after logout on B: %d, want 401", got)
			}
			sessionDeadline := time.Now().Add(core.DefaultRevocationStaleness)
			for in, other := range map[string]*instance{"A": a, "C": c} {
				if got := other.getUntil(t, "/api/auth/user/", creds["session"], http.StatusUnauthorized, time.Until(sessionDeadline)); got != http.StatusUnauthorized {
					t.Errorf("session on %s after logout on B: %d, want 401 within RevocationStaleness", in, got)
				}
			}
			// The token and the JWT login are separate credentials: log them
			// out on A, B and C refuse them.
			a.post(t, "/api/auth/logout/", "", "", "Authorization", "Token "+body.Key)
			a.post(t, "/api/auth/logout/", "", "", "Authorization", "Bearer "+body.Access)
			deadline := time.Now().Add(core.DefaultRevocationStaleness)
			for _, name := range []string{"token", "jwt"} {
				for in, other := range others {
					if got := other.getUntil(t, "/api/auth/user/", creds[name], http.StatusUnauthorized, time.Until(deadline)); got != http.StatusUnauthorized {
						t.Errorf("%s on %s after logout on A: %d, want 401 within RevocationStaleness", name, in, got)
					}
				}
			}
		})
	}
}

// instance is one app server with its own store and pool.
type instance struct {
	auth *core.Auth
	srv  *httptest.Server
}

func newInstance(t *testing.T, url string) *instance {
	t.Helper()
	store := sqltest.Open(t, url)
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	auth, err := core.New(core.Config{
		Store: store, Passwords: policy, SecretKey: []byte("two-instances-share-this-secret-key-0123456789"),
		Methods: []core.Method{core.MethodJWT, core.MethodToken, core.MethodSession},
		Session: core.SessionConfig{Store: store.SessionStore()},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(auth.Handler())
	t.Cleanup(srv.Close)
	return &instance{auth: auth, srv: srv}
}

func (in *instance) get(t *testing.T, path string, header [2]string) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, in.srv.URL+path, nil)
	req.Header.Set(header[0], header[1])
	res, err := in.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

func (in *instance) post(t *testing.T, path, body, cookie string, header ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, in.srv.URL+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := in.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res
}
