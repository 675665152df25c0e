package core

import (
	"strings"
	"testing"

	"github.com/restauth/restauth/core/mail"
)

// Link targets in mails must be absolute http(s) URLs of a host, without
// user info: no javascript:, scheme-relative or "https://site@evil" links.
func TestAccountLinkURLsValidated(t *testing.T) {
	build := func(mod func(*AccountConfig)) error {
		ac := AccountConfig{Mailer: mail.NewOutbox(), FrontendURL: "https://app.example"}
		mod(&ac)
		_, err := New(Config{Store: nopStore{}, SecretKey: []byte("0123456789abcdefghijklmnopqrstuvwxyzABCD"), Accounts: ac})
		return err
	}
	for _, bad := range []string{"javascript:alert(1)", "//evil.com", "/\\evil.com", "https:evil.com", "https://app.example@evil.com",
		"%2F%2Fevil.com", "/\t/evil.com", "data:text/html,x", "https://app.example\\@evil.com"} {
		if err := build(func(ac *AccountConfig) { ac.FrontendURL = bad }); err == nil || !strings.Contains(err.Error(), "FrontendURL") {
			t.Errorf("FrontendURL %q: %v", bad, err)
		}
		tmpl := bad + "/{uid}/{token}/"
		if err := build(func(ac *AccountConfig) { ac.PasswordResetURL = tmpl }); err == nil || !strings.Contains(err.Error(), "PasswordResetURL") {
			t.Errorf("PasswordResetURL %q: %v", tmpl, err)
		}
		tmpl = bad + "/{key}/"
		if err := build(func(ac *AccountConfig) { ac.VerifyEmailURL = tmpl }); err == nil || !strings.Contains(err.Error(), "VerifyEmailURL") {
			t.Errorf("VerifyEmailURL %q: %v", tmpl, err)
		}
	}
	for _, good := range []func(*AccountConfig){
		func(*AccountConfig) {},
		func(ac *AccountConfig) { ac.FrontendURL = "http://127.0.0.1:8000/app/" },
		func(ac *AccountConfig) { ac.PasswordResetURL = "https://app.example/#/reset?uid={uid}&token={token}" },
		func(ac *AccountConfig) { ac.VerifyEmailURL = "https://app.example/verify/{key}" },
	} {
		if err := build(good); err != nil {
			t.Error(err)
		}
	}
}
