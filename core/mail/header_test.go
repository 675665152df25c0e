package mail

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
	"time"
)

func TestWriteHeaderFolds(t *testing.T) {
	var b strings.Builder
	value := strings.Repeat("word ", 40) + " double  space"
	if err := writeHeader(&b, "Subject", value); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
	if len(lines) < 3 {
		t.Fatalf("not folded: %q", out)
	}
	for i, l := range lines {
		if len(l) > foldWidth {
			t.Errorf("line %d too long: %q", i, l)
		}
		if i > 0 && (!strings.HasPrefix(l, " ") || strings.TrimSpace(l) == "") {
			t.Errorf("bad continuation line %q", l)
		}
	}
	// Unfolding (remove CRLF before WSP) restores the value.
	unfolded := strings.ReplaceAll(strings.TrimSuffix(out, "\r\n"), "\r\n", "")
	if unfolded != "Subject: "+value {
		t.Errorf("unfolded = %q", unfolded)
	}
}

func TestWriteHeaderTooLong(t *testing.T) {
	var b strings.Builder
	err := writeHeader(&b, "Subject", strings.Repeat("x", maxLine))
	if !errors.Is(err, ErrInvalidHeader) {
		t.Fatalf("err = %v", err)
	}
}

func TestBuildMessageSubjectTooLong(t *testing.T) {
	from := &mail.Address{Address: "a@example.com"}
	to := &mail.Address{Address: "b@example.com"}
	_, err := buildMessage(from, to, Message{Subject: strings.Repeat("y", 2000), Text: "t"}, time.Now(), quotedPrintable)
	if !errors.Is(err, ErrInvalidHeader) {
		t.Fatalf("err = %v", err)
	}
}

func TestMessageIDDomain(t *testing.T) {
	for from, want := range map[string]string{
		"a@example.com":  "@example.com>",
		"a@[127.0.0.1]":  "@[127.0.0.1]>",
		"a@exämple.com":  "@localhost>",
		"a@ex>ample.com": "@localhost>",
	} {
		if id := messageID(from); !strings.HasSuffix(id, want) || !strings.HasPrefix(id, "<") {
			t.Errorf("messageID(%q) = %q", from, id)
		}
	}
}

func TestEnvelopeAddressQuotes(t *testing.T) {
	a, err := mail.ParseAddress(`"john doe"@example.com`)
	if err != nil {
		t.Fatal(err)
	}
	if got := envelopeAddress(a); got != `"john doe"@example.com` {
		t.Errorf("envelope = %q", got)
	}
}
