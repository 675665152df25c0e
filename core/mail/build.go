package mail

import (
	"bytes"
	"crypto/rand"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// transferEncoding is the Content-Transfer-Encoding of the body parts.
type transferEncoding string

const (
	// quotedPrintable keeps the message 7-bit with short lines (SMTP).
	quotedPrintable transferEncoding = "quoted-printable"
	// eightBit leaves the text readable, links unbroken (console output).
	eightBit transferEncoding = "8bit"
)

// buildMessage renders m as an RFC 5322 message with CRLF line endings.
// from and to are parsed addresses; m must have been validated.
func buildMessage(from, to *mail.Address, m Message, now time.Time, enc transferEncoding) ([]byte, error) {
	var h strings.Builder
	headers := [][2]string{
		{"From", from.String()},
		{"To", to.String()},
		{"Subject", encodeText(m.Subject)},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", messageID(from.Address)},
		{"MIME-Version", "1.0"},
	}
	for _, kv := range headers {
		if err := writeHeader(&h, kv[0], kv[1]); err != nil {
			return nil, err
		}
	}

	var body bytes.Buffer
	switch {
	case m.Text != "" && m.HTML != "":
		mw := multipart.NewWriter(&body)
		ct := mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": mw.Boundary()})
		if err := writeHeader(&h, "Content-Type", ct); err != nil {
			return nil, err
		}
		for _, p := range []struct{ typ, text string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
			w, err := mw.CreatePart(textproto.MIMEHeader{
				"Content-Type":              {p.typ + "; charset=utf-8"},
				"Content-Transfer-Encoding": {string(enc)},
			})
			if err != nil {
				return nil, err
			}
			if err := writeBody(w, p.text, enc); err != nil {
				return nil, err
			}
		}
		if err := mw.Close(); err != nil {
			return nil, err
		}
	default:
		typ, text := "text/plain", m.Text
		if text == "" {
			typ, text = "text/html", m.HTML
		}
		h.WriteString("Content-Type: " + typ + "; charset=utf-8\r\n")
		h.WriteString("Content-Transfer-Encoding: " + string(enc) + "\r\n")
		if err := writeBody(&body, text, enc); err != nil {
			return nil, err
		}
	}
	if !bytes.HasSuffix(body.Bytes(), []byte("\r\n")) {
		body.WriteString("\r\n")
	}

	out := make([]byte, 0, h.Len()+2+body.Len())
	out = append(out, h.String()...)
	out = append(out, "\r\n"...)
	return append(out, body.Bytes()...), nil
}

// writeBody writes text in the given transfer encoding with CRLF line
// endings.
func writeBody(w io.Writer, text string, enc transferEncoding) error {
	if enc == eightBit {
		_, err := io.WriteString(w, crlf(text))
		return err
	}
	qw := quotedprintable.NewWriter(w) // text mode: line breaks become CRLF
	if _, err := io.WriteString(qw, text); err != nil {
		return err
	}
	return qw.Close()
}

// crlf normalises CRLF, CR and LF line breaks to CRLF.
func crlf(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.ReplaceAll(s, "\n", "\r\n")
}

// messageID returns a random Message-ID at the sender's domain.
func messageID(from string) string {
	domain := domainOf(from)
	if !isMsgIDDomain(domain) {
		domain = "localhost"
	}
	return "<" + rand.Text() + "@" + domain + ">"
}

// isMsgIDDomain reports whether d can be the right side of a Message-ID as
// is: non-empty printable ASCII without specials that would end the id.
func isMsgIDDomain(d string) bool {
	if d == "" {
		return false
	}
	for _, r := range d {
		if r <= ' ' || r > '~' || strings.ContainsRune("<>\"\\", r) {
			return false
		}
	}
	return true
}
