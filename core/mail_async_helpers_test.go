package core_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

// heldMailer blocks every delivery until release is closed (or the
// delivery context ends), like a slow mail server, and records what it
// delivered.
type heldMailer struct {
	release chan struct{}
	started atomic.Int64

	mu   sync.Mutex
	sent []mail.Message
}

// Send implements mail.Mailer.
func (m *heldMailer) Send(ctx context.Context, msg mail.Message) error {
	m.started.Add(1)
	select {
	case <-m.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

// delivered returns a copy of the delivered messages.
func (m *heldMailer) delivered() []mail.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]mail.Message(nil), m.sent...)
}

// syncBuffer is a log sink safe for the queue's workers and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer.
func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written.
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newMailAuth returns a service with accounts mail through m, rate limits
// off, the users alice (verified) and bob (unverified), and its log.
func newMailAuth(t *testing.T, m mail.Mailer, synchronous bool) (*core.Auth, *syncBuffer) {
	t.Helper()
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	auth, err := core.New(core.Config{
		Store: memstore.New(), Passwords: policy, SecretKey: []byte("async-mail-test-secret-key-0123456789"),
		Logger:   slog.New(slog.NewTextHandler(logs, nil)),
		Throttle: core.ThrottleConfig{Disabled: true},
		Accounts: core.AccountConfig{Mailer: m, FrontendURL: "https://app.example", SynchronousMail: synchronous},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, nu := range []core.NewUser{
		{Username: "alice", Email: "alice@example.com", Password: "Secret-pass-123", EmailVerified: true},
		{Username: "bob", Email: "bob@example.com", Password: "Secret-pass-123"},
	} {
		if _, err := auth.CreateUser(t.Context(), nu); err != nil {
			t.Fatal(err)
		}
	}
	return auth, logs
}

// answer is everything a client sees of a response.
type answer struct {
	status int
	header http.Header
	body   string
}

// post sends a JSON body to an endpoint of auth and returns the answer.
func post(t *testing.T, auth *core.Auth, path, body string) answer {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, auth.Prefix()+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	auth.Handler().ServeHTTP(rec, req)
	b, _ := io.ReadAll(rec.Result().Body)
	return answer{status: rec.Code, header: rec.Header(), body: string(b)}
}

// closeQuickly closes auth, giving held deliveries a second.
func closeQuickly(auth *core.Auth) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = auth.Close(ctx)
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(time.Millisecond)
	}
}
