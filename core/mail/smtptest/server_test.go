package smtptest_test

import (
	"crypto/tls"
	"encoding/base64"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core/mail/smtptest"
)

// client is a raw SMTP conversation for protocol tests.
type client struct {
	t    *testing.T
	conn net.Conn
	text *textproto.Conn
}

// dial connects and reads the greeting.
func dial(t *testing.T, srv *smtptest.Server) *client {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, conn: conn, text: textproto.NewConn(conn)}
	t.Cleanup(func() { c.text.Close() })
	c.expect(220)
	return c
}

// expect reads one reply and checks its code; it returns the text.
func (c *client) expect(code int) string {
	c.t.Helper()
	got, msg, err := c.text.ReadResponse(0)
	if err != nil && got == 0 {
		c.t.Fatalf("read reply: %v", err)
	}
	if got != code {
		c.t.Fatalf("reply %d %q, want %d", got, msg, code)
	}
	return msg
}

// cmd sends one command line and checks the reply code.
func (c *client) cmd(code int, line string) string {
	c.t.Helper()
	if err := c.text.PrintfLine("%s", line); err != nil {
		c.t.Fatal(err)
	}
	return c.expect(code)
}

// closed checks that the server has closed the connection.
func (c *client) closed() {
	c.t.Helper()
	if line, err := c.text.ReadLine(); err == nil {
		c.t.Fatalf("connection still open: read %q", line)
	}
}

// raw writes bytes as they are.
func (c *client) raw(s string) {
	c.t.Helper()
	if _, err := c.conn.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

func plain(user, pass string) string {
	return base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
}

// TestSequenceErrors drives one session through commands out of order
// and malformed ones: each is refused, the session goes on, and nothing is
// recorded. The codes are the engine's; the ones the backend decides
// (530, 503 for a second MAIL) are asserted exactly.
func TestSequenceErrors(t *testing.T) {
	srv := smtptest.NewServer(t)
	c := dial(t, srv)
	c.cmd(502, "MAIL FROM:<a@example.com>") // before EHLO
	c.cmd(501, "EHLO")
	ehlo := c.cmd(250, "EHLO client.test")
	for _, ext := range []string{"8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "SIZE 10485760"} {
		if !strings.Contains(ehlo, ext) {
			t.Errorf("EHLO lacks %s: %q", ext, ehlo)
		}
	}
	if strings.Contains(ehlo, "STARTTLS") || strings.Contains(ehlo, "AUTH") {
		t.Errorf("EHLO offers TLS or AUTH without the options: %q", ehlo)
	}
	c.cmd(502, "RCPT TO:<b@example.com>")
	c.cmd(502, "DATA")
	c.cmd(501, "MAIL FROM:<a@>")
	c.cmd(500, "MAIL FROM:<a@example.com> FOO=bar")
	c.cmd(552, "MAIL FROM:<a@example.com> SIZE=20000000")
	c.cmd(250, "MAIL FROM:<a@example.com> BODY=8BITMIME SMTPUTF8")
	c.cmd(503, "MAIL FROM:<a@example.com>")
	c.cmd(502, "DATA")
	c.cmd(501, "RCPT TO:<no-at-sign>")
	c.cmd(501, "RCPT TO:<a b@example.com>")
	c.cmd(250, "RCPT TO:<b@example.com>")
	c.cmd(250, "rcpt to:<c@example.com>")
	c.cmd(250, "RSET")
	c.cmd(502, "DATA")
	c.cmd(250, "NOOP")
	c.cmd(500, "FROB")
	c.cmd(502, "STARTTLS")
	c.cmd(502, "AUTH PLAIN")
	c.cmd(221, "QUIT")
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("got %d messages", n)
	}
}

func TestDataDotUnstuffingAndRecipients(t *testing.T) {
	srv := smtptest.NewServer(t)
	c := dial(t, srv)
	c.cmd(250, "HELO client.test")
	c.cmd(250, "MAIL FROM:<>")
	c.cmd(250, "RCPT TO:<b@example.com>")
	c.cmd(250, `RCPT TO:<"c d"@example.com>`)
	c.cmd(354, "DATA")
	c.raw("Subject: dots\r\n\r\n..one\r\n..\r\n...\r\nline.\r\n")
	c.cmd(250, ".")
	got := srv.WaitForMessages(1, time.Second)
	if len(got) != 1 {
		t.Fatalf("got %d messages", len(got))
	}
	r := got[0]
	if r.From != "" || strings.Join(r.To, ",") != "b@example.com,c d@example.com" || r.Helo != "client.test" || r.TLS || r.AuthUser != "" {
		t.Errorf("envelope %q %q helo %q TLS %v auth %q", r.From, r.To, r.Helo, r.TLS, r.AuthUser)
	}
	if string(r.Data) != "Subject: dots\r\n\r\n.one\r\n.\r\n..\r\nline.\r\n" {
		t.Errorf("data = %q", r.Data)
	}
	if r.Subject != "dots" || r.Body != ".one\n.\n..\nline.\n" {
		t.Errorf("subject %q body %q", r.Subject, r.Body)
	}
	// The transaction is over; a new one may start, and a second EHLO
	// renames the client.
	c.cmd(502, "RCPT TO:<b@example.com>")
	c.cmd(250, "EHLO other.test")
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<b@example.com>")
	c.cmd(354, "DATA")
	c.raw("Subject: two\r\n\r\nx\r\n")
	c.cmd(250, ".")
	if got := srv.WaitForMessages(2, time.Second); len(got) != 2 || got[1].Helo != "other.test" || got[1].From != "a@example.com" {
		t.Fatalf("second message %+v", got)
	}
}

