package authtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// emailOnlyDetails is the user representation in EmailOnly mode.
func emailOnlyDetails(pk int64, email, first, last string) string {
	return fmt.Sprintf(`{"pk":%d,"email":%q,"first_name":%q,"last_name":%q}`, pk, email, first, last)
}

// testEmailOnly checks Config.EmailOnly: registration and login by email
// alone, user/ without username, generated unique usernames in the store.
func (s *suite) testEmailOnly(t *testing.T) {
	e := s.newEnv(t, func(c *core.Config) {
		c.SecretKey = []byte(jwtSecret)
		c.EmailOnly = true
		c.EmailVerification = core.VerifyNone
	})
	reg := e.path("registration/")
	signUp := func(email string) string {
		return fmt.Sprintf(`{"email":%q,"password1":%q,"password2":%q}`, email, defaultPassword, defaultPassword)
	}

	t.Run("registration needs no username", func(t *testing.T) {
		e.do(t, http.MethodPost, reg, signUp("mia@example.com")).wantKeyStatus(t, http.StatusCreated)
	})
	t.Run("registration needs an email", func(t *testing.T) {
		e.do(t, http.MethodPost, reg, fmt.Sprintf(`{"username":"nia","password1":%q,"password2":%q}`, defaultPassword, defaultPassword)).
			want(t, http.StatusBadRequest, `{"email":["This field is required."]}`)
	})
	t.Run("a taken email is refused in dj-rest-auth's words", func(t *testing.T) {
		e.do(t, http.MethodPost, reg, signUp("MIA@example.com")).
			want(t, http.StatusBadRequest, `{"email":["A user is already registered with this e-mail address."]}`)
	})
	t.Run("same local parts get distinct generated usernames", func(t *testing.T) {
		e.do(t, http.MethodPost, reg, signUp("mia@example.org")).wantKeyStatus(t, http.StatusCreated)
		a, err1 := e.store.UserByEmail(t.Context(), "mia@example.com")
		b, err2 := e.store.UserByEmail(t.Context(), "mia@example.org")
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if a.Username != "mia" || !strings.HasPrefix(b.Username, "mia") || a.Username == b.Username {
			t.Errorf("generated usernames %q and %q, want \"mia\" and \"mia<digits>\"", a.Username, b.Username)
		}
	})
	mia, err := e.store.UserByEmail(t.Context(), "mia@example.com")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("login by email works, by the generated username does not", func(t *testing.T) {
		key := e.do(t, http.MethodPost, e.path("login/"), jsonObject("email", "mia@example.com", "password", defaultPassword)).wantKey(t)
		e.secrets.add(key)
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "mia", "password", defaultPassword)).
			wantStatus(t, http.StatusBadRequest)
	})
	key := e.do(t, http.MethodPost, e.path("login/"), jsonObject("email", "mia@example.com", "password", defaultPassword)).wantKey(t)
	e.secrets.add(key)
	auth := []string{"Authorization", tokenHeader(key)}
	t.Run("user/ neither shows nor takes a username", func(t *testing.T) {
		e.do(t, http.MethodGet, e.path("user/"), "", auth...).want(t, http.StatusOK, emailOnlyDetails(mia.ID, "mia@example.com", "", ""))
		e.do(t, http.MethodPut, e.path("user/"), `{"username":"renamed","first_name":"Mia"}`, auth...).
			want(t, http.StatusOK, emailOnlyDetails(mia.ID, "mia@example.com", "Mia", ""))
		if u, _ := e.store.UserByID(t.Context(), mia.ID); u.Username != "mia" {
			t.Errorf("username changed to %q through user/", u.Username)
		}
	})
	t.Run("CreateUser generates a username when none is given", func(t *testing.T) {
		u := e.createUser(t, core.NewUser{Email: "ops@example.com", Password: defaultPassword, EmailVerified: true})
		if u.Username != "ops" {
			t.Errorf("username %q, want \"ops\"", u.Username)
		}
	})
	t.Run("a username login field cannot be combined with it", func(t *testing.T) {
		_, err := core.New(core.Config{Store: e.store, EmailOnly: true, LoginField: core.LoginByUsername})
		if err == nil || !strings.Contains(err.Error(), "EmailOnly") {
			t.Errorf("core.New: %v, want an EmailOnly config error", err)
		}
	})
}

// testEvents checks Config.OnEvent: what is reported, that a slow or
// failing listener neither delays nor fails requests, and that Close
// delivers what was queued.
func (s *suite) testEvents(t *testing.T) {
	events := make(chan core.Event, 64)
	release := make(chan struct{})
	listener := func(_ context.Context, ev core.Event) error {
		<-release // a listener slower than any request
		events <- ev
		if ev.Type == core.EventLogout {
			return errors.New("audit sink down")
		}
		return nil
	}
	e := s.newEnv(t, func(c *core.Config) {
		c.SecretKey = []byte(jwtSecret)
		c.EmailVerification = core.VerifyNone
		c.OnEvent = listener
	})
	e.createUser(t, newUser("ned"))

	// Every request is answered while the listener is still blocked.
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", "ned", "password", "wrong")).wantStatus(t, http.StatusBadRequest)
		key := e.login(t, "ned", defaultPassword)
		e.do(t, http.MethodPost, e.path("registration/"), register("olga", "olga@example.com", defaultPassword)).wantKeyStatus(t, http.StatusCreated)
		e.do(t, http.MethodPost, e.path("logout/"), "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusOK)
	}()
	select {
	case <-answered:
	case <-time.After(30 * time.Second):
		t.Fatal("requests waited for a blocked OnEvent listener")
	}
	close(release)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := e.auth.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	close(events)
	var got []core.Event
	for ev := range events {
		got = append(got, ev)
	}
	want := []struct {
		typ     core.EventType
		outcome string
		user    string
	}{
		{core.EventLogin, core.OutcomeFailure, ""},
		{core.EventLogin, core.OutcomeSuccess, "ned"},
		// Registration logs the new user in, then reports the account.
		{core.EventLogin, core.OutcomeSuccess, "olga"},
		{core.EventRegister, core.OutcomeSuccess, "olga"},
		{core.EventLogout, core.OutcomeSuccess, "ned"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d events %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		ev := got[i]
		if ev.Type != w.typ || ev.Outcome != w.outcome {
			t.Errorf("event %d: %s/%s, want %s/%s", i, ev.Type, ev.Outcome, w.typ, w.outcome)
		}
		if !ev.IP.IsValid() || !ev.IP.IsLoopback() || ev.Time.IsZero() {
			t.Errorf("event %d: ip %v time %v, want the loopback client and a time", i, ev.IP, ev.Time)
		}
		if w.user == "" {
			if ev.Reason == "" {
				t.Errorf("event %d: a failure without a reason", i)
			}
			continue
		}
		if ev.User == nil || ev.User.Username != w.user || ev.UserID != ev.User.ID {
			t.Errorf("event %d: user %+v (id %d), want %s", i, ev.User, ev.UserID, w.user)
			continue
		}
		if ev.User.PasswordHash != "" {
			t.Errorf("event %d hands the listener a password hash", i)
		}
		if wantMethod := core.MethodToken; w.typ != core.EventRegister && ev.Method != wantMethod {
			t.Errorf("event %d: method %q, want token", i, ev.Method)
		}
	}
	if !strings.Contains(e.logs.String(), "OnEvent failed") || strings.Contains(e.logs.String(), "OnEvent panicked") {
		t.Errorf("the listener's error is not logged as such:\n%s", e.logs.String())
	}
}
