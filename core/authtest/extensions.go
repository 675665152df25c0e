package authtest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/restauth/restauth/core"
)

// testExtensions checks the application's extension points through the
// adapter: extra user and registration fields, custom JWT claims,
// email-only accounts and events. With no hook set, every other group
// pins the wire behaviour unchanged.
func (s *suite) testExtensions(t *testing.T) {
	t.Run("UserFields", s.testUserFields)
	t.Run("RegistrationFields", s.testRegistrationFields)
	t.Run("JWTClaims", s.testJWTClaims)
	t.Run("EmailOnly", s.testEmailOnly)
	t.Run("Events", s.testEvents)
}

// phoneBook is an application's own table: one phone number per user,
// unique, as an app would keep it beside restauth's users.
type phoneBook struct {
	mu      sync.Mutex
	byUser  map[int64]string
	failErr error        // returned by Save while set (under mu)
	renders atomic.Int64 // Render calls
}

func newPhoneBook() *phoneBook { return &phoneBook{byUser: map[int64]string{}} }

var errPhoneStore = errors.New("phone table unavailable")

func (p *phoneBook) get(id int64) (string, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.byUser[id]
	return v, ok
}

// save stores phone for u, refusing a number another user holds with a
// field error, and failing with the error set by failNext.
func (p *phoneBook) save(phone string) core.Save {
	return func(_ context.Context, u *core.User) error {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.failErr != nil {
			return p.failErr
		}
		for id, v := range p.byUser {
			if v == phone && id != u.ID {
				return core.NewFieldError("phone", "This phone number is already in use.")
			}
		}
		p.byUser[u.ID] = phone
		return nil
	}
}

// failSaves makes Save fail with err (nil: succeed again).
func (p *phoneBook) failSaves(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failErr = err
}

// readPhone reads and checks the "phone" member: "+" and 6 to 15 digits.
func readPhone(f *core.Form, required bool) (string, bool) {
	v, ok := f.String(core.StringField{Name: "phone", Required: required, MaxLength: 16})
	if !ok {
		return "", false
	}
	if len(v) < 7 || v[0] != '+' || strings.Trim(v[1:], "0123456789") != "" {
		f.AddError("phone", "Enter a valid phone number.")
		return "", false
	}
	return v, true
}

// userFields renders and parses "phone" from p.
func (p *phoneBook) userFields() core.UserFields {
	return core.UserFields{
		Render: func(_ context.Context, u *core.User) (map[string]any, error) {
			p.renders.Add(1)
			v, _ := p.get(u.ID)
			return map[string]any{"phone": v}, nil
		},
		Parse: func(_ context.Context, _ *core.User, f *core.Form, partial bool) (core.Save, error) {
			v, ok := readPhone(f, !partial)
			if !ok {
				return nil, nil
			}
			return p.save(v), nil
		},
	}
}

// wantKeyStatus checks status and a {"key": …} body (registration's 201)
// and returns the key.
func (r *response) wantKeyStatus(t *testing.T, status int) string {
	t.Helper()
	r.wantStatus(t, status)
	m := keyRe.FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("%s: body %s, want {\"key\":\"<40 lowercase hex>\"}", r.req, r.body)
	}
	return string(m[1])
}

// jsonInt renders n as a JSON number.
func jsonInt(n int64) string { return strconv.FormatInt(n, 10) }

// jsonString returns the string member name of the JSON object body.
func jsonString(t *testing.T, body []byte, name string) string {
	t.Helper()
	var m map[string]json.RawMessage
	var s string
	if err := json.Unmarshal(body, &m); err != nil || json.Unmarshal(m[name], &s) != nil {
		t.Fatalf("body %s: no string member %q", body, name)
	}
	return s
}

// countLines counts the lines of log that contain sub.
func countLines(log, sub string) int {
	n := 0
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, sub) {
			n++
		}
	}
	return n
}

// wantAppJSON checks a 200 answer of an application route whose JSON value
// must equal want (the framework formats it its own way).
func (r *response) wantAppJSON(t *testing.T, want string) {
	t.Helper()
	r.wantStatus(t, http.StatusOK)
	var got, w any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Errorf("%s: body %s is not JSON: %v", r.req, r.body, err)
		return
	}
	_ = json.Unmarshal([]byte(want), &w)
	if !reflect.DeepEqual(got, w) {
		t.Errorf("%s: body %s, want %s", r.req, r.body, want)
	}
}
