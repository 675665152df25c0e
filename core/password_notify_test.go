package core_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

// notifyPassword is the password of the users of newNotifyAuth.
const notifyPassword = "Secret-pass-123"

// newNotifyAuth returns a service with synchronous account mail into an
// outbox, Accounts.NotifyPasswordChange set to notify, rate limits off,
// and the users alice (alice@example.com) and carol (no email); its log
// goes to the returned buffer.
func newNotifyAuth(t *testing.T, notify bool) (*core.Auth, *mail.Outbox, *syncBuffer) {
	t.Helper()
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	o, logs := mail.NewOutbox(), &syncBuffer{}
	auth, err := core.New(core.Config{
		Store: memstore.New(), Passwords: policy, SecretKey: []byte("notify-mail-test-secret-key-0123456789"),
		Logger:   slog.New(slog.NewTextHandler(logs, nil)),
		Throttle: core.ThrottleConfig{Disabled: true},
		Accounts: core.AccountConfig{Mailer: o, FrontendURL: "https://app.example", SynchronousMail: true, NotifyPasswordChange: notify},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, nu := range []core.NewUser{
		{Username: "alice", Email: "alice@example.com", Password: notifyPassword, EmailVerified: true},
		{Username: "carol", Password: notifyPassword},
	} {
		if _, err := auth.CreateUser(t.Context(), nu); err != nil {
			t.Fatal(err)
		}
	}
	return auth, o, logs
}

// postAs sends a JSON body to an endpoint of auth with the DRF token key
// (none when key is empty) and returns the answer.
func postAs(t *testing.T, auth *core.Auth, key, path, body string) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, auth.Prefix()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Token "+key)
	}
	rec := httptest.NewRecorder()
	auth.Handler().ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return answer{status: rec.Code, header: rec.Header(), body: string(b)}
}

// loginKey logs username in and returns its token key.
func loginKey(t *testing.T, auth *core.Auth, username string) string {
	t.Helper()
	a := postAs(t, auth, "", "login/", `{"username":"`+username+`","password":"`+notifyPassword+`"}`)
	var out struct{ Key string }
	if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &out) != nil || out.Key == "" {
		t.Fatalf("login %s: %d %s", username, a.status, a.body)
	}
	return out.Key
}

// wantNotification checks that o holds exactly one mail, the notification
// template to alice's stored address, without a link; or none when
// template is "".
func wantNotification(t *testing.T, o *mail.Outbox, template string) {
	t.Helper()
	msgs := o.Messages()
	if template == "" {
		if len(msgs) != 0 {
			t.Fatalf("%d mails sent, want none: %+v", len(msgs), msgs)
		}
		return
	}
	if len(msgs) != 1 {
		t.Fatalf("%d mails sent, want one %s: %+v", len(msgs), template, msgs)
	}
	m := msgs[0]
	if m.To != "alice@example.com" || m.Template != template || m.Subject == "" || m.HTML == "" {
		t.Errorf("mail = %+v, want %s to alice@example.com", m, template)
	}
	if strings.Contains(m.Text+m.HTML, "://") {
		t.Errorf("%s carries a link:\n%s", template, m.Text)
	}
}

// TestPasswordChangeNotification is T-RESET-09's notification for
// password/change/: with Accounts.NotifyPasswordChange one mail to the
// stored address after a successful change and none after a failed one;
// without it (the default) none; and every answer is byte for byte the
// one the other setting gives.
func TestPasswordChangeNotification(t *testing.T) {
	steps := []struct {
		name, body string
		status     int
	}{
		{"wrong old password", `{"old_password":"Wrong-pass-123","new_password1":"Changed-pass-456","new_password2":"Changed-pass-456"}`, http.StatusBadRequest},
		{"mismatch", `{"old_password":"` + notifyPassword + `","new_password1":"Changed-pass-456","new_password2":"Changed-pass-457"}`, http.StatusBadRequest},
		{"policy failure", `{"old_password":"` + notifyPassword + `","new_password1":"abc","new_password2":"abc"}`, http.StatusBadRequest},
		{"success", `{"old_password":"` + notifyPassword + `","new_password1":"Changed-pass-456","new_password2":"Changed-pass-456"}`, http.StatusOK},
	}
	answers := map[bool][]answer{}
	for _, notify := range []bool{false, true} {
		auth, o, _ := newNotifyAuth(t, notify)
		key := loginKey(t, auth, "alice")
		o.Reset()
		for _, s := range steps {
			a := postAs(t, auth, key, "password/change/", s.body)
			if a.status != s.status {
				t.Fatalf("notify=%v %s: %d %s", notify, s.name, a.status, a.body)
			}
			answers[notify] = append(answers[notify], a)
			if s.status == http.StatusOK && notify {
				wantNotification(t, o, mail.TemplatePasswordChanged)
			} else {
				wantNotification(t, o, "")
			}
		}
		if a := answers[notify][len(steps)-1]; a.body != `{"detail":"New password has been saved."}` {
			t.Errorf("notify=%v: success answer %s", notify, a.body)
		}
		// A user without an email gets no mail, and the same answer.
		o.Reset()
		carol := postAs(t, auth, loginKey(t, auth, "carol"), "password/change/", steps[len(steps)-1].body)
		if carol.status != http.StatusOK || carol.body != `{"detail":"New password has been saved."}` {
			t.Errorf("notify=%v: carol: %d %s", notify, carol.status, carol.body)
		}
		wantNotification(t, o, "")
		closeQuickly(auth)
	}
	if !reflect.DeepEqual(answers[false], answers[true]) {
		t.Errorf("answers differ with the notification:\noff %+v\non  %+v", answers[false], answers[true])
	}
}

