package authtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// detailsJSON is dj-rest-auth's user representation, byte for byte.
func detailsJSON(pk int64, username, email, first, last string) string {
	b, _ := json.Marshal(struct {
		PK        int64  `json:"pk"`
		Username  string `json:"username"`
		Email     string `json:"email"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	}{pk, username, email, first, last})
	return string(b)
}

// testUserDetails checks GET/PUT/PATCH user/.
func (s *suite) testUserDetails(t *testing.T) {
	e := s.newEnv(t)
	alice := e.createUser(t, newUser("alice"))
	e.createUser(t, newUser("bob"))
	key := e.login(t, "alice", defaultPassword)
	user := e.path("user/")
	auth := []string{"Authorization", tokenHeader(key)}
	const allow = "GET, PUT, PATCH, HEAD, OPTIONS"

	// call sends an authenticated request to user/ and checks the answer
	// and its Allow header.
	call := func(t *testing.T, method, body string, status int, want string) {
		t.Helper()
		res := e.do(t, method, user, body, auth...)
		res.want(t, status, want)
		res.wantHeader(t, "Allow", allow)
	}
	details := func(username, first, last string) string {
		return detailsJSON(alice.ID, username, "alice@example.com", first, last)
	}

	t.Run("GET", func(t *testing.T) {
		if alice.ID != 1 {
			t.Logf("note: the store's first user has pk %d", alice.ID)
		}
		call(t, http.MethodGet, "", http.StatusOK, details("alice", "", ""))
	})

	t.Run("HEAD", func(t *testing.T) {
		res := e.do(t, http.MethodHead, user, "", auth...)
		res.want(t, http.StatusOK, "")
		res.wantHeader(t, "Allow", allow)
		anon := e.do(t, http.MethodHead, user, "")
		anon.want(t, http.StatusUnauthorized, "")
		anon.wantHeader(t, "WWW-Authenticate", "Token")
	})

	t.Run("OPTIONS", func(t *testing.T) {
		res := e.do(t, http.MethodOptions, user, "", auth...)
		res.wantStatus(t, http.StatusOK)
		res.wantRestauthHeaders(t)
		res.wantHeader(t, "Allow", allow)
		var meta struct{ Name string }
		if err := json.Unmarshal(res.body, &meta); err != nil || meta.Name != "User Details" {
			t.Errorf("OPTIONS body %s, want DRF metadata named \"User Details\"", res.body)
		}
	})

	t.Run("DELETE is not allowed", func(t *testing.T) {
		call(t, http.MethodDelete, "", http.StatusMethodNotAllowed, `{"detail":"Method \"DELETE\" not allowed."}`)
	})

	t.Run("POST is not allowed", func(t *testing.T) {
		call(t, http.MethodPost, `{}`, http.StatusMethodNotAllowed, `{"detail":"Method \"POST\" not allowed."}`)
	})

	t.Run("PUT requires username", func(t *testing.T) {
		call(t, http.MethodPut, `{"first_name":"A"}`, http.StatusBadRequest, `{"username":["This field is required."]}`)
	})

	t.Run("PUT ignores pk and email", func(t *testing.T) {
		call(t, http.MethodPut, `{"username":"alice2","first_name":"Al","last_name":"Ice","email":"changed@example.com","pk":99}`,
			http.StatusOK, details("alice2", "Al", "Ice"))
		call(t, http.MethodGet, "", http.StatusOK, details("alice2", "Al", "Ice"))
	})

	t.Run("PUT own username", func(t *testing.T) {
		call(t, http.MethodPut, `{"username":"alice2","first_name":"Al","last_name":"Ice"}`, http.StatusOK, details("alice2", "Al", "Ice"))
	})

	t.Run("PATCH own username in another case", func(t *testing.T) {
		call(t, http.MethodPatch, `{"username":"ALICE2"}`, http.StatusOK, details("ALICE2", "Al", "Ice"))
		call(t, http.MethodPatch, `{"username":"alice","first_name":"","last_name":""}`, http.StatusOK, details("alice", "", ""))
	})

	t.Run("PATCH to a taken username", func(t *testing.T) {
		for _, name := range []string{"bob", "BOB", "Bob"} {
			call(t, http.MethodPatch, jsonObject("username", name), http.StatusBadRequest, `{"username":["A user with that username already exists."]}`)
		}
		call(t, http.MethodGet, "", http.StatusOK, details("alice", "", ""))
	})

	t.Run("PATCH validation", func(t *testing.T) {
		for _, tc := range []struct{ name, body, want string }{
			{"invalid username", `{"username":"bad name!"}`,
				`{"username":["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."]}`},
			{"blank username", `{"username":""}`, `{"username":["This field may not be blank."]}`},
			{"null username", `{"username":null}`, `{"username":["This field may not be null."]}`},
			{"151-character username", jsonObject("username", strings.Repeat("u", 151)),
				`{"username":["Ensure this field has no more than 150 characters."]}`},
			{"151-character first_name", jsonObject("first_name", strings.Repeat("x", 151)),
				`{"first_name":["Ensure this field has no more than 150 characters."]}`},
			{"151-character last_name", jsonObject("last_name", strings.Repeat("é", 151)),
				`{"last_name":["Ensure this field has no more than 150 characters."]}`},
			{"zero-width space in first_name", jsonObject("first_name", "Al\u200bice"), `{"first_name":["Enter a valid value."]}`},
			{"object first_name", `{"first_name":{"a":1}}`, `{"first_name":["Not a valid string."]}`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				call(t, http.MethodPatch, tc.body, http.StatusBadRequest, tc.want)
			})
		}
		call(t, http.MethodGet, "", http.StatusOK, details("alice", "", ""))
	})

	t.Run("PATCH 150-character names", func(t *testing.T) {
		long := strings.Repeat("é", 150)
		call(t, http.MethodPatch, jsonObject("first_name", long, "last_name", long), http.StatusOK, details("alice", long, long))
		call(t, http.MethodPatch, `{"first_name":"","last_name":""}`, http.StatusOK, details("alice", "", ""))
	})

	t.Run("PATCH ignores unknown fields", func(t *testing.T) {
		call(t, http.MethodPatch, `{"is_staff":true,"is_superuser":true,"password":"x","is_active":false,"last_name":"L"}`,
			http.StatusOK, details("alice", "", "L"))
		call(t, http.MethodGet, "", http.StatusOK, details("alice", "", "L"))
	})

	t.Run("PATCH form-encoded", func(t *testing.T) {
		res := e.do(t, http.MethodPatch, user, "first_name=Al&last_name=", append([]string{"Content-Type", "application/x-www-form-urlencoded"}, auth...)...)
		res.want(t, http.StatusOK, details("alice", "Al", ""))
	})

	t.Run("anonymous", func(t *testing.T) {
		for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodPatch} {
			res := e.do(t, m, user, `{"username":"mallory"}`)
			res.want(t, http.StatusUnauthorized, `{"detail":"Authentication credentials were not provided."}`)
			res.wantHeader(t, "WWW-Authenticate", "Token")
		}
		call(t, http.MethodGet, "", http.StatusOK, details("alice", "Al", ""))
	})
}
