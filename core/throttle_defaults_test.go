package core_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

// TestThrottleDefaultsMatchREADME: every row of the README's rate-limit
// table that names a ThrottleConfig rate states its effective default.
func TestThrottleDefaultsMatchREADME(t *testing.T) {
	a, err := core.New(core.Config{Store: memstore.New(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	th := reflect.ValueOf(a.Config().Throttle)
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Rate limits and lockout\n")
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `(\\w+)`[^|]*\\|[^|]*\\| ([^|]+) \\|")
	rate := regexp.MustCompile(`^(\d+) (?:\w+ )?/ (?:(\d+) )?(min|h)$`)
	seen := map[string]bool{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		name, cell := m[1], strings.TrimSpace(m[2])
		f := th.FieldByName(name)
		if !f.IsValid() || f.Type() != reflect.TypeOf(core.Rate{}) {
			continue
		}
		seen[name] = true
		r := rate.FindStringSubmatch(cell)
		if r == nil {
			t.Errorf("%s: default %q is not \"N / [M ]min|h\"", name, cell)
			continue
		}
		limit, _ := strconv.Atoi(r[1])
		n := 1
		if r[2] != "" {
			n, _ = strconv.Atoi(r[2])
		}
		window := time.Duration(n) * time.Minute
		if r[3] == "h" {
			window = time.Duration(n) * time.Hour
		}
		if got := f.Interface().(core.Rate); got != (core.Rate{Limit: limit, Window: window}) {
			t.Errorf("%s: README says %d per %v, the default is %d per %v", name, limit, window, got.Limit, got.Window)
		}
	}
	for i := 0; i < th.NumField(); i++ {
		if f := th.Type().Field(i); f.Type == reflect.TypeOf(core.Rate{}) && !seen[f.Name] {
			t.Errorf("%s has no row in the README's rate-limit table", f.Name)
		}
	}
	if !strings.Contains(section, "RESTAUTH_THROTTLE=off") || !strings.Contains(section, "ThrottleConfig{Disabled: true}") {
		t.Error("the README's rate-limit section does not say how to turn limits off for a client's tests")
	}
}

// TestDefaultMailAndResetLimitsHold: through real HTTP with the default
// limits and a stopped clock, one address gets 20 password-reset requests
// a minute (429 from the 21st), one account 5 reset mails a minute (the
// 6th is dropped, still 200), and 20 failed reset confirmations a minute
// (429 from the 21st).
func TestDefaultMailAndResetLimitsHold(t *testing.T) {
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)
	outbox := mail.NewOutbox()
	a, err := core.New(core.Config{
		Store: memstore.New(), Passwords: policy, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now },
		SecretKey: []byte("throttle-defaults-test-secret-0123456789"),
		Accounts:  core.AccountConfig{Mailer: outbox, FrontendURL: "https://app.example", SynchronousMail: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateUser(t.Context(), core.NewUser{Username: "alice", Email: "alice@example.com", Password: "Quiet-harbor-71", EmailVerified: true}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	post := func(path, body string) *http.Response {
		t.Helper()
		res, err := http.Post(srv.URL+"/api/auth/"+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	wantThrottled := func(what string, res *http.Response) {
		t.Helper()
		retry, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		if res.StatusCode != http.StatusTooManyRequests || retry < 1 || retry > 60 {
			t.Errorf("%s: %d Retry-After %q, want 429 within the minute", what, res.StatusCode, res.Header.Get("Retry-After"))
		}
	}

	for i := range 20 {
		body := `{"email":"alice@example.com"}`
		if i >= 6 {
			body = fmt.Sprintf(`{"email":"nobody%d@example.com"}`, i)
		}
		if res := post("password/reset/", body); res.StatusCode != http.StatusOK {
			t.Fatalf("reset request %d: %d", i+1, res.StatusCode)
		}
	}
	if n := len(outbox.Messages()); n != 5 {
		t.Errorf("alice got %d reset mails from 6 requests, want 5 (MailPerAddress)", n)
	}
	wantThrottled("reset request 21", post("password/reset/", `{"email":"nobody@example.com"}`))

	bad := `{"uid":"zz","token":"bad-token","new_password1":"Quiet-harbor-72","new_password2":"Quiet-harbor-72"}`
	for i := range 20 {
		if res := post("password/reset/confirm/", bad); res.StatusCode != http.StatusBadRequest {
			t.Fatalf("confirmation %d: %d", i+1, res.StatusCode)
		}
	}
	wantThrottled("confirmation 21", post("password/reset/confirm/", bad))

	now = now.Add(time.Minute)
	if res := post("password/reset/", `{"email":"alice@example.com"}`); res.StatusCode != http.StatusOK || len(outbox.Messages()) != 6 {
		t.Errorf("next minute: %d, %d mails", res.StatusCode, len(outbox.Messages()))
	}
}
