package smtptest

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Protocol limits.
const (
	maxCommandLine  = 512      // RFC 5321 4.5.3.1.4, including CRLF
	maxAuthLine     = 12288    // RFC 4954 4, including CRLF
	maxTextLine     = 1000 + 1 // RFC 5321 4.5.3.1.6 plus a stuffed dot
	maxMessageBytes = 10 << 20 // SIZE advertised in EHLO
	maxRecipients   = 100      // RFC 5321 4.5.3.1.8
	maxErrors       = 20       // then 421 and close
	handshakeTime   = 10 * time.Second
)

var (
	errLineTooLong = errors.New("smtptest: line too long")
	errQuit        = errors.New("smtptest: session over")
)

// session is the state of one SMTP connection.
type session struct {
	srv    *Server
	conn   net.Conn
	r      *bufio.Reader
	w      *bufio.Writer
	tls    bool
	helo   string // "" until EHLO/HELO
	user   string // authenticated user, "" if none
	authed bool
	errors int

	// transaction
	inTx      bool
	from      string
	rcpts     []string
	rcptTries int
}

// newSession wraps an accepted connection.
func newSession(srv *Server, conn net.Conn) *session {
	ss := &session{srv: srv}
	ss.setConn(conn)
	return ss
}

// setConn (re)binds the session to conn, dropping any buffered input.
func (ss *session) setConn(conn net.Conn) {
	ss.conn = conn
	ss.r = bufio.NewReaderSize(conn, 4096)
	ss.w = bufio.NewWriter(conn)
}

// serve runs the conversation until QUIT, an I/O error or server close.
func (ss *session) serve() {
	if ss.srv.cfg.implicitTLS {
		tc := tls.Server(ss.conn, ss.srv.serverTLS)
		if err := handshake(tc); err != nil {
			return
		}
		ss.setConn(tc)
		ss.tls = true
	}
	if ss.reply(220, "127.0.0.1 ESMTP smtptest ready") != nil {
		return
	}
	for {
		line, _, err := ss.readLine(maxAuthLine)
		switch {
		case errors.Is(err, errLineTooLong):
			err = ss.fail(500, "5.5.6 Line too long")
		case err != nil:
			return
		default:
			err = ss.dispatch(string(line))
		}
		if err != nil {
			return
		}
	}
}

// handshake runs a TLS server handshake with a time limit.
func handshake(tc *tls.Conn) error {
	if err := tc.SetDeadline(time.Now().Add(handshakeTime)); err != nil {
		return err
	}
	if err := tc.Handshake(); err != nil {
		return err
	}
	return tc.SetDeadline(time.Time{})
}

// dispatch runs one command line.
func (ss *session) dispatch(line string) error {
	verb, arg, _ := strings.Cut(line, " ")
	verb = strings.ToUpper(verb)
	arg = strings.TrimRight(arg, " \t")
	if verb != "AUTH" && len(line)+2 > maxCommandLine {
		return ss.fail(500, "5.5.6 Line too long")
	}
	switch verb {
	case "EHLO":
		return ss.cmdHello(arg, true)
	case "HELO":
		return ss.cmdHello(arg, false)
	case "STARTTLS":
		return ss.cmdStartTLS(arg)
	case "AUTH":
		return ss.cmdAuth(arg)
	case "MAIL":
		return ss.cmdMail(arg)
	case "RCPT":
		return ss.cmdRcpt(arg)
	case "DATA":
		return ss.cmdData(arg)
	case "RSET":
		if arg != "" {
			return ss.fail(501, "5.5.4 Syntax: RSET")
		}
		ss.resetTx()
		return ss.reply(250, "2.0.0 OK")
	case "NOOP":
		return ss.reply(250, "2.0.0 OK")
	case "QUIT":
		if arg != "" {
			return ss.fail(501, "5.5.4 Syntax: QUIT")
		}
		ss.reply(221, "2.0.0 Bye")
		return errQuit
	case "VRFY", "EXPN", "HELP", "TURN", "ETRN", "BDAT":
		return ss.fail(502, "5.5.1 Command not implemented")
	}
	return ss.fail(500, "5.5.2 Syntax error, command unrecognized")
}

// resetTx forgets the mail transaction (RSET, EHLO, after DATA).
func (ss *session) resetTx() {
	ss.inTx, ss.from, ss.rcpts, ss.rcptTries = false, "", nil, 0
}

// readLine reads one line of at most limit octets including its line
// ending. It returns the line without the ending and whether that ending
// was CRLF (false: a bare LF). A longer line is consumed and reported as
// errLineTooLong.
func (ss *session) readLine(limit int) ([]byte, bool, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := ss.r.ReadSlice('\n')
		if !tooLong {
			if len(buf)+len(chunk) > limit {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			return nil, false, err
		}
		break
	}
	if tooLong {
		return nil, false, errLineTooLong
	}
	buf = buf[:len(buf)-1] // '\n'
	if n := len(buf); n > 0 && buf[n-1] == '\r' {
		return buf[:n-1], true, nil
	}
	return buf, false, nil
}

// reply writes a (multi-line) reply after the configured delay.
func (ss *session) reply(code int, lines ...string) error {
	if d := ss.srv.cfg.delay; d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ss.srv.done:
			t.Stop()
			return errQuit
		}
	}
	for i, l := range lines {
		sep := " "
		if i < len(lines)-1 {
			sep = "-"
		}
		fmt.Fprintf(ss.w, "%d%s%s\r\n", code, sep, l)
	}
	return ss.w.Flush()
}

// fail sends an error reply; after maxErrors it says 421 and ends the
// session.
func (ss *session) fail(code int, text string) error {
	ss.errors++
	if ss.errors > maxErrors {
		ss.reply(421, "4.7.0 Too many errors, closing connection")
		return errQuit
	}
	return ss.reply(code, text)
}
