package authtest

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// Registration answers, dj-rest-auth's texts.
const (
	regEmailTaken    = `{"email":["A user is already registered with this e-mail address."]}`
	regUsernameTaken = `{"username":["A user with that username already exists."]}`
	regSent          = `{"detail":"Verification e-mail sent."}`
)

// hostileRegistration runs group K of docs/threat-model.md (Registration).
func (s *suite) hostileRegistration(t *testing.T, c *cases) {
	outbox := mail.NewOutbox()
	e := s.newEnv(t, accountsMode(outbox, core.VerifyMandatory))
	reg := e.path("registration/")

	c.run(t, "T-REG-01", func(t *testing.T) {
		const n = 100
		variants := []string{"Race@Example.com", "race@example.com", "RACE@EXAMPLE.COM", "rAcE@eXaMpLe.CoM", " race@Example.com "}
		outbox.Reset()
		res := e.regConcurrently(t, n, reg, func(i int) string {
			return register("racer"+strconv.Itoa(i), variants[i%len(variants)], defaultPassword)
		})
		created := -1
		for i, r := range res {
			switch {
			case r.status == http.StatusCreated && r.body == regSent:
				if created >= 0 {
					t.Errorf("registrations %d and %d both succeeded", created, i)
				}
				created = i
			case r.status == http.StatusBadRequest && r.body == regEmailTaken:
			default:
				t.Errorf("registration %d: %d %s, want 201 or the duplicate 400", i, r.status, r.body)
			}
		}
		if created < 0 {
			t.Fatal("no registration succeeded")
		}
		for i := 0; i < n; i++ {
			if i != created {
				e.reqNoUser(t, "racer"+strconv.Itoa(i))
			}
		}
		u, err := e.store.UserByEmail(t.Context(), "race@example.com")
		if err != nil || u.Username != "racer"+strconv.Itoa(created) {
			t.Errorf("stored owner of the address: %v, %v; want racer%d", u, err, created)
		}
		if msgs := outbox.Messages(); len(msgs) != 1 || msgs[0].To != u.Email {
			t.Errorf("%d mails, want exactly one, to the winner", len(msgs))
		}
	})

	c.run(t, "T-REG-02", func(t *testing.T) {
		// restauth keeps dj-rest-auth's (allauth's) wire behaviour: a taken
		// address is a 400 naming the field, and no mail is sent to anyone.
		// An enumeration-safe mode (201 and an "account exists" mail to the
		// owner) would break that answer and is not offered; registration
		// is throttled per IP instead (Throttle.RegisterPerIP).
		owner := e.createUser(t, core.NewUser{Username: "owner2", Email: "Owner2@Example.com", Password: defaultPassword, EmailVerified: true})
		outbox.Reset()
		for i, addr := range []string{"Owner2@Example.com", "owner2@example.com", "OWNER2@EXAMPLE.COM"} {
			name := "intruder2" + strconv.Itoa(i)
			e.do(t, http.MethodPost, reg, register(name, addr, defaultPassword)).want(t, http.StatusBadRequest, regEmailTaken)
			e.reqNoUser(t, name)
		}
		e.do(t, http.MethodPost, reg, register("OWNER2", "new2@example.com", defaultPassword)).want(t, http.StatusBadRequest, regUsernameTaken)
		e.do(t, http.MethodPost, reg, register("Owner2", "owner2@EXAMPLE.com", defaultPassword)).
			want(t, http.StatusBadRequest, `{"username":["A user with that username already exists."],"email":["A user is already registered with this e-mail address."]}`)
		if n := len(outbox.Messages()); n != 0 {
			t.Errorf("%d mails for refused registrations", n)
		}
		e.reqUnchanged(t, owner)
	})

	c.run(t, "T-REG-03", func(t *testing.T) {
		outbox.Reset()
		e.hashes.Reset()
		for body, want := range map[string]string{
			jsonObject("username", "reg3a", "email", "reg3a@example.com", "password1", defaultPassword, "password2", defaultPassword+"x"):              `{"non_field_errors":["The two password fields didn't match."]}`,
			jsonObject("username", "reg3a", "email", "reg3a@example.com", "password1", defaultPassword, "password2", strings.ToLower(defaultPassword)): `{"non_field_errors":["The two password fields didn't match."]}`,
			jsonObject("username", "reg3a", "email", "reg3a@example.com", "password1", defaultPassword):                                                `{"password2":["This field is required."]}`,
			register("zebra-quux3", "zq3@example.com", "zebra-quux3"):                                                                                  `{"non_field_errors":["The password is too similar to the username."]}`,
			register("zebra-quux3", "zq3@example.com", "ZEBRA-QUUX3"):                                                                                  `{"non_field_errors":["The password is too similar to the username."]}`,
			register("reg3b", "longaddress3@example.com", "longaddress3@example.com"):                                                                  `{"non_field_errors":["The password is too similar to the email address."]}`,
			register("reg3c", "longaddress3@example.com", "longaddress3"):                                                                              `{"non_field_errors":["The password is too similar to the email address."]}`,
		} {
			e.do(t, http.MethodPost, reg, body).want(t, http.StatusBadRequest, want)
		}
		// The same rules through a form body.
		e.reqSend(t, http.MethodPost, reg, "application/x-www-form-urlencoded",
			reqForm("username", "zebra-quux3", "email", "zq3@example.com", "password1", "zebra-quux3", "password2", "zebra-quux3")).
			want(t, http.StatusBadRequest, `{"non_field_errors":["The password is too similar to the username."]}`)
		for _, name := range []string{"reg3a", "zebra-quux3", "reg3b", "reg3c"} {
			e.reqNoUser(t, name)
		}
		if n := e.hashes.Calls(); n != 0 {
			t.Errorf("%d hash calls for refused registrations, want 0", n)
		}
		if n := len(outbox.Messages()); n != 0 {
			t.Errorf("%d mails", n)
		}
	})

	c.run(t, "T-REG-04", func(t *testing.T) {
		// Unknown fields are ignored like DRF, not refused with a 400
		// (docs/design.md §6, Bodies). The property is that none reaches
		// the account.
		body := strings.TrimSuffix(register("reg4", "reg4@example.com", defaultPassword), "}") +
			`,"is_staff":true,"is_superuser":true,"is_active":false,"email_verified":true,"verified":true,` +
			`"date_joined":"2001-01-01T00:00:00Z","last_login":"2001-01-01T00:00:00Z","id":1,"pk":1,"token_epoch":99,` +
			`"password":"pbkdf2_sha256$1$salt$AAAA","password_hash":"!","first_name":"Admin","last_name":"Root","EMAIL_VERIFIED":true}`
		e.do(t, http.MethodPost, reg, body).want(t, http.StatusCreated, regSent)
		u := e.reqUser(t, "reg4")
		if u.ID == 1 || !u.IsActive || u.EmailVerified || u.IsStaff || u.IsSuperuser || u.DateJoined.Year() < 2020 || !u.LastLogin.IsZero() || u.TokenEpoch != 0 ||
			u.FirstName != "" || u.LastName != "" || !strings.HasPrefix(u.PasswordHash, "argon2$argon2id$") {
			t.Errorf("registration wrote a server-owned field: %+v", redactUser(u))
		}
		// Verification is still required: email_verified was not taken.
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "reg4", "password", defaultPassword)).
			want(t, http.StatusBadRequest, `{"non_field_errors":["E-mail is not verified."]}`)

		// user/: the username is writable (dj-rest-auth's
		// UserDetailsSerializer), with the registration rules; pk and
		// email are read-only, so an address cannot be swapped in after
		// verification.
		other := e.createUser(t, core.NewUser{Username: "Other4", Email: "other4@example.com", Password: defaultPassword, EmailVerified: true})
		verified := e.createUser(t, core.NewUser{Username: "ver4", Email: "ver4@example.com", Password: defaultPassword, EmailVerified: true})
		key := e.login(t, "ver4", defaultPassword)
		auth := []string{"Authorization", tokenHeader(key)}
		user := e.path("user/")
		e.do(t, http.MethodPatch, user, `{"username":"OTHER4"}`, auth...).want(t, http.StatusBadRequest, regUsernameTaken)
		e.do(t, http.MethodPatch, user, `{"username":"ｏｔｈｅｒ4"}`, auth...).want(t, http.StatusBadRequest, regUsernameTaken)
		e.do(t, http.MethodPatch, user, `{"username":"bad name!"}`, auth...).want(t, http.StatusBadRequest,
			`{"username":["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."]}`)
		e.reqUnchanged(t, verified)
		e.do(t, http.MethodPatch, user, `{"username":"ver4new","email":"attacker@example.com","pk":`+strconv.FormatInt(other.ID, 10)+`,"is_staff":true,"email_verified":false}`, auth...).
			want(t, http.StatusOK, detailsJSON(verified.ID, "ver4new", "ver4@example.com", "", ""))
		verified.Username = "ver4new"
		e.reqUnchanged(t, verified)
		e.reqUnchanged(t, other)
	})

	c.run(t, "T-REG-05", func(t *testing.T) { s.regRollback(t) })
}

// regResult is one answer of regConcurrently.
type regResult struct {
	status int
	body   string
}

// regConcurrently posts n JSON bodies to path at once (behind a start
// barrier) and returns every status and body.
func (e *env) regConcurrently(t *testing.T, n int, path string, body func(i int) string) []regResult {
	t.Helper()
	out := make([]regResult, n)
	done := make(chan struct{})
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		go func(i int) {
			defer func() { done <- struct{}{} }()
			<-start
			req := e.newRequest(t, http.MethodPost, path, strings.NewReader(body(i)), "Content-Type", "application/json")
			res, err := e.client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer res.Body.Close()
			var b strings.Builder
			if _, err := io.Copy(&b, res.Body); err != nil {
				t.Error(err)
			}
			out[i] = regResult{status: res.StatusCode, body: b.String()}
		}(i)
	}
	close(start)
	for i := 0; i < n; i++ {
		<-done
	}
	return out
}

// regWantNoEmail fails t if any user holds the address (canonically).
func (e *env) regWantNoEmail(t *testing.T, email string) {
	t.Helper()
	if u, err := e.store.UserByEmail(t.Context(), email); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("address %q is held (%v, %v), want free", email, u, err)
	}
}
