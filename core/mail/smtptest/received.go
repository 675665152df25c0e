package smtptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// maxPartDepth bounds multipart nesting.
const maxPartDepth = 5

// Received is one message the server accepted.
type Received struct {
	// From is the envelope sender (MAIL FROM), "" for the null path.
	From string
	// To are the envelope recipients (RCPT TO), in order, as the engine
	// parsed them: a quoted local part loses its quotes.
	To []string
	// Data is the message as received: dot-unstuffed, CRLF line endings,
	// without the terminating ".".
	Data []byte
	// Header is the parsed header section (nil if Data did not parse).
	Header mail.Header
	// Subject is the Subject header with RFC 2047 words decoded.
	Subject string
	// Body is the decoded text/plain part (the whole body for a
	// single-part text message), with LF line endings.
	Body string
	// HTML is the decoded text/html part, with LF line endings, or "".
	HTML string
	// TLS reports whether the message came over TLS (STARTTLS or
	// implicit).
	TLS bool
	// AuthUser is the AUTH PLAIN user of the session, or "".
	AuthUser string
	// Helo is the name the client gave in EHLO/HELO.
	Helo string
	// ParseErr is the first error met while parsing Data, or nil.
	ParseErr error
}

// parse fills Header, Subject, Body, HTML and ParseErr from Data.
func (r *Received) parse() {
	msg, err := mail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		r.ParseErr = fmt.Errorf("smtptest: header: %w", err)
		return
	}
	r.Header = msg.Header
	if subj, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		r.ParseErr = fmt.Errorf("smtptest: subject: %w", err)
		r.Subject = msg.Header.Get("Subject")
	} else {
		r.Subject = subj
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		r.ParseErr = fmt.Errorf("smtptest: body: %w", err)
		return
	}
	if err := r.walk(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), body, 0); err != nil && r.ParseErr == nil {
		r.ParseErr = err
	}
}

// walk decodes one entity, descending into multiparts, and keeps the first
// text/plain and text/html parts.
func (r *Received) walk(contentType, cte string, body []byte, depth int) error {
	if contentType == "" {
		contentType = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("smtptest: Content-Type: %w", err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		if depth >= maxPartDepth {
			return fmt.Errorf("smtptest: multipart nested too deep")
		}
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("smtptest: multipart: %w", err)
			}
			pb, err := io.ReadAll(p)
			if err != nil {
				return fmt.Errorf("smtptest: multipart: %w", err)
			}
			if err := r.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), pb, depth+1); err != nil {
				return err
			}
		}
	}
	text, err := decodeTransfer(cte, body)
	if err != nil {
		return err
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	switch mediaType {
	case "text/plain":
		if r.Body == "" {
			r.Body = text
		}
	case "text/html":
		if r.HTML == "" {
			r.HTML = text
		}
	}
	return nil
}

// decodeTransfer undoes a Content-Transfer-Encoding.
func decodeTransfer(cte string, body []byte) (string, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit", "binary":
		return string(body), nil
	case "quoted-printable":
		b, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(body)))
		if err != nil {
			return "", fmt.Errorf("smtptest: quoted-printable: %w", err)
		}
		return string(b), nil
	case "base64":
		b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(body)))
		if err != nil {
			return "", fmt.Errorf("smtptest: base64: %w", err)
		}
		return string(b), nil
	}
	return "", fmt.Errorf("smtptest: unknown Content-Transfer-Encoding %q", cte)
}
