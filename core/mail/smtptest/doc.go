// Package smtptest runs a real SMTP server on the loopback interface for
// tests: github.com/emersion/go-smtp speaks the protocol, and this package
// adds what tests need around it.
//
//   - WithTLS offers STARTTLS (RFC 3207), WithImplicitTLS speaks TLS from
//     the first byte, both with a certificate made at start that
//     [Server.TLSConfig] trusts.
//   - WithAuth requires AUTH PLAIN (RFC 4954) before MAIL; it is offered
//     only over TLS when the server has TLS to offer.
//   - WithFailRcpt refuses every recipient; WithDelay makes a slow server.
//   - DATA lines must end in CRLF: a bare CR or LF fails the message (SMTP
//     smuggling), and only CRLF.CRLF ends it. A line over 1000 octets
//     (plus a stuffed dot) ends the connection.
//
// Every accepted message is kept as a [Received] and parsed with
// net/mail; quoted-printable and base64 parts, nested multiparts and
// RFC 2047 subjects are decoded so tests can compare [Received.Body],
// [Received.HTML] and [Received.Subject] with what they sent.
//
//	srv := smtptest.NewServer(t, smtptest.WithTLS(), smtptest.WithAuth("u", "p"))
//	// point the code under test at srv.Addr(), trusting srv.TLSConfig()
//	msgs := srv.WaitForMessages(1, time.Second)
//
// The server is closed by t.Cleanup; all its goroutines end before the
// test does. Its replies to protocol errors (codes and texts) are those of
// the engine, not promised by this package.
package smtptest
