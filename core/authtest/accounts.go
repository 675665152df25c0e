package authtest

import (
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// frontend is the configured base URL of links in mails.
const frontend = "https://app.example.test"

// accountsMode turns the account flows on with an in-memory outbox.
func accountsMode(outbox *mail.Outbox, verification core.EmailVerification) func(*core.Config) {
	return func(c *core.Config) {
		c.SecretKey = []byte(jwtSecret)
		c.EmailVerification = verification
		c.Accounts.Mailer = outbox
		c.Accounts.FrontendURL = frontend
	}
}

var (
	keyLinkRe   = regexp.MustCompile(frontend + `/api/auth/registration/account-confirm-email/([-:\w]+)/`)
	resetLinkRe = regexp.MustCompile(frontend + `/password-reset/confirm/([0-9a-z]+)/([0-9a-z]+-[0-9a-f]+)/`)
)

// lastLink returns the submatches of re in the newest mail to addr.
func lastLink(t *testing.T, outbox *mail.Outbox, addr string, re *regexp.Regexp) []string {
	t.Helper()
	m, ok := outbox.Last()
	if !ok || m.To != addr {
		t.Fatalf("no mail to %s (last: %+v, %v)", addr, m.To, ok)
	}
	sub := re.FindStringSubmatch(m.Text)
	if sub == nil {
		t.Fatalf("mail to %s has no link matching %s:\n%s", addr, re, m.Text)
	}
	return sub
}

func register(username, email, pw string) string {
	return jsonObject("username", username, "email", email, "password1", pw, "password2", pw)
}

// testRegistration checks registration/, verify-email/ and resend-email/.
func (s *suite) testRegistration(t *testing.T) {
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyMandatory))
	reg := e.path("registration/")

	t.Run("validation", func(t *testing.T) {
		e.createUser(t, newUser("taken"))
		for body, want := range map[string]string{
			`{}`: `{"username":["This field is required."],"email":["This field is required."],"password1":["This field is required."],"password2":["This field is required."]}`,
			register("new1", "new1@example.com", "123"): `{"password1":["This password is too short. It must contain at least 8 characters.","This password is too common.","This password is entirely numeric."]}`,
			jsonObject("username", "new1", "email", "new1@example.com", "password1", defaultPassword, "password2", defaultPassword+"x"): `{"non_field_errors":["The two password fields didn't match."]}`,
			register("zebra-quux", "zq@example.com", "zebra-quux1"):                                                                     `{"non_field_errors":["The password is too similar to the username."]}`,
			register("TAKEN", "other@example.com", defaultPassword):                                                                     `{"username":["A user with that username already exists."]}`,
			register("fresh", "Taken@Example.com", defaultPassword):                                                                     `{"email":["A user is already registered with this e-mail address."]}`,
			register("bad name!", "x@example.com", defaultPassword):                                                                     `{"username":["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."]}`,
			register("ok", "not-an-email", defaultPassword):                                                                             `{"email":["Enter a valid email address."]}`,
			register("ok2", "a@example.com\r\nBcc: x@evil.test", defaultPassword):                                                       `{"email":["Enter a valid email address."]}`,
		} {
			e.do(t, http.MethodPost, reg, body).want(t, http.StatusBadRequest, want)
		}
		if n := len(outbox.Messages()); n != 0 {
			t.Errorf("%d mails sent for rejected registrations", n)
		}
		e.do(t, http.MethodGet, reg, "").want(t, http.StatusMethodNotAllowed, `{"detail":"Method \"GET\" not allowed."}`)
	})

	t.Run("mandatory verification", func(t *testing.T) {
		e.do(t, http.MethodPost, reg, register("erin", "Erin@Example.com", defaultPassword)).
			want(t, http.StatusCreated, `{"detail":"Verification e-mail sent."}`)
		key := lastLink(t, outbox, "Erin@Example.com", keyLinkRe)[1]
		if m, _ := outbox.Last(); !strings.Contains(m.Subject, "Please Confirm Your E-mail Address") {
			t.Errorf("subject %q", m.Subject)
		}
		login := jsonObject("username", "erin", "password", defaultPassword)
		e.do(t, http.MethodPost, e.path("login/"), login).want(t, http.StatusBadRequest, `{"non_field_errors":["E-mail is not verified."]}`)

		verify := e.path("registration/verify-email/")
		e.do(t, http.MethodPost, verify, `{}`).want(t, http.StatusBadRequest, `{"key":["This field is required."]}`)
		e.do(t, http.MethodPost, verify, `{"key":"MQ:1r31eq:BoZqs4WbkgJOj-w2Ts4mxa3f1qGQXVYwGkQSocpZonk"}`).want(t, http.StatusNotFound, `{"detail":"Not found."}`)
		e.do(t, http.MethodPost, verify, jsonObject("key", key+"x")).want(t, http.StatusNotFound, `{"detail":"Not found."}`)
		e.do(t, http.MethodPost, verify, jsonObject("key", key)).want(t, http.StatusOK, `{"detail":"ok"}`)
		e.do(t, http.MethodPost, verify, jsonObject("key", key)).want(t, http.StatusNotFound, `{"detail":"Not found."}`)
		e.login(t, "erin", defaultPassword)
	})

	t.Run("resend", func(t *testing.T) {
		resend := e.path("registration/resend-email/")
		e.do(t, http.MethodPost, reg, register("fay", "fay@example.com", defaultPassword)).wantStatus(t, http.StatusCreated)
		outbox.Reset()
		for _, addr := range []string{"nobody@example.com", "erin@example.com", "FAY@example.com"} {
			e.do(t, http.MethodPost, resend, jsonObject("email", addr)).want(t, http.StatusOK, `{"detail":"ok"}`)
		}
		msgs := outbox.Messages()
		if len(msgs) != 1 || msgs[0].To != "fay@example.com" {
			t.Errorf("resend mails: %+v (want one, to fay's stored address)", msgs)
		}
		e.do(t, http.MethodPost, resend, `{"email":"bad"}`).want(t, http.StatusBadRequest, `{"email":["Enter a valid email address."]}`)
	})

	t.Run("optional verification logs in", func(t *testing.T) {
		o := mail.NewOutbox()
		g := s.newEnv(t, accountsMode(o, core.VerifyOptional))
		res := g.do(t, http.MethodPost, g.path("registration/"), register("gus", "gus@example.com", defaultPassword))
		res.wantStatus(t, http.StatusCreated)
		if !keyRe.Match(res.body) {
			t.Errorf("body %s, want a token key", res.body)
		}
		lastLink(t, o, "gus@example.com", keyLinkRe)
	})

	t.Run("no verification sends no mail", func(t *testing.T) {
		o := mail.NewOutbox()
		g := s.newEnv(t, accountsMode(o, core.VerifyNone))
		g.do(t, http.MethodPost, g.path("registration/"), register("hal", "hal@example.com", defaultPassword)).wantStatus(t, http.StatusCreated)
		if n := len(o.Messages()); n != 0 {
			t.Errorf("%d mails", n)
		}
	})

	t.Run("JWT registration sets the cookies", func(t *testing.T) {
		o := mail.NewOutbox()
		g := s.newEnv(t, accountsMode(o, core.VerifyOptional), jwtMode(newClock()))
		res := g.do(t, http.MethodPost, g.path("registration/"), register("ivy", "ivy@example.com", defaultPassword))
		res.wantStatus(t, http.StatusCreated)
		c := res.cookies()
		if c["access"] == nil || c["refresh"] == nil || !strings.Contains(string(res.body), `"refresh":""`) {
			t.Errorf("body %s cookies %v", res.body, c)
		}
	})

	t.Run("concurrent duplicates: exactly one account", func(t *testing.T) {
		codes := e.concurrently(t, 20, http.MethodPost, reg, func(i int) string {
			email := "Race@Example.com"
			if i%2 == 1 {
				email = "race@example.COM"
			}
			return register("racer"+string(rune('a'+i)), email, defaultPassword)
		})
		if created := countStatus(t, codes, http.StatusCreated, http.StatusBadRequest); created != 1 {
			t.Errorf("%d registrations succeeded, want 1 (%v)", created, codes)
		}
	})
}

