// Package smtptest runs a small but real SMTP server on the loopback
// interface for tests.
//
// It implements the RFC 5321 subset a mail client needs: greeting, EHLO and
// HELO, STARTTLS (RFC 3207), AUTH PLAIN (RFC 4954), MAIL, RCPT (several),
// DATA with dot-unstuffing, RSET, NOOP and QUIT, with 500/501/502/503
// replies for unknown commands, bad syntax and bad sequences, and RFC 5321
// line length limits (512 octets per command line, 1000 per text line).
// DATA lines must end in CRLF: a bare LF fails the message (SMTP
// smuggling), and only CRLF.CRLF ends it.
//
// Every accepted message is parsed with net/mail; quoted-printable and
// base64 parts, nested multiparts and RFC 2047 subjects are decoded so
// tests can compare [Received.Body], [Received.HTML] and
// [Received.Subject] with what they sent.
//
//	srv := smtptest.NewServer(t, smtptest.WithTLS(), smtptest.WithAuth("u", "p"))
//	// point the code under test at srv.Addr(), trusting srv.TLSConfig()
//	msgs := srv.WaitForMessages(1, time.Second)
//
// The server is closed by t.Cleanup; all its goroutines end before the
// test does.
package smtptest
