package authtest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// tokRawGet sends "GET path" with one Authorization header written byte
// for byte on a fresh connection, for values net/http's client refuses to
// send (control characters), and returns the status and body. Group E's
// helper.
func (e *env) tokRawGet(t *testing.T, path, authorization string) (int, []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", e.srv.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	req := "GET " + path + " HTTP/1.1\r\nHost: " + e.srv.Listener.Addr().String() +
		"\r\nAuthorization: " + authorization + "\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatalf("write: %v", err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: reading response: %v", path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", path, err)
	}
	return res.StatusCode, body
}