// testPasswordReset checks password/reset/ and password/reset/confirm/.
func (s *suite) testPasswordReset(t *testing.T) {
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyOptional))
	alice := e.createUser(t, core.NewUser{Username: "alice", Email: "Alice@Example.com", Password: defaultPassword, EmailVerified: true})
	reset, confirm := e.path("password/reset/"), e.path("password/reset/confirm/")
	const sent = `{"detail":"Password reset e-mail has been sent."}`

	t.Run("validation", func(t *testing.T) {
		e.do(t, http.MethodPost, reset, `{}`).want(t, http.StatusBadRequest, `{"email":["This field is required."]}`)
		e.do(t, http.MethodPost, reset, `{"email":"bad"}`).want(t, http.StatusBadRequest, `{"email":["Enter a valid email address."]}`)
		e.do(t, http.MethodPost, confirm, `{}`).want(t, http.StatusBadRequest,
			`{"new_password1":["This field is required."],"new_password2":["This field is required."],"uid":["This field is required."],"token":["This field is required."]}`)
	})

	t.Run("unknown address: same answer, no mail", func(t *testing.T) {
		outbox.Reset()
		e.do(t, http.MethodPost, reset, `{"email":"nobody@example.com"}`).want(t, http.StatusOK, sent)
		if n := len(outbox.Messages()); n != 0 {
			t.Errorf("%d mails", n)
		}
	})

	t.Run("reset once with the mailed link", func(t *testing.T) {
		other := e.login(t, "alice", defaultPassword)
		outbox.Reset()
		// A poisoned Host header never reaches the link.
		e.do(t, http.MethodPost, reset, `{"email":"ALICE@example.com"}`, "X-Forwarded-Host", "evil.test").want(t, http.StatusOK, sent)
		sub := lastLink(t, outbox, "Alice@Example.com", resetLinkRe)
		uid, token := sub[1], sub[2]
		if m, _ := outbox.Last(); strings.Contains(m.Text, "evil.test") || !strings.Contains(m.Subject, "Password Reset E-mail") {
			t.Errorf("mail %q: %s", m.Subject, m.Text)
		}
		body := func(uid, token, pw1, pw2 string) string {
			return jsonObject("new_password1", pw1, "new_password2", pw2, "uid", uid, "token", token)
		}
		for b, want := range map[string]string{
			body("zzzzzzzzzzzzzz", token, "Reset-pass-99", "Reset-pass-99"): `{"uid":["Invalid value"]}`,
			body("-1", token, "Reset-pass-99", "Reset-pass-99"):             `{"uid":["Invalid value"]}`,
			body("' OR 1=1--", token, "Reset-pass-99", "Reset-pass-99"):     `{"uid":["Invalid value"]}`,
			body("99999", token, "Reset-pass-99", "Reset-pass-99"):          `{"uid":["Invalid value"]}`,
			body(uid, token+"0", "123", "123"):                              `{"token":["Invalid value"]}`,
			body(uid, token, "Reset-pass-99", "Reset-pass-98"):              `{"new_password2":["The two password fields didn’t match."]}`,
			body(uid, token, "123", "123"):                                  `{"new_password2":["This password is too short. It must contain at least 8 characters.","This password is too common.","This password is entirely numeric."]}`,
		} {
			e.do(t, http.MethodPost, confirm, b).want(t, http.StatusBadRequest, want)
		}
		e.do(t, http.MethodPost, confirm, body(uid, token, "Reset-pass-99", "Reset-pass-99")).
			want(t, http.StatusOK, `{"detail":"Password has been reset with the new password."}`)
		e.do(t, http.MethodPost, confirm, body(uid, token, "Reset-pass-77", "Reset-pass-77")).want(t, http.StatusBadRequest, `{"token":["Invalid value"]}`)
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(other)).want(t, http.StatusUnauthorized, `{"detail":"Invalid token."}`)
		e.login(t, "alice", "Reset-pass-99")
		_ = alice
	})

	t.Run("mail failure does not change the answer", func(t *testing.T) {
		outbox.FailWith(errors.New("smtp: 451 try later"))
		defer outbox.FailWith(nil)
		e.do(t, http.MethodPost, reset, `{"email":"alice@example.com"}`).want(t, http.StatusOK, sent)
		if logs := e.logs.String(); !strings.Contains(logs, "sending mail failed") || strings.Contains(logs, "password-reset/confirm") {
			t.Errorf("failure not logged, or the link leaked into the log:\n%s", logs)
		}
	})
}
