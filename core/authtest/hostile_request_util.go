package authtest

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// reqUserMethods are the user and token methods of failingStore: failing
// them all turns any store call into a 503, so a 400 proves none happened.
var reqUserMethods = []string{
	"CreateUser", "UserByID", "UserByUsername", "UserByEmail", "UpdateProfile", "SetPassword",
	"UpgradePasswordHash", "SetActive", "SetEmailVerified", "RecordLogin",
	"CreateToken", "UserByToken", "DeleteToken", "DeleteUserTokens",
}

// reqSend sends body with exactly the Content-Type ct ("" sends none).
func (e *env) reqSend(t *testing.T, method, path, ct, body string, header ...string) *response {
	t.Helper()
	req := e.newRequest(t, method, path, strings.NewReader(body), header...)
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	return e.send(t, req)
}

// reqForm renders name/value pairs as an application/x-www-form-urlencoded
// body, in order, keeping repeated names.
func reqForm(kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv[i]) + "=" + url.QueryEscape(kv[i+1]))
	}
	return b.String()
}

// reqMultipart renders name/value pairs as a multipart/form-data body and
// returns it with its Content-Type.
func reqMultipart(t *testing.T, kv ...string) (body, ct string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(kv); i += 2 {
		if err := w.WriteField(kv[i], kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), w.FormDataContentType()
}

// reqUser reads the stored user by username, failing t if it is missing.
func (e *env) reqUser(t *testing.T, username string) *core.User {
	t.Helper()
	u, err := e.store.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatalf("stored user %q: %v", username, err)
	}
	return u
}

// reqNoUser fails t if a user with that username (canonically) exists.
func (e *env) reqNoUser(t *testing.T, username string) {
	t.Helper()
	switch u, err := e.store.UserByUsername(t.Context(), username); {
	case err == nil:
		t.Errorf("user %q (pk %d) exists, want none", username, u.ID)
	case !errors.Is(err, core.ErrNotFound):
		t.Errorf("looking up %q: %v", username, err)
	}
}

// reqUnchanged fails t if the stored user differs from before in any
// field a request could have written.
func (e *env) reqUnchanged(t *testing.T, before *core.User) {
	t.Helper()
	after, err := e.store.UserByID(t.Context(), before.ID)
	if err != nil {
		t.Fatalf("stored user %d: %v", before.ID, err)
	}
	if after.Username != before.Username || after.Email != before.Email || after.FirstName != before.FirstName ||
		after.LastName != before.LastName || after.PasswordHash != before.PasswordHash || after.IsActive != before.IsActive ||
		after.EmailVerified != before.EmailVerified || after.IsStaff != before.IsStaff || after.IsSuperuser != before.IsSuperuser ||
		after.TokenEpoch != before.TokenEpoch || !after.DateJoined.Truncate(time.Microsecond).Equal(before.DateJoined.Truncate(time.Microsecond)) {
		t.Errorf("stored user changed:\nbefore %+v\n after %+v", redactUser(before), redactUser(after))
	}
}

// redactUser hides the password hash from messages.
func redactUser(u *core.User) core.User {
	c := *u
	c.PasswordHash = c.PasswordHash[:min(len(c.PasswordHash), 16)] + "…"
	return c
}

// reqCountingReader yields n bytes of 'a' and counts what was read.
type reqCountingReader struct {
	n    int64
	read atomic.Int64
}

// Read implements io.Reader.
func (r *reqCountingReader) Read(p []byte) (int, error) {
	left := r.n - r.read.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	for i := range p {
		p[i] = 'a'
	}
	r.read.Add(int64(len(p)))
	return len(p), nil
}

// reqDoLarge posts a big body (with a Content-Length when sized, chunked
// otherwise) and returns the status and how many bytes the client had to
// produce. A transport error after the server answered early is reported
// as status 0.
func (e *env) reqDoLarge(t *testing.T, path string, n int64, sized bool) (status int, produced int64) {
	t.Helper()
	src := &reqCountingReader{n: n}
	var body io.Reader = src
	if !sized {
		body = io.MultiReader(src) // hides the length: chunked
	}
	req := e.newRequest(t, http.MethodPost, path, body, "Content-Type", "application/json")
	if sized {
		req.ContentLength = n
	}
	res, err := e.client.Do(req)
	if err != nil {
		t.Logf("POST %s with %d bytes: %v", path, n, err)
		return 0, src.read.Load()
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, src.read.Load()
}
