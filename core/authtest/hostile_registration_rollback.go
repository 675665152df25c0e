package authtest

import (
	"errors"
	"net/http"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
)

// regRollback is T-REG-05. Verification keys are stateless (allauth's HMAC
// scheme), so the write that can fail after the user row is the login
// credential that optional and "none" verification issue (DB token, login
// record, refresh family); it must take the new user row with it, so that
// retrying the same registration works. A failing mail never fails the
// registration (Django CVE-2024-45231): the account stands and
// resend-email delivers the link later.
func (s *suite) regRollback(t *testing.T) {
	const unavailable = `{"detail":"Service temporarily unavailable, try again later."}`
	body := register("reg5", "Reg5@example.com", defaultPassword)

	for _, tc := range []struct {
		name   string
		method string
		jwt    bool
	}{
		{"token insert", "CreateToken", false},
		{"login record", "RecordLogin", false},
		{"refresh family insert", "CreateRefreshFamily", true},
		{"user insert", "CreateUser", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := &failingStore{}
			outbox := mail.NewOutbox()
			opts := []func(*core.Config){fs.install, accountsMode(outbox, core.VerifyOptional)}
			if tc.jwt {
				opts = append(opts, jwtMode(newClock()))
			}
			e := s.newEnv(t, opts...)
			fs.fail(tc.method)
			res := e.do(t, http.MethodPost, e.path("registration/"), body)
			res.wantJSON(t, http.StatusServiceUnavailable, unavailable)
			res.wantHeader(t, "Retry-After", "5")
			if c := res.cookies(); c["access"] != nil || c["refresh"] != nil {
				t.Errorf("a failed registration set auth cookies: %v", c)
			}
			fs.clear()
			e.reqNoUser(t, "reg5")
			e.regWantNoEmail(t, "reg5@example.com")
			e.do(t, http.MethodPost, e.path("registration/"), body).wantStatus(t, http.StatusCreated)
			if tc.jwt {
				e.loginJWT(t, "reg5")
			} else {
				e.login(t, "reg5", defaultPassword)
			}
			if m, ok := outbox.Last(); !ok || m.To != "Reg5@example.com" {
				t.Errorf("no verification mail after the retry")
			}
		})
	}

	t.Run("mail failure", func(t *testing.T) {
		outbox := mail.NewOutbox()
		e := s.newEnv(t, accountsMode(outbox, core.VerifyMandatory))
		outbox.FailWith(errors.New("smtp: 451 try later"))
		e.do(t, http.MethodPost, e.path("registration/"), body).want(t, http.StatusCreated, regSent)
		outbox.FailWith(nil)
		e.reqUser(t, "reg5")
		e.do(t, http.MethodPost, e.path("registration/"), body).
			want(t, http.StatusBadRequest, `{"username":["A user with that username already exists."],"email":["A user is already registered with this e-mail address."]}`)
		e.do(t, http.MethodPost, e.path("registration/resend-email/"), `{"email":"reg5@example.com"}`).want(t, http.StatusOK, `{"detail":"ok"}`)
		key := lastLink(t, outbox, "Reg5@example.com", keyLinkRe)[1]
		e.do(t, http.MethodPost, e.path("registration/verify-email/"), jsonObject("key", key)).want(t, http.StatusOK, `{"detail":"ok"}`)
		e.login(t, "reg5", defaultPassword)
	})
}
