package mail_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/restauth/restauth/core/mail"
)

func TestConsole(t *testing.T) {
	var out, logs bytes.Buffer
	c := mail.NewConsole(&out, slog.New(slog.NewTextHandler(&logs, nil)))
	msg := resetMessage()
	msg.Subject = "[example.com] Réinitialisation"
	msg.Text = "Reset: https://example.com/password-reset/MQ/" + strings.Repeat("t", 90) + "/\n"
	if err := c.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "Subject: =?utf-8?q?[example.com]_R=C3=A9initialisation?=") {
		t.Errorf("console output lacks the subject:\n%s", s)
	}
	if !strings.Contains(s, "To: <alice@example.org>") || !strings.Contains(s, "From: <"+mail.ConsoleFrom+">") {
		t.Errorf("console output lacks addresses:\n%s", s)
	}
	// Development output keeps links whole (no quoted-printable soft breaks).
	if !strings.Contains(s, msg.Text) {
		t.Errorf("console output breaks the link:\n%s", s)
	}
	if strings.Contains(s, "\r") {
		t.Error("console output has CRs")
	}

	l := logs.String()
	if !strings.Contains(l, "template=password_reset") || !strings.Contains(l, "to_domain=example.org") {
		t.Errorf("log lacks template or domain: %s", l)
	}
	if strings.Contains(l, "alice") || strings.Contains(l, "password-reset/MQ") || strings.Contains(l, "Réinit") {
		t.Errorf("log leaks the address, subject or body: %s", l)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestConsoleWriteError(t *testing.T) {
	c := mail.NewConsole(failWriter{}, nil)
	if err := c.Send(context.Background(), resetMessage()); err == nil {
		t.Fatal("write error swallowed")
	}
}
