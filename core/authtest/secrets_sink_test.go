package authtest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/restauth/restauth/core/mail"
)

// The sink registers what the server hands out and finds it anywhere in
// what any env recorded.
func TestSuiteSink(t *testing.T) {
	k := newSuiteSink()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "cookie-secret-1234"})
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"key":"0123456789abcdef0123","user":{"pk":1}}`)
	}))
	defer srv.Close()
	c := &http.Client{Transport: k.transport("A", srv.Client().Transport)}
	res, err := c.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(res.Body); string(b) != `{"key":"0123456789abcdef0123","user":{"pk":1}}` {
		t.Errorf("the transport changed the body: %s", b)
	}
	res.Body.Close()
	m := k.mailer(mail.NewOutbox())
	if err := m.Send(context.Background(), mail.Message{To: "a@example.com", Subject: "s",
		Text: "https://app.example.test/password-reset/confirm/1/cxyz12-0123456789abcdef/"}); err != nil {
		t.Fatal(err)
	}
	_, _ = k.writer("B").Write([]byte("level=INFO msg=x a=cookie-secret-1234\n"))
	_, _ = k.writer("C").Write([]byte("level=INFO msg=y b=0123456789abcdef0123 c=cxyz12-0123456789abcdef\n"))
	_, _ = k.writer("D").Write([]byte("level=INFO msg=z path=/password-reset/confirm/ host=app.example.test\n"))
	k.mu.Lock()
	hits := k.secrets.find(k.buf.String())
	k.mu.Unlock()
	got := map[string]bool{}
	for _, h := range hits {
		got[h.secret] = true
	}
	for _, want := range []string{"cookie-secret-1234", "0123456789abcdef0123", "cxyz12-0123456789abcdef"} {
		if !got[want] {
			t.Errorf("secret %q not found in the recorded log", want)
		}
	}
	if len(got) != 3 {
		t.Errorf("found %v, want exactly the three secrets (path words and hosts are not secrets)", got)
	}
}
