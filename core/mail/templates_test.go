package mail_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/restauth/restauth/core/mail"
)

func siteData() mail.Data {
	return mail.Data{
		SiteName:         "example.com",
		SiteDomain:       "example.com",
		Username:         "alice",
		ActivateURL:      "https://example.com/api/auth/registration/account-confirm-email/KEY/",
		PasswordResetURL: "https://example.com/password-reset/MQ/TOKEN/",
	}
}

func TestDefaultTemplates(t *testing.T) {
	tpl := mail.DefaultTemplates()
	if got := tpl.Names(); strings.Join(got, ",") != "email_confirmation,password_changed,password_reset,password_reset_complete" {
		t.Fatalf("Names = %q", got)
	}

	subject, text, html, err := tpl.Render(mail.TemplateEmailConfirmation, siteData())
	if err != nil {
		t.Fatal(err)
	}
	if subject != "[example.com] Please Confirm Your E-mail Address" {
		t.Errorf("subject = %q", subject)
	}
	wantText := "Hello from example.com!\n\nYou're receiving this e-mail because user alice has given your e-mail address to register an account on example.com.\n\nTo confirm this is correct, go to https://example.com/api/auth/registration/account-confirm-email/KEY/\n\nThank you for using example.com!\nexample.com\n"
	if text != wantText {
		t.Errorf("text =\n%s\nwant\n%s", text, wantText)
	}
	if !strings.Contains(html, `<a href="https://example.com/api/auth/registration/account-confirm-email/KEY/">`) {
		t.Errorf("html lacks the link:\n%s", html)
	}

	subject, text, html, err = tpl.Render(mail.TemplatePasswordReset, siteData())
	if err != nil {
		t.Fatal(err)
	}
	if subject != "[example.com] Password Reset E-mail" {
		t.Errorf("subject = %q", subject)
	}
	wantText = "Hello from example.com!\n\nYou're receiving this e-mail because you or someone else has requested a password for your user account.\nIt can be safely ignored if you did not request a password reset. Click the link below to reset your password.\n\nhttps://example.com/password-reset/MQ/TOKEN/\n\nIn case you forgot, your username is alice.\n\nThank you for using example.com!\nexample.com\n"
	if text != wantText {
		t.Errorf("text =\n%s\nwant\n%s", text, wantText)
	}
	if !strings.Contains(html, "https://example.com/password-reset/MQ/TOKEN/") || !strings.Contains(html, "alice") {
		t.Errorf("html:\n%s", html)
	}
}

// TestDefaultNotificationTemplates pins the password changed and password
// reset notifications: allauth's wording, and neither a secret nor a link
// even when the data carries them.
func TestDefaultNotificationTemplates(t *testing.T) {
	tpl := mail.DefaultTemplates()
	d := siteData()
	d.UID, d.Token, d.Key = "MQ", "TOKEN", "KEY"
	for _, c := range []struct{ name, subject, change string }{
		{mail.TemplatePasswordChanged, "[example.com] Your Password has been changed", "Your password has been changed."},
		{mail.TemplatePasswordResetComplete, "[example.com] Password Reset", "Your password has been reset."},
	} {
		subject, text, html, err := tpl.Render(c.name, d)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if subject != c.subject {
			t.Errorf("%s: subject = %q", c.name, subject)
		}
		wantText := "Hello from example.com!\n\nYou are receiving this mail because the following change was made to your account:\n\n" +
			c.change + "\n\nIf you do not recognize this change then please take proper security precautions immediately.\n\nThank you for using example.com!\nexample.com\n"
		if text != wantText {
			t.Errorf("%s: text =\n%s\nwant\n%s", c.name, text, wantText)
		}
		if !strings.Contains(html, "<p>"+c.change+"</p>") {
			t.Errorf("%s: html lacks the change:\n%s", c.name, html)
		}
		for _, bad := range []string{"://", "href", "TOKEN", "KEY", "MQ"} {
			if strings.Contains(text, bad) || strings.Contains(html, bad) {
				t.Errorf("%s: body contains %q", c.name, bad)
			}
		}
	}
}

func TestTemplatesHTMLEscapes(t *testing.T) {
	d := siteData()
	d.Username = `<script>alert(1)</script>`
	d.ActivateURL = "javascript:alert(1)"
	_, text, html, err := mail.DefaultTemplates().Render(mail.TemplateEmailConfirmation, d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, `href="javascript:`) {
		t.Errorf("html not escaped:\n%s", html)
	}
	if !strings.Contains(text, "<script>") {
		t.Errorf("text body must not be HTML-escaped:\n%s", text)
	}
}

func TestTemplatesMapData(t *testing.T) {
	tpl := mail.DefaultTemplates()
	data := map[string]any{"SiteName": "s", "SiteDomain": "d", "Username": "u", "ActivateURL": "https://x/"}
	if _, _, _, err := tpl.Render(mail.TemplateEmailConfirmation, data); err != nil {
		t.Fatalf("map data: %v", err)
	}
	delete(data, "ActivateURL")
	if _, _, _, err := tpl.Render(mail.TemplateEmailConfirmation, data); err == nil {
		t.Fatal("a missing key must fail, not render <no value>")
	}
}

func TestTemplatesUnknown(t *testing.T) {
	_, _, _, err := mail.DefaultTemplates().Render("nope", nil)
	if !errors.Is(err, mail.ErrUnknownTemplate) {
		t.Fatalf("err = %v", err)
	}
	if _, err := mail.DefaultTemplates().Message("nope", "a@example.org", nil); !errors.Is(err, mail.ErrUnknownTemplate) {
		t.Fatalf("Message err = %v", err)
	}
}

