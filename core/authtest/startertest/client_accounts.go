package startertest

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core/mail/smtptest"
)

var (
	mailKeyRe   = regexp.MustCompile(`/registration/account-confirm-email/([-:\w]+)/`)
	mailResetRe = regexp.MustCompile(`/password-reset/confirm/([0-9a-z]+)/([0-9a-z]+-[0-9a-f]+)/`)
)

// AccountsClientFlow plays a client of dj-rest-auth's registration and
// password-reset endpoints against a running server whose mails go over
// SMTP to smtp, with mandatory email verification: register, get refused
// at login, verify with the key from the mail, log in; then reset the
// password with the mailed link, once; an unknown address gets the same
// answer and no mail. suffix keeps the account unique in shared databases.
func AccountsClientFlow(t *testing.T, baseURL, prefix string, smtp *smtptest.Server, suffix string) {
	t.Helper()
	c := &liveClient{t: t, base: strings.TrimRight(baseURL, "/")}
	name, email, pw := "bob_"+suffix, "Bob_"+suffix+"@Example.com", "Correct-Horse-9"
	login := func(password string) (int, string) {
		status, _, body := c.do(http.MethodPost, prefix+"login/", jsonBody("username", name, "password", password), "")
		return status, string(body)
	}
	mailTo := func(n int) smtptest.Received {
		t.Helper()
		msgs := smtp.WaitForMessages(n, 10*time.Second)
		if len(msgs) < n {
			t.Fatalf("got %d mails, want %d", len(msgs), n)
		}
		m := msgs[n-1]
		if len(m.To) != 1 || m.To[0] != email {
			t.Fatalf("mail went to %v, want the stored address %s", m.To, email)
		}
		return m
	}
	before := len(smtp.Messages())

	status, _, body := c.do(http.MethodPost, prefix+"registration/",
		jsonBody("username", name, "email", email, "password1", pw, "password2", pw), "")
	if status != http.StatusCreated || string(body) != `{"detail":"Verification e-mail sent."}` {
		t.Fatalf("register: %d %s", status, body)
	}
	if status, body := login(pw); status != http.StatusBadRequest || body != `{"non_field_errors":["E-mail is not verified."]}` {
		t.Errorf("login before verifying: %d %s", status, body)
	}
	m := mailTo(before + 1)
	key := mailKeyRe.FindStringSubmatch(m.Body)
	if key == nil {
		t.Fatalf("no verification link in:\n%s", m.Body)
	}
	if status, _, body = c.do(http.MethodPost, prefix+"registration/verify-email/", jsonBody("key", key[1]), ""); status != http.StatusOK {
		t.Fatalf("verify-email: %d %s", status, body)
	}
	if status, body := login(pw); status != http.StatusOK {
		t.Fatalf("login after verifying: %d %s", status, body)
	}

	if status, _, body = c.do(http.MethodPost, prefix+"password/reset/", jsonBody("email", strings.ToLower(email)), ""); status != http.StatusOK {
		t.Fatalf("password/reset/: %d %s", status, body)
	}
	m = mailTo(before + 2)
	link := mailResetRe.FindStringSubmatch(m.Body)
	if link == nil {
		t.Fatalf("no reset link in:\n%s", m.Body)
	}
	confirm := jsonBody("uid", link[1], "token", link[2], "new_password1", "Other-Horse-10", "new_password2", "Other-Horse-10")
	if status, _, body = c.do(http.MethodPost, prefix+"password/reset/confirm/", confirm, ""); status != http.StatusOK {
		t.Fatalf("reset confirm: %d %s", status, body)
	}
	if status, _, body = c.do(http.MethodPost, prefix+"password/reset/confirm/", confirm, ""); status != http.StatusBadRequest {
		t.Errorf("the same link twice: %d %s", status, body)
	}
	if status, _ := login(pw); status != http.StatusBadRequest {
		t.Errorf("old password after reset: %d", status)
	}
	if status, body := login("Other-Horse-10"); status != http.StatusOK {
		t.Errorf("new password after reset: %d %s", status, body)
	}

	status, _, body = c.do(http.MethodPost, prefix+"password/reset/", jsonBody("email", "nobody_"+suffix+"@example.com"), "")
	if status != http.StatusOK || string(body) != `{"detail":"Password reset e-mail has been sent."}` {
		t.Errorf("reset for an unknown address: %d %s", status, body)
	}
	if n := len(smtp.WaitForMessages(before+3, 300*time.Millisecond)); n != before+2 {
		t.Errorf("%d mails after a reset for an unknown address, want %d", n, before+2)
	}
}