// resetLinkRe matches the reset link of the default PasswordResetURL.
var resetLinkRe = regexp.MustCompile(`https://app\.example/password-reset/confirm/([^/\s]+)/([^/\s]+)/`)

// TestPasswordResetNotification is T-RESET-09's notification for
// password/reset/confirm/: one mail to the stored address after a
// successful reset when Accounts.NotifyPasswordChange is set, none after
// an invalid uid or token or a policy failure, none by default, and the
// same answers either way.
func TestPasswordResetNotification(t *testing.T) {
	const newPass = "Reset-pass-456"
	answers := map[bool][]answer{}
	for _, notify := range []bool{false, true} {
		auth, o, _ := newNotifyAuth(t, notify)
		if a := postAs(t, auth, "", "password/reset/", `{"email":"alice@example.com"}`); a.status != http.StatusOK {
			t.Fatalf("reset: %d %s", a.status, a.body)
		}
		m, ok := o.Last()
		sm := resetLinkRe.FindStringSubmatch(m.Text)
		if !ok || m.Template != mail.TemplatePasswordReset || sm == nil {
			t.Fatalf("no reset link mailed: %+v", m)
		}
		uid, token := sm[1], sm[2]
		o.Reset()
		body := func(uid, token, pw string) string {
			return `{"uid":"` + uid + `","token":"` + token + `","new_password1":"` + pw + `","new_password2":"` + pw + `"}`
		}
		for _, s := range []struct {
			name, body string
			status     int
		}{
			{"invalid uid", body("zz", token, newPass), http.StatusBadRequest},
			{"invalid token", body(uid, token+"x", newPass), http.StatusBadRequest},
			{"policy failure", body(uid, token, "abc"), http.StatusBadRequest},
			{"success", body(uid, token, newPass), http.StatusOK},
			{"token used", body(uid, token, newPass), http.StatusBadRequest},
		} {
			a := postAs(t, auth, "", "password/reset/confirm/", s.body)
			if a.status != s.status {
				t.Fatalf("notify=%v %s: %d %s", notify, s.name, a.status, a.body)
			}
			answers[notify] = append(answers[notify], a)
			if s.name == "success" && notify {
				wantNotification(t, o, mail.TemplatePasswordResetComplete)
				o.Reset()
			} else {
				wantNotification(t, o, "")
			}
		}
		closeQuickly(auth)
	}
	if got := answers[true][3].body; got != `{"detail":"Password has been reset with the new password."}` {
		t.Errorf("success answer %s", got)
	}
	if !reflect.DeepEqual(answers[false], answers[true]) {
		t.Errorf("answers differ with the notification:\noff %+v\non  %+v", answers[false], answers[true])
	}
}

// TestPasswordNotificationFailureKeepsAnswer: a mail server that refuses
// the notification is logged and the change still answers 200 as usual.
func TestPasswordNotificationFailureKeepsAnswer(t *testing.T) {
	auth, o, logs := newNotifyAuth(t, true)
	defer closeQuickly(auth)
	key := loginKey(t, auth, "alice")
	o.FailWith(errors.New("mail server down"))
	a := postAs(t, auth, key, "password/change/", `{"old_password":"`+notifyPassword+`","new_password1":"Changed-pass-456","new_password2":"Changed-pass-456"}`)
	if a.status != http.StatusOK || a.body != `{"detail":"New password has been saved."}` {
		t.Fatalf("change with a failing mailer: %d %s", a.status, a.body)
	}
	if l := logs.String(); !strings.Contains(l, "sending mail failed") || !strings.Contains(l, mail.TemplatePasswordChanged) {
		t.Errorf("failure not logged:\n%s", l)
	}
}

// TestNotifyPasswordChangeNeedsMailer: the switch without a Mailer would
// silently send nothing, so New refuses it.
func TestNotifyPasswordChangeNeedsMailer(t *testing.T) {
	_, err := core.New(core.Config{Store: memstore.New(), SecretKey: []byte("notify-mail-test-secret-key-0123456789"),
		Accounts: core.AccountConfig{NotifyPasswordChange: true}})
	if err == nil || !strings.Contains(err.Error(), "NotifyPasswordChange") {
		t.Fatalf("New error %v, want a refusal of NotifyPasswordChange without a Mailer", err)
	}
}
