package mail

import (
	"fmt"
	"mime"
	"strings"
)

const (
	// foldWidth is the RFC 5322 recommended line length (78 characters).
	foldWidth = 78
	// maxLine is the RFC 5322 hard limit (998 characters plus CRLF).
	maxLine = 998
)

// writeHeader appends "Name: value" CRLF to b, folding at spaces so lines
// stay within foldWidth where possible. value must already be encoded and
// free of line breaks; a line longer than maxLine is an ErrInvalidHeader.
func writeHeader(b *strings.Builder, name, value string) error {
	line := name + ":"
	content := false // line holds a word after the name or the fold
	for _, word := range strings.Split(value, " ") {
		if content && word != "" && len(line)+1+len(word) > foldWidth {
			if err := endLine(b, name, line); err != nil {
				return err
			}
			line, content = "", false
		}
		line += " " + word
		content = content || word != ""
	}
	return endLine(b, name, line)
}

// endLine appends one header line and its CRLF, enforcing maxLine.
func endLine(b *strings.Builder, name, line string) error {
	if len(line) > maxLine {
		return fmt.Errorf("%w: %s line too long", ErrInvalidHeader, name)
	}
	b.WriteString(line)
	b.WriteString("\r\n")
	return nil
}

// encodeText RFC 2047 encodes an unstructured header value (Subject) when
// it contains anything but printable ASCII, spaces and tabs. Control
// characters other than tab end up encoded, never raw.
func encodeText(s string) string {
	return mime.QEncoding.Encode("utf-8", s)
}
