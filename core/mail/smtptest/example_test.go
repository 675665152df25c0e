package smtptest_test

import (
	"net/smtp"
	"testing"
	"time"

	"github.com/restauth/restauth/core/mail/smtptest"
)

func ExampleNewServer() {
	// Inside a test function:
	testSignupMail := func(t *testing.T) {
		srv := smtptest.NewServer(t, smtptest.WithAuth("user", "pass"))

		// The code under test sends to srv.Addr() (and trusts
		// srv.TLSConfig() when WithTLS or WithImplicitTLS is used).
		auth := smtp.PlainAuth("", "user", "pass", "127.0.0.1")
		msg := []byte("Subject: Please confirm\r\n\r\nhttps://example.com/confirm/KEY/\r\n")
		if err := smtp.SendMail(srv.Addr(), auth, "no-reply@example.com", []string{"alice@example.org"}, msg); err != nil {
			t.Fatal(err)
		}

		got := srv.WaitForMessages(1, time.Second)
		if len(got) != 1 || got[0].Subject != "Please confirm" || got[0].To[0] != "alice@example.org" {
			t.Fatalf("received %+v", got)
		}
	}
	_ = testSignupMail
}
