package authtest

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// testStoreFailure checks that a failing store gives 503 with Retry-After
// and a generic body (never 200, never an anonymous 401), and that the same
// server recovers when the store does.
func (s *suite) testStoreFailure(t *testing.T) {
	fs := &failingStore{}
	e := s.newEnv(t, fs.install)
	alice := e.createUser(t, newUser("alice"))
	key := e.login(t, "alice", defaultPassword)
	auth := []string{"Authorization", tokenHeader(key)}
	loginBody := jsonObject("username", "alice", "password", defaultPassword)
	const unavailable = `{"detail":"Service temporarily unavailable, try again later."}`

	for _, tc := range []struct {
		name         string
		methods      []string
		method, path string
		body         string
		header       []string
	}{
		{"login by username", []string{"UserByUsername", "UserByEmail"}, http.MethodPost, e.path("login/"), loginBody, nil},
		{"login by email", []string{"UserByUsername", "UserByEmail"}, http.MethodPost, e.path("login/"),
			jsonObject("email", "alice@example.com", "password", defaultPassword), nil},
		{"login unknown user", []string{"UserByUsername", "UserByEmail"}, http.MethodPost, e.path("login/"),
			jsonObject("username", "nobody", "password", defaultPassword), nil},
		{"login token creation", []string{"CreateToken"}, http.MethodPost, e.path("login/"), loginBody, nil},
		{"login record", []string{"RecordLogin"}, http.MethodPost, e.path("login/"), loginBody, nil},
		{"user/ authentication", []string{"UserByToken"}, http.MethodGet, e.path("user/"), "", auth},
		{"user/ update", []string{"UpdateProfile"}, http.MethodPatch, e.path("user/"), `{"first_name":"Al"}`, auth},
		{"logout authentication", []string{"UserByToken"}, http.MethodPost, e.path("logout/"), "", auth},
		{"logout revocation", []string{"DeleteToken"}, http.MethodPost, e.path("logout/"), "", auth},
		{"protected route", []string{"UserByToken"}, http.MethodGet, "/api/protected/", "", auth},
		{"optional route", []string{"UserByToken"}, http.MethodGet, "/api/optional/", "", auth},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs.fail(tc.methods...)
			defer fs.clear()
			res := e.do(t, tc.method, tc.path, tc.body, tc.header...)
			res.want(t, http.StatusServiceUnavailable, unavailable)
			res.wantHeader(t, "Retry-After", "5")
			if bytes.Contains(res.body, []byte("refused")) || bytes.Contains(res.body, []byte("5432")) {
				t.Errorf("%s: the store error leaked into the body %s", res.req, res.body)
			}
		})
	}

	t.Run("a failed login leaves no token behind", func(t *testing.T) {
		bob := e.createUser(t, newUser("bob"))
		for _, method := range []string{"CreateToken", "RecordLogin"} {
			t.Run(method, func(t *testing.T) {
				fs.fail(method)
				e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "bob", "password", defaultPassword)).
					want(t, http.StatusServiceUnavailable, unavailable)
				fs.clear()
				n, err := e.store.DeleteUserTokens(t.Context(), bob.ID, "")
				switch {
				case err != nil:
					t.Fatal(err)
				case n != 0:
					t.Errorf("login failing at %s left %d stored token(s), want 0", method, n)
				}
			})
		}
	})

	t.Run("the cause is logged", func(t *testing.T) {
		if !strings.Contains(e.logs.String(), "connection refused") {
			t.Errorf("core did not log the store error; log:\n%s", e.logs.String())
		}
	})

	t.Run("recovers when the store does", func(t *testing.T) {
		fs.clear()
		k := e.login(t, "alice", defaultPassword)
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(k)).
			want(t, http.StatusOK, detailsJSON(alice.ID, "alice", "alice@example.com", "", ""))
		e.do(t, http.MethodGet, "/api/protected/", "", "Authorization", tokenHeader(key)).wantApp(t, map[string]string{"username": "alice"})
		e.do(t, http.MethodGet, "/api/optional/", "", "Authorization", tokenHeader(key)).wantApp(t, map[string]string{"user": "alice"})
	})
}