// TestChunking sends a message with BDAT (RFC 3030), which the engine
// offers: the backend records it the same way.
func TestChunking(t *testing.T) {
	srv := smtptest.NewServer(t)
	c := dial(t, srv)
	if ehlo := c.cmd(250, "EHLO client.test"); !strings.Contains(ehlo, "CHUNKING") {
		t.Fatalf("EHLO: %q", ehlo)
	}
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<b@example.com>")
	part1, part2 := "Subject: chunks\r\n\r\n", "one\r\n.two\r\n"
	c.raw("BDAT " + strconv.Itoa(len(part1)) + "\r\n" + part1)
	c.expect(250)
	c.raw("BDAT " + strconv.Itoa(len(part2)) + " LAST\r\n" + part2)
	c.expect(250)
	got := srv.WaitForMessages(1, time.Second)
	if len(got) != 1 || string(got[0].Data) != part1+part2 || got[0].Body != "one\n.two\n" {
		t.Fatalf("received %+v", got)
	}
}

// TestLineLimits: a text line of 1000 octets with CRLF, plus a stuffed
// dot, passes; a longer one fails the message and ends the connection.
func TestLineLimits(t *testing.T) {
	srv := smtptest.NewServer(t)
	c := dial(t, srv)
	c.cmd(250, "EHLO client.test")
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<b@example.com>")
	c.cmd(354, "DATA")
	long := "." + strings.Repeat("y", 997) // 998 octets before CRLF
	c.raw("Subject: long\r\n\r\n." + long + "\r\n")
	c.cmd(250, ".")
	if got := srv.WaitForMessages(1, time.Second); len(got) != 1 || got[0].Body != long+"\n" {
		t.Fatalf("received %d messages", len(got))
	}

	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<b@example.com>")
	c.cmd(354, "DATA")
	c.raw("Subject: too long\r\n\r\n" + strings.Repeat("y", 1200) + "\r\n.\r\n")
	c.expect(554)
	c.expect(500) // the engine cannot find the next line: it hangs up
	c.closed()
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("got %d messages, want only the first", n)
	}

	c = dial(t, srv)
	c.raw("NOOP " + strings.Repeat("x", 20000) + "\r\n")
	c.expect(500)
	c.closed()
}

func TestBareLineFeeds(t *testing.T) {
	for name, data := range map[string]string{
		// A bare LF and a LF-terminated dot must neither split headers nor
		// end the message (SMTP smuggling).
		"LF":    "Subject: x\nBcc: evil@x.test\r\n\r\nbody\r\n.\nMAIL FROM:<evil@x.test>\r\n",
		"CR":    "Subject: x\r\n\r\nbody\r.\r\n",
		"CR LF": "Subject: x\r\n\r\nbody\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			srv := smtptest.NewServer(t)
			c := dial(t, srv)
			c.cmd(250, "EHLO client.test")
			c.cmd(250, "MAIL FROM:<a@example.com>")
			c.cmd(250, "RCPT TO:<b@example.com>")
			c.cmd(354, "DATA")
			c.raw(data)
			c.cmd(554, ".")
			c.cmd(250, "NOOP") // the session goes on
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("got %d messages", n)
			}
		})
	}
}

// TestTooManyErrors: a client that keeps sending garbage is cut off.
func TestTooManyErrors(t *testing.T) {
	srv := smtptest.NewServer(t)
	c := dial(t, srv)
	for range 3 {
		c.cmd(500, "FROB")
	}
	c.cmd(500, "FROB")
	c.expect(500)
	c.closed()
}

