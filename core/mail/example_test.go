package mail_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"strings"
	"testing/fstest"
	"time"

	"github.com/restauth/restauth/core/mail"
)

func ExampleNewSMTP() {
	mailer, err := mail.NewSMTP(mail.SMTPConfig{
		Addr:     "smtp.example.com:587",
		From:     "restauth <no-reply@example.com>",
		Security: mail.SecurityStartTLS,
		Username: "no-reply@example.com",
		Password: "app-password",
		Timeout:  5 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	msg, err := mail.DefaultTemplates().Message(mail.TemplatePasswordReset, "alice@example.org", mail.Data{
		SiteName:         "example.com",
		SiteDomain:       "example.com",
		Username:         "alice",
		PasswordResetURL: "https://example.com/reset/MQ/token/",
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := mailer.Send(ctx, msg); err != nil {
		// Answer the reset request as usual (T-RESET-03); log without the body.
		log.Printf("reset mail not sent: %v", err)
	}
}

func ExampleTemplates_Render() {
	subject, text, _, err := mail.DefaultTemplates().Render(mail.TemplateEmailConfirmation, mail.Data{
		SiteName:    "example.com",
		SiteDomain:  "example.com",
		Username:    "alice",
		ActivateURL: "https://example.com/api/auth/registration/account-confirm-email/KEY/",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(subject)
	fmt.Print(text)
	// Output:
	// [example.com] Please Confirm Your E-mail Address
	// Hello from example.com!
	//
	// You're receiving this e-mail because user alice has given your e-mail address to register an account on example.com.
	//
	// To confirm this is correct, go to https://example.com/api/auth/registration/account-confirm-email/KEY/
	//
	// Thank you for using example.com!
	// example.com
}

func ExampleTemplates_Override() {
	tpl := mail.DefaultTemplates()
	err := tpl.Override(mail.TemplatePasswordReset,
		"Reset your {{.SiteName}} password",
		"Hi {{.Username}}, open {{.PasswordResetURL}}\n",
		`<p>Hi {{.Username}}, open <a href="{{.PasswordResetURL}}">this link</a>.</p>`)
	if err != nil {
		log.Fatal(err)
	}
	subject, text, html, _ := tpl.Render(mail.TemplatePasswordReset, mail.Data{
		SiteName: "Acme", Username: "<bob>", PasswordResetURL: "https://acme.test/r/MQ/t/",
	})
	fmt.Println(subject)
	fmt.Print(text)
	fmt.Println(html)
	// Output:
	// Reset your Acme password
	// Hi <bob>, open https://acme.test/r/MQ/t/
	// <p>Hi &lt;bob&gt;, open <a href="https://acme.test/r/MQ/t/">this link</a>.</p>
}

func ExampleLoadTemplates() {
	// Usually os.DirFS("mail-templates") or an embed.FS.
	files := fstest.MapFS{
		"password_reset_subject.txt": {Data: []byte("{{.SiteName}}: reset your password\n")},
	}
	tpl, err := mail.LoadTemplates(files)
	if err != nil {
		log.Fatal(err)
	}
	subject, _, _, _ := tpl.Render(mail.TemplatePasswordReset, mail.Data{SiteName: "Acme", PasswordResetURL: "https://acme.test/r/MQ/t/"})
	fmt.Println(subject)
	// Output: Acme: reset your password
}

func ExampleOutbox() {
	outbox := mail.NewOutbox()
	_ = outbox.Send(context.Background(), mail.Message{
		To: "alice@example.org", Subject: "Hello", Text: "Hi!\n",
	})
	last, _ := outbox.Last()
	fmt.Println(len(outbox.Messages()), last.To, last.Subject)

	// Fault injection: the next sends fail.
	outbox.FailWith(fmt.Errorf("smtp down"))
	fmt.Println(outbox.Send(context.Background(), last))
	// Output:
	// 1 alice@example.org Hello
	// smtp down
}

func ExampleNewConsole() {
	var out bytes.Buffer
	console := mail.NewConsole(&out, nil) // os.Stdout in the starters
	_ = console.Send(context.Background(), mail.Message{
		To: "alice@example.org", Subject: "Please confirm", Text: "https://example.com/confirm/KEY/\n",
	})
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "Subject:") || strings.HasPrefix(line, "https:") {
			fmt.Println(line)
		}
	}
	// Output:
	// Subject: Please confirm
	// https://example.com/confirm/KEY/
}

func ExampleMessage_Validate() {
	msg := mail.Message{To: "a@b.com\r\nBcc: x@evil.test", Subject: "Hi", Text: "body"}
	fmt.Println(msg.Validate())
	// Output: mail: invalid address: To contains CR, LF or NUL
}
