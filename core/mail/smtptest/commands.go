package smtptest

import (
	"bytes"
	"crypto/subtle"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// authOffered reports whether AUTH PLAIN is advertised and accepted now.
func (ss *session) authOffered() bool {
	return ss.srv.cfg.auth && (ss.tls || !ss.srv.cfg.startTLS)
}

// cmdHello handles EHLO (extended) and HELO.
func (ss *session) cmdHello(arg string, extended bool) error {
	if arg == "" || strings.ContainsAny(arg, " \t") {
		if extended {
			return ss.fail(501, "5.5.4 Syntax: EHLO domain")
		}
		return ss.fail(501, "5.5.4 Syntax: HELO domain")
	}
	ss.resetTx()
	ss.helo = arg
	greeting := "127.0.0.1 Hello " + arg
	if !extended {
		return ss.reply(250, greeting)
	}
	lines := []string{greeting, "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "SIZE " + strconv.Itoa(maxMessageBytes)}
	if ss.srv.cfg.startTLS && !ss.tls {
		lines = append(lines, "STARTTLS")
	}
	if ss.authOffered() && !ss.authed {
		lines = append(lines, "AUTH PLAIN")
	}
	return ss.reply(250, lines...)
}

// cmdStartTLS upgrades the connection (RFC 3207). Input pipelined after
// the command is discarded, and the session starts over: EHLO again,
// authentication forgotten.
func (ss *session) cmdStartTLS(arg string) error {
	switch {
	case !ss.srv.cfg.startTLS:
		return ss.fail(502, "5.5.1 STARTTLS not available")
	case ss.tls:
		return ss.fail(503, "5.5.1 TLS already active")
	case arg != "":
		return ss.fail(501, "5.5.4 Syntax: STARTTLS")
	case ss.helo == "":
		return ss.fail(503, "5.5.1 Send EHLO first")
	}
	if err := ss.reply(220, "2.0.0 Ready to start TLS"); err != nil {
		return err
	}
	tc := tls.Server(ss.conn, ss.srv.serverTLS)
	if err := handshake(tc); err != nil {
		return err
	}
	ss.setConn(tc)
	ss.tls = true
	ss.helo, ss.user, ss.authed = "", "", false
	ss.resetTx()
	return nil
}

// cmdAuth handles AUTH PLAIN with or without an initial response.
func (ss *session) cmdAuth(arg string) error {
	cfg := ss.srv.cfg
	switch {
	case !cfg.auth:
		return ss.fail(502, "5.5.1 AUTH not available")
	case ss.helo == "":
		return ss.fail(503, "5.5.1 Send EHLO first")
	case ss.authed:
		return ss.fail(503, "5.5.1 Already authenticated")
	case ss.inTx:
		return ss.fail(503, "5.5.1 AUTH not allowed during a mail transaction")
	case !ss.authOffered():
		return ss.fail(538, "5.7.11 Encryption required for requested authentication mechanism")
	}
	fields := strings.Fields(arg)
	if len(fields) == 0 || len(fields) > 2 {
		return ss.fail(501, "5.5.4 Syntax: AUTH mechanism [initial-response]")
	}
	if !strings.EqualFold(fields[0], "PLAIN") {
		return ss.fail(504, "5.5.4 Unrecognized authentication type")
	}
	var resp string
	if len(fields) == 2 {
		resp = fields[1]
		if resp == "=" {
			resp = ""
		}
	} else {
		if err := ss.reply(334, ""); err != nil {
			return err
		}
		line, _, err := ss.readLine(maxAuthLine)
		if errors.Is(err, errLineTooLong) {
			return ss.fail(500, "5.5.6 Line too long")
		}
		if err != nil {
			return err
		}
		resp = string(line)
		if resp == "*" {
			return ss.fail(501, "5.0.0 Authentication cancelled")
		}
	}
	raw, err := base64.StdEncoding.DecodeString(resp)
	if err != nil {
		return ss.fail(501, "5.5.2 Cannot decode response")
	}
	parts := bytes.Split(raw, []byte{0})
	if len(parts) != 3 {
		return ss.fail(535, "5.7.8 Authentication credentials invalid")
	}
	authz, user, pass := parts[0], parts[1], parts[2]
	userOK := subtle.ConstantTimeCompare(user, []byte(cfg.authUser)) == 1
	passOK := subtle.ConstantTimeCompare(pass, []byte(cfg.authPass)) == 1
	if !userOK || !passOK || (len(authz) > 0 && !bytes.Equal(authz, user)) {
		return ss.fail(535, "5.7.8 Authentication credentials invalid")
	}
	ss.authed, ss.user = true, string(user)
	return ss.reply(235, "2.7.0 Authentication successful")
}

// cmdMail starts a transaction: MAIL FROM:<path> [params].
func (ss *session) cmdMail(arg string) error {
	switch {
	case ss.helo == "":
		return ss.fail(503, "5.5.1 Send EHLO/HELO first")
	case ss.srv.cfg.auth && !ss.authed:
		return ss.fail(530, "5.7.0 Authentication required")
	case ss.inTx:
		return ss.fail(503, "5.5.1 Sender already specified")
	}
	addr, params, ok := parsePath(arg, "FROM:")
	if !ok || (addr != "" && !validMailbox(addr)) {
		return ss.fail(501, "5.5.4 Syntax: MAIL FROM:<address>")
	}
	for _, p := range params {
		key, val, _ := strings.Cut(p, "=")
		switch strings.ToUpper(key) {
		case "BODY":
			if v := strings.ToUpper(val); v != "7BIT" && v != "8BITMIME" {
				return ss.fail(501, "5.5.4 Bad BODY parameter")
			}
		case "SMTPUTF8":
			if val != "" {
				return ss.fail(501, "5.5.4 SMTPUTF8 takes no value")
			}
		case "SIZE":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 {
				return ss.fail(501, "5.5.4 Bad SIZE parameter")
			}
			if n > maxMessageBytes {
				return ss.fail(552, "5.3.4 Message size exceeds fixed limit")
			}
		default:
			return ss.fail(555, "5.5.4 MAIL parameter not recognized")
		}
	}
	ss.inTx, ss.from = true, addr
	return ss.reply(250, "2.1.0 Sender OK")
}

// cmdRcpt adds a recipient: RCPT TO:<path>.
func (ss *session) cmdRcpt(arg string) error {
	if !ss.inTx {
		return ss.fail(503, "5.5.1 Need MAIL before RCPT")
	}
	addr, params, ok := parsePath(arg, "TO:")
	if !ok || !(validMailbox(addr) || strings.EqualFold(addr, "postmaster")) {
		return ss.fail(501, "5.5.4 Syntax: RCPT TO:<address>")
	}
	if len(params) > 0 {
		return ss.fail(555, "5.5.4 RCPT parameter not recognized")
	}
	ss.rcptTries++
	if code := ss.srv.cfg.failRcpt; code != 0 {
		if code < 500 {
			return ss.reply(code, "4.2.0 Mailbox temporarily unavailable")
		}
		return ss.reply(code, "5.1.1 Mailbox unavailable")
	}
	if len(ss.rcpts) >= maxRecipients {
		return ss.reply(452, "4.5.3 Too many recipients")
	}
	ss.rcpts = append(ss.rcpts, addr)
	return ss.reply(250, "2.1.5 Recipient OK")
}

// cmdData receives the message: dot-unstuffing, CRLF.CRLF terminator.
func (ss *session) cmdData(arg string) error {
	switch {
	case arg != "":
		return ss.fail(501, "5.5.4 Syntax: DATA")
	case !ss.inTx:
		return ss.fail(503, "5.5.1 Need MAIL command")
	case len(ss.rcpts) == 0 && ss.rcptTries > 0:
		return ss.fail(554, "5.5.1 No valid recipients")
	case len(ss.rcpts) == 0:
		return ss.fail(503, "5.5.1 Need RCPT command")
	}
	if err := ss.reply(354, "Start mail input; end with <CRLF>.<CRLF>"); err != nil {
		return err
	}
	var data bytes.Buffer
	var tooLong, tooBig, bare bool
	for {
		line, crlf, err := ss.readLine(maxTextLine)
		if errors.Is(err, errLineTooLong) {
			tooLong = true
			continue
		}
		if err != nil {
			return err
		}
		if crlf && len(line) == 1 && line[0] == '.' {
			break
		}
		if !crlf || bytes.IndexByte(line, '\r') >= 0 {
			bare = true
		}
		if len(line) > 0 && line[0] == '.' {
			line = line[1:]
		}
		if data.Len()+len(line)+2 > maxMessageBytes {
			tooBig = true
			continue
		}
		data.Write(line)
		data.WriteString("\r\n")
	}
	from, rcpts := ss.from, slices.Clone(ss.rcpts)
	ss.resetTx()
	switch {
	case bare:
		return ss.fail(554, "5.6.11 Bare CR or LF in message text")
	case tooLong:
		return ss.fail(554, "5.6.0 Message line too long")
	case tooBig:
		return ss.fail(552, "5.3.4 Message size exceeds fixed limit")
	}
	r := Received{From: from, To: rcpts, Data: data.Bytes(), TLS: ss.tls, AuthUser: ss.user, Helo: ss.helo}
	r.parse()
	ss.srv.record(r)
	return ss.reply(250, "2.0.0 OK queued")
}

// parsePath parses `<prefix><path> [params]` where path is "<...>" and
// may contain quoted strings; an RFC 5321 source route is dropped.
func parsePath(arg, prefix string) (addr string, params []string, ok bool) {
	if len(arg) < len(prefix) || !strings.EqualFold(arg[:len(prefix)], prefix) {
		return "", nil, false
	}
	rest := strings.TrimLeft(arg[len(prefix):], " ")
	if !strings.HasPrefix(rest, "<") {
		return "", nil, false
	}
	end, inQuote, escaped := -1, false, false
scan:
	for i := 1; i < len(rest); i++ {
		switch c := rest[i]; {
		case escaped:
			escaped = false
		case c == '\\' && inQuote:
			escaped = true
		case c == '"':
			inQuote = !inQuote
		case c == '>' && !inQuote:
			end = i
			break scan
		}
	}
	if end < 0 {
		return "", nil, false
	}
	addr, tail := rest[1:end], rest[end+1:]
	if tail != "" && tail[0] != ' ' {
		return "", nil, false
	}
	if strings.HasPrefix(addr, "@") {
		i := strings.Index(addr, ":")
		if i < 0 {
			return "", nil, false
		}
		addr = addr[i+1:]
	}
	return addr, strings.Fields(tail), true
}

// validMailbox is a light check of local@domain: an '@' with text on both
// sides and no control characters or unquoted white space.
func validMailbox(addr string) bool {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return false
	}
	inQuote := false
	for _, r := range addr {
		switch {
		case r < 0x20 || r == 0x7f:
			return false
		case r == '"':
			inQuote = !inQuote
		case r == ' ' && !inQuote:
			return false
		}
	}
	return true
}