func TestTemplatesOverride(t *testing.T) {
	tpl := mail.DefaultTemplates()
	err := tpl.Override(mail.TemplatePasswordReset, "Reset for {{.Username}}\n", "Go to {{.PasswordResetURL}}\n", "")
	if err != nil {
		t.Fatal(err)
	}
	subject, text, html, err := tpl.Render(mail.TemplatePasswordReset, siteData())
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Reset for alice" || text != "Go to https://example.com/password-reset/MQ/TOKEN/\n" || html != "" {
		t.Errorf("got %q %q %q", subject, text, html)
	}
	// Other sets are independent.
	if s, _, _, _ := mail.DefaultTemplates().Render(mail.TemplatePasswordReset, siteData()); s != "[example.com] Password Reset E-mail" {
		t.Errorf("DefaultTemplates shares state: %q", s)
	}

	msg, err := tpl.Message(mail.TemplatePasswordReset, "alice@example.org", siteData())
	if err != nil || msg.Template != mail.TemplatePasswordReset || msg.To != "alice@example.org" || msg.Subject != "Reset for alice" {
		t.Errorf("Message = %+v, %v", msg, err)
	}
}

func TestTemplatesOverrideErrors(t *testing.T) {
	tpl := mail.DefaultTemplates()
	for _, tt := range []struct{ name, subject, text, html string }{
		{"password_reset", "{{.Broken", "t", ""},
		{"password_reset", "s", "{{if}}", ""},
		{"password_reset", "s", "t", "{{end}}"},
		{"password_reset", "", "t", ""},
		{"password_reset", "s", " \n", ""},
		{"", "s", "t", ""},
		{"../etc", "s", "t", ""},
		{"a b", "s", "t", ""},
	} {
		if err := tpl.Override(tt.name, tt.subject, tt.text, tt.html); !errors.Is(err, mail.ErrInvalidTemplate) {
			t.Errorf("Override(%q, %q, %q, %q): err = %v", tt.name, tt.subject, tt.text, tt.html, err)
		}
	}
	// Failed overrides leave the set unchanged.
	if s, _, _, _ := tpl.Render(mail.TemplatePasswordReset, siteData()); s != "[example.com] Password Reset E-mail" {
		t.Errorf("subject = %q", s)
	}
}

func TestTemplatesSubjectSingleLine(t *testing.T) {
	tpl := mail.DefaultTemplates()
	if err := tpl.Override("x", "  Hi\n{{.FirstName}}\t!\u2028end  \n", "t", ""); err != nil {
		t.Fatal(err)
	}
	s, _, _, err := tpl.Render("x", mail.Data{FirstName: "A\r\n\r\nB\x00C\u0085D"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Hi A B C D ! end"; s != want {
		t.Errorf("subject = %q, want %q", s, want)
	}
}

func TestLoadTemplates(t *testing.T) {
	fsys := fstest.MapFS{
		// Subject only: the default bodies stay.
		"email_confirmation_subject.txt": {Data: []byte("Confirm, {{.Username}}\n")},
		// Text only: the default HTML is dropped.
		"password_reset.txt": {Data: []byte("Reset: {{.PasswordResetURL}}\n")},
		// A new mail.
		"welcome_subject.txt": {Data: []byte("Welcome to {{.SiteName}}")},
		"welcome.txt":         {Data: []byte("Hi {{.Username}}\n")},
		"welcome.html":        {Data: []byte("<p>Hi {{.Username}}</p>")},
		// Ignored.
		"README.md":       {Data: []byte("notes")},
		"sub/welcome.txt": {Data: []byte("{{.Broken")},
	}
	tpl, err := mail.LoadTemplates(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tpl.Names(), ","); got != "email_confirmation,password_changed,password_reset,password_reset_complete,welcome" {
		t.Errorf("Names = %s", got)
	}
	s, text, html, err := tpl.Render(mail.TemplateEmailConfirmation, siteData())
	if err != nil || s != "Confirm, alice" || !strings.HasPrefix(text, "Hello from example.com!") || html == "" {
		t.Errorf("email_confirmation: %q %q %q %v", s, text, html, err)
	}
	s, text, html, err = tpl.Render(mail.TemplatePasswordReset, siteData())
	if err != nil || s != "[example.com] Password Reset E-mail" || text != "Reset: https://example.com/password-reset/MQ/TOKEN/\n" || html != "" {
		t.Errorf("password_reset: %q %q %q %v", s, text, html, err)
	}
	s, text, html, err = tpl.Render("welcome", siteData())
	if err != nil || s != "Welcome to example.com" || text != "Hi alice\n" || html != "<p>Hi alice</p>" {
		t.Errorf("welcome: %q %q %q %v", s, text, html, err)
	}
}

func TestLoadTemplatesErrors(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"parse error":      {"password_reset.txt": {Data: []byte("{{.Broken")}},
		"new without text": {"welcome_subject.txt": {Data: []byte("s")}},
		"new without subj": {"welcome.txt": {Data: []byte("t")}},
		"bad name":         {"bad name.txt": {Data: []byte("t")}},
	} {
		if _, err := mail.LoadTemplates(fsys); !errors.Is(err, mail.ErrInvalidTemplate) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestTemplatesConcurrent(t *testing.T) {
	tpl := mail.DefaultTemplates()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 50 {
				if i%2 == 0 {
					_ = tpl.Override("x", "s", "t", "")
				} else if _, _, _, err := tpl.Render(mail.TemplatePasswordReset, siteData()); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}
