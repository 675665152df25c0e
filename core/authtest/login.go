package authtest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
)

// testLogin checks POST login/: request validation, the identifiers it
// accepts, and the token it issues.
func (s *suite) testLogin(t *testing.T) {
	e := s.newEnv(t)
	e.createLoginCast(t)
	e.createUser(t, newUser("bob"))
	login := e.path("login/")
	const invalidCredentials = `{"non_field_errors":["Unable to log in with provided credentials."]}`

	t.Run("GET is not allowed", func(t *testing.T) {
		res := e.do(t, http.MethodGet, login, "")
		res.want(t, http.StatusMethodNotAllowed, `{"detail":"Method \"GET\" not allowed."}`)
		res.wantHeader(t, "Allow", "POST, OPTIONS")
	})

	t.Run("validation", func(t *testing.T) {
		for _, tc := range []struct {
			name, ctype, body string
			status            int
			want              string
		}{
			{"empty object", "", `{}`, 400, `{"password":["This field is required."]}`},
			{"empty body", "application/json", ``, 400, `{"password":["This field is required."]}`},
			{"missing password", "", `{"username":"alice"}`, 400, `{"password":["This field is required."]}`},
			{"blank password", "", `{"username":"alice","password":""}`, 400, `{"password":["This field may not be blank."]}`},
			{"white space password", "", `{"username":"alice","password":"   "}`, 400, `{"password":["This field may not be blank."]}`},
			{"password only", "", `{"password":"x"}`, 400, `{"non_field_errors":["Must include either \"username\" or \"email\" and \"password\"."]}`},
			{"blank identifiers", "", `{"username":"","email":"","password":"x"}`, 400, `{"non_field_errors":["Must include either \"username\" or \"email\" and \"password\"."]}`},
			{"invalid email", "", `{"email":"notanemail","password":"wrong"}`, 400, `{"email":["Enter a valid email address."]}`},
			{"malformed JSON", "", `not json`, 400, `{"detail":"JSON parse error - Expecting value: line 1 column 1 (char 0)"}`},
			{"form string sent as JSON", "", `username=alice`, 400, `{"detail":"JSON parse error - Expecting value: line 1 column 1 (char 0)"}`},
			{"list body", "", `[1,2]`, 400, `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`},
			{"nulls", "", `{"username":null,"password":null}`, 400, `{"username":["This field may not be null."],"password":["This field may not be null."]}`},
			{"bool password", "", `{"username":"alice","password":true}`, 400, `{"password":["Not a valid string."]}`},
			{"object password", "", `{"username":"alice","password":{"a":1}}`, 400, `{"password":["Not a valid string."]}`},
			{"list password", "", `{"username":"alice","password":["x"]}`, 400, `{"password":["Not a valid string."]}`},
			{"text/plain", "text/plain", `username=alice&password=x`, 415, `{"detail":"Unsupported media type \"text/plain\" in request."}`},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var header []string
				if tc.ctype != "" {
					header = []string{"Content-Type", tc.ctype}
				}
				res := e.do(t, http.MethodPost, login, tc.body, header...)
				res.want(t, tc.status, tc.want)
				res.wantHeader(t, "Allow", "POST, OPTIONS")
			})
		}
	})

	t.Run("HEAD is not allowed", func(t *testing.T) {
		res := e.do(t, http.MethodHead, login, "")
		res.want(t, http.StatusMethodNotAllowed, "")
		res.wantHeader(t, "Allow", "POST, OPTIONS")
	})

	t.Run("OPTIONS", func(t *testing.T) {
		res := e.do(t, http.MethodOptions, login, "")
		res.wantStatus(t, http.StatusOK)
		res.wantRestauthHeaders(t)
		res.wantHeader(t, "Allow", "POST, OPTIONS")
	})

	t.Run("Accept application/xml is 406", func(t *testing.T) {
		res := e.do(t, http.MethodPost, login, jsonObject("username", "alice", "password", defaultPassword), "Accept", "application/xml")
		res.want(t, http.StatusNotAcceptable, `{"detail":"Could not satisfy the request Accept header."}`)
	})

	t.Run("bad credentials are indistinguishable", func(t *testing.T) {
		wrong := e.do(t, http.MethodPost, login, jsonObject("username", "alice", "password", "Wrong-pass-123"))
		wrong.want(t, http.StatusBadRequest, invalidCredentials)
		for _, body := range []string{
			jsonObject("username", "nobody", "password", defaultPassword),
			jsonObject("username", "carol", "password", defaultPassword),
			jsonObject("username", "dave", "password", defaultPassword),
			jsonObject("email", "nobody@example.com", "password", defaultPassword),
			jsonObject("email", "carol@example.com", "password", defaultPassword),
			jsonObject("username", "alice", "password", strings.Repeat("p", 5000)),
			jsonObject("username", "nobody", "password", strings.Repeat("p", 5000)),
		} {
			res := e.do(t, http.MethodPost, login, body)
			res.want(t, http.StatusBadRequest, invalidCredentials)
			res.req += " " + body
			wantSame(t, wrong, res)
		}
	})

	t.Run("oversized body is 413 and the server keeps serving", func(t *testing.T) {
		big := jsonObject("username", "alice", "password", strings.Repeat("a", 2<<20))
		res := e.do(t, http.MethodPost, login, big)
		res.want(t, http.StatusRequestEntityTooLarge, `{"detail":"Request body is too large."}`)
		// Without Content-Length (chunked), the limit applies while reading.
		req := e.newRequest(t, http.MethodPost, login, io.MultiReader(strings.NewReader(big)), "Content-Type", "application/json")
		e.send(t, req).want(t, http.StatusRequestEntityTooLarge, `{"detail":"Request body is too large."}`)
		e.login(t, "alice", defaultPassword)
	})

	t.Run("form-encoded", func(t *testing.T) {
		form := url.Values{"username": {"alice"}, "password": {defaultPassword}}.Encode()
		e.do(t, http.MethodPost, login, form, "Content-Type", "application/x-www-form-urlencoded").wantKey(t)
	})

	t.Run("multipart", func(t *testing.T) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		_ = w.WriteField("username", "alice")
		_ = w.WriteField("password", defaultPassword)
		_ = w.Close()
		e.do(t, http.MethodPost, login, b.String(), "Content-Type", w.FormDataContentType()).wantKey(t)
	})

	t.Run("identifiers", func(t *testing.T) {
		for _, tc := range []struct{ name, body string }{
			{"username", jsonObject("username", "alice", "password", defaultPassword)},
			{"email", jsonObject("email", "alice@example.com", "password", defaultPassword)},
			{"email in another case", jsonObject("email", "ALICE@EXAMPLE.COM", "password", defaultPassword)},
			{"username in another case", jsonObject("username", "ALICE", "password", defaultPassword)},
			{"surrounding spaces trimmed", jsonObject("username", " alice ", "password", "  "+defaultPassword+"  ")},
			{"email wins over username", jsonObject("username", "bob", "email", "alice@example.com", "password", defaultPassword)},
			{"unknown fields ignored", `{"username":"alice","password":"` + defaultPassword + `","remember":true,"extra":{"a":[1]}}`},
			{"charset parameter", jsonObject("username", "alice", "password", defaultPassword)},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var header []string
				if tc.name == "charset parameter" {
					header = []string{"Content-Type", "application/json; charset=utf-8"}
				}
				key := e.do(t, http.MethodPost, login, tc.body, header...).wantKey(t)
				e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
			})
		}
	})

	t.Run("each login issues its own key", func(t *testing.T) {
		k1 := e.login(t, "alice", defaultPassword)
		k2 := e.login(t, "alice", defaultPassword)
		if k1 == k2 {
			t.Fatalf("two logins returned the same key %s", k1)
		}
		for _, k := range []string{k1, k2} {
			e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(k)).wantStatus(t, http.StatusOK)
		}
	})

	t.Run("stale token header does not block login", func(t *testing.T) {
		for _, h := range []string{"Token " + strings.Repeat("deadbeef", 5), "Token deadbeef", "Token", "Token a b"} {
			key := e.do(t, http.MethodPost, login, jsonObject("username", "alice", "password", defaultPassword), "Authorization", h).wantKey(t)
			if key == "" {
				t.Errorf("login with Authorization %q failed", h)
			}
		}
	})

	t.Run("mandatory email verification", func(t *testing.T) {
		m := s.newEnv(t, func(c *core.Config) { c.EmailVerification = core.VerifyMandatory })
		nu := newUser("erin")
		nu.EmailVerified = false
		erin := m.createUser(t, nu)
		m.createUser(t, newUser("frank"))
		res := m.do(t, http.MethodPost, m.path("login/"), jsonObject("username", "erin", "password", defaultPassword))
		res.want(t, http.StatusBadRequest, `{"non_field_errors":["E-mail is not verified."]}`)
		if n, err := m.store.DeleteUserTokens(t.Context(), erin.ID, ""); err != nil || n != 0 {
			t.Errorf("unverified login left %d tokens (err %v), want 0", n, err)
		}
		// The password is checked first: a wrong one reveals nothing.
		m.do(t, http.MethodPost, m.path("login/"), jsonObject("username", "erin", "password", "Wrong-pass-123")).
			want(t, http.StatusBadRequest, invalidCredentials)
		m.login(t, "frank", defaultPassword)
	})
}