func TestStartTLSAuth(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithTLS(), smtptest.WithAuth("u", "p"))
	c := dial(t, srv)
	ehlo := c.cmd(250, "EHLO client.test")
	if !strings.Contains(ehlo, "STARTTLS") || strings.Contains(ehlo, "AUTH") {
		t.Errorf("EHLO before TLS: %q", ehlo)
	}
	c.cmd(523, "AUTH PLAIN "+plain("u", "p"))
	c.cmd(530, "MAIL FROM:<a@example.com>")
	// Plaintext pipelined behind STARTTLS must be discarded.
	c.raw("STARTTLS\r\nMAIL FROM:<evil@x.test>\r\n")
	c.expect(220)
	tc := tls.Client(c.conn, srv.TLSConfig())
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	c.conn, c.text = tc, textproto.NewConn(tc)

	c.cmd(502, "MAIL FROM:<a@example.com>") // EHLO again first
	ehlo = c.cmd(250, "EHLO client.test")
	if strings.Contains(ehlo, "STARTTLS") || !strings.Contains(ehlo, "AUTH PLAIN") {
		t.Errorf("EHLO after TLS: %q", ehlo)
	}
	c.cmd(502, "STARTTLS")
	c.cmd(535, "AUTH PLAIN "+plain("u", "wrong"))
	c.cmd(535, "AUTH PLAIN "+base64.StdEncoding.EncodeToString([]byte("other\x00u\x00p")))
	c.cmd(504, "AUTH LOGIN")
	c.cmd(334, "AUTH PLAIN")
	c.cmd(501, "*")
	c.cmd(334, "AUTH PLAIN")
	c.cmd(235, plain("u", "p"))
	c.cmd(503, "AUTH PLAIN "+plain("u", "p"))
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<b@example.com>")
	c.cmd(354, "DATA")
	c.raw("Subject: t\r\n\r\nhi\r\n")
	c.cmd(250, ".")
	r := srv.WaitForMessages(1, time.Second)
	if len(r) != 1 || !r[0].TLS || r[0].AuthUser != "u" || r[0].From != "a@example.com" {
		t.Fatalf("received %+v", r)
	}
}

func TestImplicitTLSWithNetSMTP(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithImplicitTLS(), smtptest.WithAuth("u", "p"))
	conn, err := tls.Dial("tcp", srv.Addr(), srv.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClient(conn, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		t.Error("STARTTLS offered on an implicit TLS connection")
	}
	if err := c.Auth(smtp.PlainAuth("", "u", "p", "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	if err := c.Mail("a@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("b@example.com"); err != nil {
		t.Fatal(err)
	}
	w, err := c.Data()
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("Subject: hi\r\n\r\nbody\r\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	if r := srv.Messages(); len(r) != 1 || !r[0].TLS || r[0].Body != "body\n" {
		t.Fatalf("received %+v", r)
	}
}

func TestParseMultipart(t *testing.T) {
	srv := smtptest.NewServer(t)
	c := dial(t, srv)
	c.cmd(250, "EHLO client.test")
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(250, "RCPT TO:<b@example.com>")
	c.cmd(354, "DATA")
	c.raw("Subject: =?utf-8?b?w6l0w6k=?=\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=OUT\r\n\r\n" +
		"--OUT\r\n" +
		"Content-Type: multipart/alternative; boundary=IN\r\n\r\n" +
		"--IN\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString([]byte("héllo\r\nworld")) + "\r\n" +
		"--IN\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<p>h=C3=A9llo =\r\nworld</p>\r\n" +
		"--IN--\r\n" +
		"--OUT\r\n" +
		"Content-Type: application/octet-stream\r\n\r\n" +
		"xx\r\n" +
		"--OUT--\r\n")
	c.cmd(250, ".")
	r := srv.WaitForMessages(1, time.Second)
	if len(r) != 1 {
		t.Fatalf("got %d messages", len(r))
	}
	if r[0].ParseErr != nil {
		t.Fatal(r[0].ParseErr)
	}
	if r[0].Subject != "été" || r[0].Body != "héllo\nworld" || r[0].HTML != "<p>héllo world</p>" {
		t.Errorf("subject %q body %q html %q", r[0].Subject, r[0].Body, r[0].HTML)
	}
}

func TestFailRcptAndDelay(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithFailRcpt(451), smtptest.WithDelay(20*time.Millisecond))
	start := time.Now()
	c := dial(t, srv)
	c.cmd(250, "EHLO client.test")
	c.cmd(250, "MAIL FROM:<a@example.com>")
	c.cmd(451, "RCPT TO:<b@example.com>")
	c.cmd(502, "DATA")
	if el := time.Since(start); el < 100*time.Millisecond {
		t.Errorf("5 delayed replies took %v", el)
	}
}

func TestWaitForMessagesTimeout(t *testing.T) {
	srv := smtptest.NewServer(t)
	start := time.Now()
	if got := srv.WaitForMessages(1, 50*time.Millisecond); len(got) != 0 {
		t.Fatalf("got %d messages", len(got))
	}
	if el := time.Since(start); el < 50*time.Millisecond {
		t.Errorf("returned after %v", el)
	}
	if srv.TLSConfig() != nil {
		t.Error("TLSConfig without a TLS option")
	}
}

func TestCleanupWithOpenConnections(t *testing.T) {
	// A sub-test's cleanup must close idle and slow sessions promptly.
	start := time.Now()
	t.Run("inner", func(t *testing.T) {
		srv := smtptest.NewServer(t, smtptest.WithDelay(10*time.Second))
		conn, err := net.Dial("tcp", srv.Addr())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		for srv.Connections() == 0 {
			time.Sleep(time.Millisecond)
		}
	})
	if el := time.Since(start); el > time.Second {
		t.Errorf("cleanup took %v", el)
	}
}
