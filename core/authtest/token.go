package authtest

import (
	"net/http"
	"strings"
	"testing"
)

// testTokenHeader checks DRF's TokenAuthentication as the first (default)
// method, on GET user/.
func (s *suite) testTokenHeader(t *testing.T) {
	e := s.newEnv(t)
	alice := e.createUser(t, newUser("alice"))
	e.createUser(t, newUser("bob"))
	e.createUser(t, newUser("carol"))
	key := e.login(t, "alice", defaultPassword)
	user := e.path("user/")
	aliceJSON := detailsJSON(alice.ID, "alice", "alice@example.com", "", "")

	reject := func(t *testing.T, res *response, detail string) {
		t.Helper()
		res.want(t, http.StatusUnauthorized, `{"detail":"`+detail+`"}`)
		res.wantHeader(t, "WWW-Authenticate", "Token")
		res.wantHeader(t, "Allow", "GET, PUT, PATCH, HEAD, OPTIONS")
	}

	t.Run("rejected", func(t *testing.T) {
		for _, tc := range []struct{ name, header, detail string }{
			{"no credentials", "", "Authentication credentials were not provided."},
			{"keyword only", "Token", "Invalid token header. No credentials provided."},
			{"key with spaces", "Token a b", "Invalid token header. Token string should not contain spaces."},
			{"unknown key", "Token deadbeef", "Invalid token."},
			{"unknown key of the right shape", "Token " + strings.Repeat("0", 40), "Invalid token."},
			{"key in upper case", "Token " + strings.ToUpper(key), "Invalid token."},
			{"key not UTF-8", "Token \xff\xfe", "Invalid token header. Token string should not contain invalid characters."},
			{"Bearer is not handled", "Bearer " + key, "Authentication credentials were not provided."},
			{"Basic is not handled", "Basic YWxpY2U6eA==", "Authentication credentials were not provided."},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var header []string
				if tc.header != "" {
					header = []string{"Authorization", tc.header}
				}
				reject(t, e.do(t, http.MethodGet, user, "", header...), tc.detail)
			})
		}
	})

	t.Run("accepted", func(t *testing.T) {
		for _, tc := range []struct{ name, header string }{
			{"Token", "Token " + key},
			{"lowercase keyword", "token " + key},
			{"uppercase keyword", "TOKEN " + key},
			{"extra white space", "Token   " + key},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := e.do(t, http.MethodGet, user, "", "Authorization", tc.header)
				res.want(t, http.StatusOK, aliceJSON)
				res.wantHeader(t, "WWW-Authenticate", "")
			})
		}
	})

	t.Run("token in query or cookie is ignored", func(t *testing.T) {
		reject(t, e.do(t, http.MethodGet, user+"?token="+key+"&key="+key, ""), "Authentication credentials were not provided.")
		reject(t, e.do(t, http.MethodGet, user, "", "Cookie", "token="+key+"; auth_token="+key+"; sessionid="+key),
			"Authentication credentials were not provided.")
	})

	t.Run("deactivated user loses its tokens", func(t *testing.T) {
		bob, err := e.store.UserByUsername(t.Context(), "bob")
		if err != nil {
			t.Fatal(err)
		}
		bobKey := e.login(t, "bob", defaultPassword)
		if err := e.auth.Deactivate(t.Context(), bob.ID); err != nil {
			t.Fatal(err)
		}
		reject(t, e.do(t, http.MethodGet, user, "", "Authorization", tokenHeader(bobKey)), "Invalid token.")
	})

	t.Run("inactive user keeping a token", func(t *testing.T) {
		carol, err := e.store.UserByUsername(t.Context(), "carol")
		if err != nil {
			t.Fatal(err)
		}
		carolKey := e.login(t, "carol", defaultPassword)
		if err := e.store.SetActive(t.Context(), carol.ID, false); err != nil {
			t.Fatal(err)
		}
		reject(t, e.do(t, http.MethodGet, user, "", "Authorization", tokenHeader(carolKey)), "User inactive or deleted.")
	})
}
