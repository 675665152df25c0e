package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync/atomic"
	"time"
)

// request is one pre-rendered HTTP/1.1 request and the status that counts
// as success. The load client writes the bytes as they are on a
// keep-alive connection: no per-request formatting, no header maps, so the
// generator spends as little of the shared CPUs as possible.
type request struct {
	raw  []byte
	want int
}

// newRequest renders method path with headers (name, value pairs) and an
// optional JSON body for host.
func newRequest(host, method, path string, want int, body string, headers ...string) request {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n", method, path, host)
	for i := 0; i+1 < len(headers); i += 2 {
		fmt.Fprintf(&b, "%s: %s\r\n", headers[i], headers[i+1])
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Type: application/json\r\nContent-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.WriteString(body)
	return request{raw: b.Bytes(), want: want}
}

// conn is one keep-alive HTTP/1.1 client connection to 127.0.0.1.
type conn struct {
	addr    string // server, always on 127.0.0.1
	source  *sourcePool
	timeout time.Duration

	c    net.Conn
	r    *bufio.Reader
	uses int // requests on the current source address
}

// sourcePool hands out loopback source addresses 127.10.x.y, so that a
// flood of logins looks like many clients: restauth throttles logins per
// client IP, and a real credential-stuffing flood comes from many IPs. A
// nil pool dials from the default address (127.0.0.1).
type sourcePool struct {
	n     atomic.Int64
	every int // requests per address before moving on
}

func newSourcePool(every int) *sourcePool { return &sourcePool{every: every} }

// take returns the next source address.
func (p *sourcePool) take() *net.TCPAddr {
	n := (p.n.Add(1) - 1) % (250 * 250)
	return &net.TCPAddr{IP: net.IPv4(127, 10, byte(n/250), byte(n%250+1))}
}

// errStatus is a response with an unexpected status.
type errStatus int

func (e errStatus) Error() string { return "HTTP status " + strconv.Itoa(int(e)) }

// do sends req and reads the whole response, redialling when the server
// closed the connection or the source address is used up.
func (c *conn) do(ctx context.Context, req request) error {
	if c.c != nil && c.source != nil && c.uses >= c.source.every {
		c.close()
	}
	if c.c == nil {
		if err := c.dial(ctx); err != nil {
			return err
		}
	}
	c.uses++
	if err := c.c.SetDeadline(time.Now().Add(c.timeout)); err != nil {
		return err
	}
	if _, err := c.c.Write(req.raw); err != nil {
		c.close()
		return err
	}
	status, keep, err := readResponse(c.r)
	if err != nil || !keep {
		c.close()
	}
	if err != nil {
		return err
	}
	if status != req.want {
		return errStatus(status)
	}
	return nil
}

// dial connects to c.addr, from the next source address if there is a
// pool.
func (c *conn) dial(ctx context.Context) error {
	d := net.Dialer{Timeout: c.timeout}
	if c.source != nil {
		d.LocalAddr = c.source.take()
	}
	nc, err := d.DialContext(ctx, "tcp4", c.addr)
	if err != nil {
		return err
	}
	c.c, c.uses = nc, 0
	if c.r == nil {
		c.r = bufio.NewReaderSize(nc, 16<<10)
	} else {
		c.r.Reset(nc)
	}
	return nil
}

func (c *conn) close() {
	if c.c != nil {
		_ = c.c.Close()
		c.c = nil
	}
}

// readResponse reads one response: status line, headers, and a body
// framed by Content-Length or chunked encoding (discarded). keep is false
// when the server announced Connection: close.
func readResponse(r *bufio.Reader) (status int, keep bool, err error) {
	line, err := readLine(r)
	if err != nil {
		return 0, false, err
	}
	// "HTTP/1.1 200 OK"
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, false, fmt.Errorf("malformed status line %q", line)
	}
	status, err = strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, false, fmt.Errorf("malformed status line %q", line)
	}
	keep = true
	length, chunked := -1, false
	for {
		h, err := readLine(r)
		if err != nil {
			return 0, false, err
		}
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil || length < 0 {
				return 0, false, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case status == 204 || status == 304 || status < 200:
		return status, keep, nil
	case chunked:
		return status, keep, discardChunked(r)
	case length >= 0:
		_, err = r.Discard(length)
		return status, keep, err
	}
	// No framing: the body runs to the end of the connection.
	_, err = io.Copy(io.Discard, r)
	return status, false, err
}

// discardChunked skips a chunked body and its trailers.
func discardChunked(r *bufio.Reader) error {
	for {
		line, err := readLine(r)
		if err != nil {
			return err
		}
		sizeText, _, _ := bytes.Cut(line, []byte(";"))
		size, err := strconv.ParseInt(string(bytes.TrimSpace(sizeText)), 16, 64)
		if err != nil || size < 0 {
			return fmt.Errorf("bad chunk size %q", line)
		}
		if size == 0 {
			for {
				t, err := readLine(r)
				if err != nil || len(t) == 0 {
					return err
				}
			}
		}
		if _, err := r.Discard(int(size) + 2); err != nil {
			return err
		}
	}
}

// readLine returns one CRLF-terminated line without the CRLF. The slice
// is valid until the next read.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return nil, errors.New("response header line too long")
	}
	if err != nil {
		return nil, err
	}
	return bytes.TrimRight(line, "\r\n"), nil
}
