package authtest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// hostileRequest runs group A of docs/threat-model.md (Request parsing and
// transport).
//
// Two choices made for wire compatibility with dj-rest-auth
// (docs/design.md §6, Bodies) where a stricter API would refuse:
// form-encoded and multipart bodies are accepted like DRF's default parsers
// (T-REQ-10 checks they are read as strictly as JSON), and unknown fields
// are ignored like DRF (T-REQ-04 checks nothing privileged or server-owned
// can be written).
func (s *suite) hostileRequest(t *testing.T, c *cases) {
	// Every user and token method of the store fails: a malformed request
	// must be refused (400/413/415) before it reaches the store, so any
	// store call would show up as a 503.
	fs := &failingStore{}
	outbox := mail.NewOutbox()
	e := s.newEnv(t, fs.install, accountsMode(outbox, core.VerifyOptional))
	alice := e.createUser(t, newUser("alice"))
	login, reg := e.path("login/"), e.path("registration/")
	noStore := func(t *testing.T, f func()) {
		t.Helper()
		fs.fail(reqUserMethods...)
		defer fs.clear()
		e.hashes.Reset()
		outbox.Reset()
		f()
		if n := e.hashes.Calls(); n != 0 {
			t.Errorf("%d password hash calls for a refused request, want 0", n)
		}
		if n := len(outbox.Messages()); n != 0 {
			t.Errorf("%d mails for a refused request", n)
		}
	}
	parseErr := func(detail string) string { return `{"detail":"JSON parse error - ` + detail + `"}` }

	c.run(t, "T-REQ-01", func(t *testing.T) {
		noStore(t, func() {
			for body, want := range map[string]string{
				`{"username":`: parseErr("Expecting value: line 1 column 13 (char 12)"),
				`{"username"`:  parseErr("Expecting value: line 1 column 12 (char 11)"),
				`null`:         `{"non_field_errors":["No data provided"]}`,
				`[]`:           `{"non_field_errors":["Invalid data. Expected a dictionary, but got list."]}`,
				`"x"`:          `{"non_field_errors":["Invalid data. Expected a dictionary, but got str."]}`,
				`123`:          `{"non_field_errors":["Invalid data. Expected a dictionary, but got int."]}`,
			} {
				e.do(t, http.MethodPost, login, body).want(t, http.StatusBadRequest, want)
				e.do(t, http.MethodPost, reg, body).want(t, http.StatusBadRequest, want)
			}
		})
	})

	c.run(t, "T-REQ-02", func(t *testing.T) {
		noStore(t, func() {
			for _, body := range []string{`{"a":1}{"b":2}`, `{"a":1} junk`, `{"a":1},`, `{"a":1}]`} {
				e.do(t, http.MethodPost, login, body).want(t, http.StatusBadRequest, parseErr("Extra data"))
			}
		})
	})

	c.run(t, "T-REQ-03", func(t *testing.T) {
		noStore(t, func() {
			e.do(t, http.MethodPost, login, `{"username":"alice","password":"a","password":"b"}`).
				want(t, http.StatusBadRequest, parseErr(`Duplicate key \"password\"`))
			e.do(t, http.MethodPost, login, `{"username":"mallory","username":"alice","password":"x"}`).
				want(t, http.StatusBadRequest, parseErr(`Duplicate key \"username\"`))
		})
	})

	c.run(t, "T-REQ-04", func(t *testing.T) {
		// Unknown fields are ignored like DRF, not refused (docs/design.md §6).
		// The property behind the case is that none of them reaches the
		// account: the staff and superuser flags, pk, email, activity,
		// verification, join date and hash are server-owned.
		privileged := []string{"IS_STAFF", "true", "is_staff", "true", "is_superuser", "true", "Is_Superuser", "true",
			"email_verified", "true", "is_active", "false", "id", "1", "pk", "1", "date_joined", "2000-01-01T00:00:00Z",
			"password", "argon2$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo", "token_epoch", "7", "last_login", "2000-01-01"}
		body := strings.TrimSuffix(register("mallory", "mallory@example.com", defaultPassword), "}")
		for i := 0; i < len(privileged); i += 2 {
			body += `,"` + privileged[i] + `":"` + privileged[i+1] + `"`
		}
		body += `,"IS_STAFF2":true,"groups":[1],"user_permissions":{"all":true}}`
		res := e.do(t, http.MethodPost, reg, body)
		res.wantStatus(t, http.StatusCreated)
		key := keyRe.FindSubmatch(res.body)
		if key == nil {
			t.Fatalf("registration body %s, want a token key", res.body)
		}
		e.secrets.add(string(key[1]))
		m := e.reqUser(t, "mallory")
		if m.ID == alice.ID || !m.IsActive || m.EmailVerified || m.IsStaff || m.IsSuperuser || m.DateJoined.Year() < 2020 || m.TokenEpoch != 0 ||
			!strings.HasPrefix(m.PasswordHash, "argon2$argon2id$") || strings.Contains(m.PasswordHash, "c2FsdHNhbHQ") {
			t.Errorf("registration wrote a server-owned field: %+v", redactUser(m))
		}
		e.reqUnchanged(t, alice)
		e.login(t, "mallory", defaultPassword)

		// The same fields on user/ (PUT and PATCH) change nothing but the
		// writable profile fields.
		auth := []string{"Authorization", tokenHeader(string(key[1]))}
		before := e.reqUser(t, "mallory")
		upd := `{"first_name":"Mal","pk":1,"id":1,"email":"alice@example.com","is_staff":true,"IS_SUPERUSER":true,` +
			`"email_verified":true,"is_active":false,"password":"!","date_joined":"2000-01-01T00:00:00Z"}`
		e.do(t, http.MethodPatch, e.path("user/"), upd, auth...).
			want(t, http.StatusOK, detailsJSON(before.ID, "mallory", "mallory@example.com", "Mal", ""))
		before.FirstName = "Mal"
		e.reqUnchanged(t, before)
		e.reqUnchanged(t, alice)
	})

	c.run(t, "T-REQ-05", func(t *testing.T) {
		noStore(t, func() {
			const notString = `["Not a valid string."]`
			for body, want := range map[string]string{
				`{"username":"alice","password":{"$ne":""}}`:             `{"password":` + notString + `}`,
				`{"username":{"$ne":""},"password":"x"}`:                 `{"username":` + notString + `}`,
				`{"email":["a","b"],"password":"x"}`:                     `{"email":` + notString + `}`,
				`{"username":"alice","password":true}`:                   `{"password":` + notString + `}`,
				`{"username":"alice","password":null}`:                   `{"password":["This field may not be null."]}`,
				`{"username":["alice"],"password":["x","y"]}`:            `{"username":` + notString + `,"password":` + notString + `}`,
				`{"username":{"a":{"b":[1,{"c":null}]}},"password":"x"}`: `{"username":` + notString + `}`,
			} {
				e.do(t, http.MethodPost, login, body).want(t, http.StatusBadRequest, want)
			}
		})
		// DRF's CharField stringifies numbers: {"password":123} is the
		// password "123", a wrong one (one hash, like any failed login).
		e.hashes.Reset()
		e.do(t, http.MethodPost, login, `{"username":"alice","password":123}`).
			want(t, http.StatusBadRequest, `{"non_field_errors":["Unable to log in with provided credentials."]}`)
		if n := e.hashes.Count(); n != 1 {
			t.Errorf("%d hashes, want 1", n)
		}
	})

	c.run(t, "T-REQ-06", func(t *testing.T) {
		// The cap is Config.MaxBodyBytes (1 MiB by default). With a
		// Content-Length over it nothing is read; without one (chunked)
		// reading stops at the cap. Either way the client cannot make the
		// server read the whole 10 MiB, which the producer counter shows.
		const tenMiB = 10 << 20
		noStore(t, func() {
			for _, sized := range []bool{true, false} {
				status, produced := e.reqDoLarge(t, login, tenMiB, sized)
				if status != http.StatusRequestEntityTooLarge && status != 0 {
					t.Errorf("10 MiB body (Content-Length: %v): status %d, want 413", sized, status)
				}
				if produced >= tenMiB {
					t.Errorf("10 MiB body (Content-Length: %v): the server read all of it", sized)
				}
			}
			// One byte over the cap, small enough that the client always
			// sees the answer: exactly 413 with DRF-style JSON.
			over := strings.Repeat(" ", int(core.DefaultMaxBodyBytes)) + "{}"
			e.do(t, http.MethodPost, login, over).want(t, http.StatusRequestEntityTooLarge, `{"detail":"Request body is too large."}`)
		})
	})

	c.run(t, "T-REQ-07", func(t *testing.T) {
		deep := strings.Repeat("[", 100000)
		noStore(t, func() {
			for _, body := range []string{deep, `{"username":` + deep, `{"username":"alice","password":` + deep + strings.Repeat("]", 100000) + `}`,
				strings.Repeat(`{"a":`, 100000)} {
				res := e.do(t, http.MethodPost, login, body)
				res.wantStatus(t, http.StatusBadRequest)
				res.wantRestauthHeaders(t)
				if !strings.HasPrefix(string(res.body), `{"detail":"JSON parse error - `) {
					t.Errorf("body %.200s", res.body)
				}
			}
		})
	})

	c.run(t, "T-REQ-08", func(t *testing.T) {
		noStore(t, func() {
			// Invalid UTF-8 in a JSON body is a parse error, wherever it is.
			for _, body := range []string{"{\"username\":\"ad\xffmin\",\"password\":\"x\"}", "{\"email\":\"a\xc3@example.com\",\"password\":\"x\"}", "{\"\xff\":1}"} {
				e.do(t, http.MethodPost, login, body).want(t, http.StatusBadRequest, parseErr("'utf-8' codec can't decode the request body"))
				e.do(t, http.MethodPost, reg, body).want(t, http.StatusBadRequest, parseErr("'utf-8' codec can't decode the request body"))
			}
			// In a form, %FF decodes to a byte that is not UTF-8: refused,
			// never replaced silently.
			for _, body := range []string{"username=ad%FFmin&password=x", "email=a%C3%40example.com&password=x", "username=alice&password=%FF"} {
				e.reqSend(t, http.MethodPost, login, "application/x-www-form-urlencoded", body).want(t, http.StatusBadRequest, `{"detail":"Enter a valid value."}`)
			}
			mp, ct := reqMultipart(t, "username", "ad\xffmin", "password", "x")
			e.reqSend(t, http.MethodPost, login, ct, mp).want(t, http.StatusBadRequest, `{"detail":"Enter a valid value."}`)
			// U+FFFD, valid UTF-8, is not a username or email character.
			e.do(t, http.MethodPost, reg, register("ad\uFFFDmin", "a\uFFFD@example.com", defaultPassword)).want(t, http.StatusBadRequest,
				`{"username":["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."],"email":["Enter a valid email address."]}`)
			e.do(t, http.MethodPost, reg, register("ad\\ud800min", "ad@exa\uFFFDmple.com", defaultPassword)).want(t, http.StatusBadRequest,
				`{"username":["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."],"email":["Enter a valid email address."]}`)
		})
		// A display name with invalid UTF-8 (form-encoded) is refused too,
		// and the stored one is unchanged.
		key := e.login(t, "alice", defaultPassword)
		before := e.reqUser(t, "alice")
		e.reqSend(t, http.MethodPatch, e.path("user/"), "application/x-www-form-urlencoded", "first_name=A%FFl", "Authorization", tokenHeader(key)).
			want(t, http.StatusBadRequest, `{"detail":"Enter a valid value."}`)
		e.do(t, http.MethodPatch, e.path("user/"), `{"first_name":"A\uFFFDl"}`, "Authorization", tokenHeader(key)).
			want(t, http.StatusOK, detailsJSON(alice.ID, "alice", "alice@example.com", "A\uFFFDl", ""))
		before.FirstName = "A\uFFFDl"
		e.reqUnchanged(t, before)
		e.do(t, http.MethodPatch, e.path("user/"), `{"first_name":""}`, "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
	})

	c.run(t, "T-REQ-09", func(t *testing.T) { s.reqTextPlainCookie(t) })

	c.run(t, "T-REQ-10", func(t *testing.T) {
		// Form and multipart are accepted like DRF (docs/design.md §6), read
		// as strictly as JSON (same field rules, same messages).
		loginForm := reqForm("username", "alice", "password", defaultPassword)
		res := e.reqSend(t, http.MethodPost, login, "application/x-www-form-urlencoded", loginForm)
		e.secrets.add(res.wantKey(t))
		mp, mpCT := reqMultipart(t, "username", "alice", "password", defaultPassword)
		e.secrets.add(e.reqSend(t, http.MethodPost, login, mpCT, mp).wantKey(t))
		e.secrets.add(e.reqSend(t, http.MethodPost, login, "Application/JSON; charset=UTF-8", jsonObject("username", "alice", "password", defaultPassword)).wantKey(t))
		e.secrets.add(e.reqSend(t, http.MethodPost, login, "application/json;charset=utf8", jsonObject("username", "alice", "password", defaultPassword)).wantKey(t))

		noStore(t, func() {
			unsupported := func(ct string) string { return `{"detail":"Unsupported media type \"` + ct + `\" in request."}` }
			for _, ct := range []string{"", "text/plain", "text/plain; charset=utf-8", "application/json; charset=utf-16", "application/json; charset=latin-1",
				"application/xml", "application/jsonx", "application/json-patch+json", "multipart/mixed; boundary=x", "no/such;;type"} {
				e.reqSend(t, http.MethodPost, login, ct, jsonObject("username", "alice", "password", defaultPassword)).
					want(t, http.StatusUnsupportedMediaType, strings.ReplaceAll(unsupported(ct), `"`+ct+`"`, `"`+strings.ReplaceAll(ct, `"`, `\"`)+`"`))
			}
			// Same strictness: the registration rules give the same answer
			// whatever the encoding.
			fields := []string{"username", "bad name!", "email", "not-an-email", "password1", "123", "password2", "123"}
			var want string
			{
				body := jsonObject(fields...)
				want = string(e.do(t, http.MethodPost, reg, body).body)
			}
			mpReg, mpRegCT := reqMultipart(t, fields...)
			e.reqSend(t, http.MethodPost, reg, "application/x-www-form-urlencoded", reqForm(fields...)).want(t, http.StatusBadRequest, want)
			e.reqSend(t, http.MethodPost, reg, mpRegCT, mpReg).want(t, http.StatusBadRequest, want)
			if !strings.Contains(want, `"username":["Enter a valid username.`) || !strings.Contains(want, `"email":["Enter a valid email address."]`) {
				t.Errorf("JSON registration answer %s", want)
			}
			// A multipart body with a broken boundary is a 400, not a 500.
			e.reqSend(t, http.MethodPost, login, "multipart/form-data; boundary=nope", "--other\r\n\r\nx").
				want(t, http.StatusBadRequest, `{"detail":"Multipart form parse error - Invalid boundary in multipart: None"}`)
			e.reqSend(t, http.MethodPost, login, "multipart/form-data", mp).
				want(t, http.StatusBadRequest, `{"detail":"Multipart form parse error - Invalid boundary in multipart: None"}`)
		})
	})

	c.run(t, "T-REQ-11", func(t *testing.T) {
		key := e.login(t, "alice", defaultPassword)
		auth := []string{"Authorization", tokenHeader(key)}
		for _, tc := range []struct{ method, path string }{
			{http.MethodGet, "logout/"}, {http.MethodHead, "logout/"}, {http.MethodGet, "password/change/"},
			{http.MethodHead, "password/change/"}, {http.MethodGet, "login/"}, {http.MethodPut, "login/"},
			{http.MethodDelete, "user/"}, {http.MethodPost, "user/"}, {http.MethodGet, "registration/"},
			{http.MethodDelete, "logout/"}, {http.MethodGet, "password/reset/confirm/"}, {"TRACE", "login/"},
		} {
			res := e.do(t, tc.method, e.path(tc.path), "", auth...)
			res.wantStatus(t, http.StatusMethodNotAllowed)
			if tc.method != http.MethodHead && string(res.body) != `{"detail":"Method \"`+tc.method+`\" not allowed."}` {
				t.Errorf("%s: body %s", res.req, res.body)
			}
			if res.header.Get("Allow") == "" {
				t.Errorf("%s: no Allow header", res.req)
			}
		}
		// OPTIONS is DRF's metadata answer (200, like dj-rest-auth), which
		// runs no handler: nothing changes.
		for _, p := range []string{"logout/", "password/change/", "login/", "registration/"} {
			res := e.do(t, http.MethodOptions, e.path(p), "", auth...)
			res.wantStatus(t, http.StatusOK)
			if !strings.Contains(string(res.body), `"renders":["application/json"]`) {
				t.Errorf("OPTIONS %s: %s", p, res.body)
			}
		}
		// The token survived every one of them.
		e.do(t, http.MethodGet, e.path("user/"), "", auth...).want(t, http.StatusOK, detailsJSON(alice.ID, "alice", "alice@example.com", "", ""))
	})

	c.run(t, "T-REQ-12", func(t *testing.T) {
		const qpw = "Query-secret-pass-42"
		e.secrets.add(qpw)
		key := e.login(t, "alice", defaultPassword)
		e.secrets.add(key)
		for _, q := range []string{"?password=" + defaultPassword, "?username=alice&password=" + defaultPassword, "?password=" + qpw} {
			e.do(t, http.MethodPost, login+q, `{"username":"alice"}`).want(t, http.StatusBadRequest, `{"password":["This field is required."]}`)
			e.do(t, http.MethodPost, login+q, "").want(t, http.StatusBadRequest, `{"password":["This field is required."]}`)
		}
		for _, q := range []string{"?token=" + key, "?access_token=" + key, "?auth_token=" + key, "?key=" + key} {
			res := e.do(t, http.MethodGet, e.path("user/")+q, "")
			res.want(t, http.StatusUnauthorized, `{"detail":"Authentication credentials were not provided."}`)
			e.do(t, http.MethodGet, "/api/protected/"+q, "").wantStatus(t, http.StatusUnauthorized)
			e.do(t, http.MethodGet, "/api/optional/"+q, "").wantApp(t, map[string]string{"user": ""})
		}
	})

	c.run(t, "T-REQ-13", func(t *testing.T) {
		e.createUser(t, newUser("other"))
		check := func(t *testing.T, res *response, want string) {
			t.Helper()
			k := res.wantKey(t)
			e.secrets.add(k)
			u := e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(k))
			if !strings.Contains(string(u.body), `"username":"`+want+`"`) {
				t.Errorf("logged in as %s, want %s", u.body, want)
			}
		}
		q := "?username=other&email=other@example.com&password=" + defaultPassword
		check(t, e.do(t, http.MethodPost, login+q, jsonObject("username", "alice", "password", defaultPassword)), "alice")
		check(t, e.reqSend(t, http.MethodPost, login+q, "application/x-www-form-urlencoded", reqForm("username", "alice", "password", defaultPassword)), "alice")
		mp, ct := reqMultipart(t, "username", "alice", "password", defaultPassword)
		check(t, e.reqSend(t, http.MethodPost, login+q, ct, mp), "alice")
		// The query cannot complete a body either: the password only in the
		// query is absent, the wrong body password is not replaced.
		e.do(t, http.MethodPost, login+"?password="+defaultPassword, jsonObject("username", "alice", "password", "wrong")).
			want(t, http.StatusBadRequest, `{"non_field_errors":["Unable to log in with provided credentials."]}`)
		e.reqSend(t, http.MethodPost, login+"?password="+defaultPassword, "application/x-www-form-urlencoded", "username=alice").
			want(t, http.StatusBadRequest, `{"password":["This field is required."]}`)
		// Registration: the body's username is the one created.
		res := e.do(t, http.MethodPost, reg+"?username=queryname&email=q@example.com", register("bodyname", "body@example.com", defaultPassword))
		res.wantStatus(t, http.StatusCreated)
		e.reqNoUser(t, "queryname")
		if u := e.reqUser(t, "bodyname"); u.Email != "body@example.com" {
			t.Errorf("registered email %q", u.Email)
		}
	})

	c.run(t, "T-REQ-14", func(t *testing.T) {
		const nul = `["Null characters are not allowed."]`
		noStore(t, func() {
			e.do(t, http.MethodPost, login, `{"username":"ad\u0000min","password":"x"}`).want(t, http.StatusBadRequest, `{"username":`+nul+`}`)
			e.do(t, http.MethodPost, login, `{"email":"a\u0000@example.com","password":"x"}`).want(t, http.StatusBadRequest, `{"email":`+nul+`}`)
			e.do(t, http.MethodPost, login, `{"username":"alice","password":"x\u0000"}`).want(t, http.StatusBadRequest, `{"password":`+nul+`}`)
			e.reqSend(t, http.MethodPost, login, "application/x-www-form-urlencoded", "username=ad%00min&password=x").want(t, http.StatusBadRequest, `{"username":`+nul+`}`)
			e.do(t, http.MethodPost, reg, register("ad\x00min", "ad\x00@example.com", defaultPassword)).
				want(t, http.StatusBadRequest, `{"username":`+nul+`,"email":`+nul+`}`)
			e.do(t, http.MethodPost, e.path("password/reset/"), `{"email":"a\u0000@example.com"}`).want(t, http.StatusBadRequest, `{"email":`+nul+`}`)
		})
		key := e.login(t, "alice", defaultPassword)
		before := e.reqUser(t, "alice")
		e.do(t, http.MethodPatch, e.path("user/"), `{"first_name":"A\u0000l","username":"al\u0000ice"}`, "Authorization", tokenHeader(key)).
			want(t, http.StatusBadRequest, `{"username":`+nul+`,"first_name":`+nul+`}`)
		e.reqUnchanged(t, before)
	})

	c.run(t, "T-REQ-15", func(t *testing.T) {
		long := strings.Repeat("a", 10000)
		noStore(t, func() {
			e.do(t, http.MethodPost, reg, register(long, long+"@example.com", defaultPassword)).want(t, http.StatusBadRequest,
				`{"username":["Ensure this field has no more than 150 characters."],"email":["Enter a valid email address."]}`)
			e.do(t, http.MethodPost, login, jsonObject("email", long+"@example.com", "password", "x")).
				want(t, http.StatusBadRequest, `{"email":["Enter a valid email address."]}`)
			e.do(t, http.MethodPost, e.path("password/reset/"), jsonObject("email", long+"@example.com")).
				want(t, http.StatusBadRequest, `{"email":["Enter a valid email address."]}`)
		})
		// Login takes any username, like dj-rest-auth's LoginSerializer:
		// one that no column could hold is a lookup miss that the store
		// answers without a query (store contract, see limits.go), and the
		// usual failure with its one dummy hash.
		e.hashes.Reset()
		e.do(t, http.MethodPost, login, jsonObject("username", long, "password", "x")).
			want(t, http.StatusBadRequest, `{"non_field_errors":["Unable to log in with provided credentials."]}`)
		if n := e.hashes.Count(); n != 1 {
			t.Errorf("%d hashes, want the 1 dummy hash", n)
		}
		key := e.login(t, "alice", defaultPassword)
		before := e.reqUser(t, "alice")
		big := strings.Repeat("x", 64<<10)
		e.do(t, http.MethodPatch, e.path("user/"), jsonObject("first_name", big, "last_name", big, "username", long), "Authorization", tokenHeader(key)).
			want(t, http.StatusBadRequest, `{"username":["Ensure this field has no more than 150 characters."],"first_name":["Ensure this field has no more than 150 characters."],"last_name":["Ensure this field has no more than 150 characters."]}`)
		e.reqUnchanged(t, before)
		// At the limit it fits every store's column.
		max := strings.Repeat("é", core.MaxNameLength)
		e.do(t, http.MethodPatch, e.path("user/"), jsonObject("first_name", max), "Authorization", tokenHeader(key)).
			want(t, http.StatusOK, detailsJSON(alice.ID, "alice", "alice@example.com", max, ""))
	})

	c.run(t, "T-REQ-16", func(t *testing.T) {
		// Header size is the HTTP server's limit, not restauth's: the host
		// application sets http.Server.MaxHeaderBytes (net/http's default,
		// used by httptest, is 1 MiB) and net/http answers 431 before any
		// handler runs. Below that limit a huge credential is an ordinary
		// invalid one.
		// (net/http allows 4 KiB of slack over MaxHeaderBytes.)
		huge := strings.Repeat("a", 1<<20+8<<10)
		for _, h := range [][]string{{"Authorization", "Token " + huge}, {"Cookie", "sessionid=" + huge}, {"X-CSRFToken", huge}} {
			res := e.do(t, http.MethodGet, e.path("user/"), "", h...)
			res.wantStatus(t, http.StatusRequestHeaderFieldsTooLarge)
		}
		oneMiB := strings.Repeat("a", 1<<20-len("Token "))
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Token "+oneMiB).want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)
		e.do(t, http.MethodGet, e.path("user/"), "", "Cookie", "sessionid="+oneMiB).
			want(t, http.StatusUnauthorized, `{"detail":"Authentication credentials were not provided."}`)
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Token "+strings.Repeat("a", 64<<10)).
			want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", "Token "+strings.Repeat("a", 64<<10)+" x").
			want(t, http.StatusUnauthorized, `{"detail":"Invalid token header. Token string should not contain spaces."}`)
	})
}
