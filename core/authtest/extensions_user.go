package authtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
)

// withPhone is alice's representation with the application's phone member.
func withPhone(pk int64, username, first, phone string) string {
	d := detailsJSON(pk, username, username+"@example.com", first, "")
	return d[:len(d)-1] + fmt.Sprintf(`,"phone":%q}`, phone)
}

// testUserFields checks UserFields on user/ and in JWT login answers.
func (s *suite) testUserFields(t *testing.T) {
	book := newPhoneBook()
	e := s.newEnv(t, func(c *core.Config) { c.UserFields = book.userFields() })
	alice := e.createUser(t, newUser("alice"))
	bob := e.createUser(t, newUser("bob"))
	auth := []string{"Authorization", tokenHeader(e.login(t, "alice", defaultPassword))}
	bobAuth := []string{"Authorization", tokenHeader(e.login(t, "bob", defaultPassword))}
	user := e.path("user/")

	t.Run("GET renders the application's members after restauth's", func(t *testing.T) {
		e.do(t, http.MethodGet, user, "", auth...).want(t, http.StatusOK, withPhone(alice.ID, "alice", "", ""))
	})
	t.Run("PATCH writes them", func(t *testing.T) {
		e.do(t, http.MethodPatch, user, `{"phone":"+4420123456"}`, auth...).
			want(t, http.StatusOK, withPhone(alice.ID, "alice", "", "+4420123456"))
		if v, _ := book.get(alice.ID); v != "+4420123456" {
			t.Errorf("stored phone %q", v)
		}
	})
	t.Run("PATCH without the member keeps it", func(t *testing.T) {
		e.do(t, http.MethodPatch, user, `{"first_name":"Al"}`, auth...).
			want(t, http.StatusOK, withPhone(alice.ID, "alice", "Al", "+4420123456"))
	})
	t.Run("PUT requires it like restauth's own required members", func(t *testing.T) {
		e.do(t, http.MethodPut, user, `{"first_name":"A"}`, auth...).
			want(t, http.StatusBadRequest, `{"username":["This field is required."],"phone":["This field is required."]}`)
	})
	t.Run("field errors of both come back in one 400 and nothing is written", func(t *testing.T) {
		e.do(t, http.MethodPatch, user, `{"username":"no spaces","first_name":"X","phone":"12"}`, auth...).
			want(t, http.StatusBadRequest, `{"username":["Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."],"phone":["Enter a valid phone number."]}`)
		e.do(t, http.MethodGet, user, "", auth...).want(t, http.StatusOK, withPhone(alice.ID, "alice", "Al", "+4420123456"))
	})
	t.Run("a field error from Save undoes restauth's part", func(t *testing.T) {
		e.do(t, http.MethodPatch, user, `{"phone":"+1555000111"}`, bobAuth...).wantStatus(t, http.StatusOK)
		e.do(t, http.MethodPatch, user, `{"first_name":"Changed","phone":"+1555000111"}`, auth...).
			want(t, http.StatusBadRequest, `{"phone":["This phone number is already in use."]}`)
		got, err := e.store.UserByID(t.Context(), alice.ID)
		if err != nil || got.FirstName != "Al" {
			t.Errorf("after a failed save: first_name %q (%v), want the previous \"Al\"", got.FirstName, err)
		}
	})
	t.Run("a failing Save answers 503 and undoes restauth's part", func(t *testing.T) {
		book.failSaves(errPhoneStore)
		defer book.failSaves(nil)
		res := e.do(t, http.MethodPatch, user, `{"last_name":"Changed","phone":"+4420999999"}`, auth...)
		res.wantStatus(t, http.StatusServiceUnavailable)
		if strings.Contains(string(res.body), errPhoneStore.Error()) {
			t.Errorf("503 body %s shows the application's error", res.body)
		}
		got, _ := e.store.UserByID(t.Context(), alice.ID)
		if got.LastName != "" {
			t.Errorf("last_name %q after a failed save, want it restored", got.LastName)
		}
	})
	t.Run("app routes do not render the user", func(t *testing.T) {
		before := book.renders.Load()
		for range 3 {
			e.do(t, http.MethodGet, "/api/protected/", "", auth...).wantApp(t, map[string]string{"username": "alice"})
		}
		if n := book.renders.Load() - before; n != 0 {
			t.Errorf("Render ran %d times for app routes, want 0", n)
		}
	})
	_ = bob

	t.Run("reserved members cannot be replaced", func(t *testing.T) {
		e := s.newEnv(t, func(c *core.Config) {
			c.UserFields.Render = func(context.Context, *core.User) (map[string]any, error) {
				return map[string]any{"pk": 999, "email": "evil@example.com", "zeta": 1, "alpha": []string{"a"}}, nil
			}
		})
		carol := e.createUser(t, newUser("carol"))
		key := e.login(t, "carol", defaultPassword)
		d := detailsJSON(carol.ID, "carol", "carol@example.com", "", "")
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(key)).
			want(t, http.StatusOK, d[:len(d)-1]+`,"alpha":["a"],"zeta":1}`)
		if !strings.Contains(e.logs.String(), "dropped") {
			t.Errorf("no log record about the dropped members:\n%s", e.logs.String())
		}
	})
	t.Run("a failing Render answers 503", func(t *testing.T) {
		e := s.newEnv(t, func(c *core.Config) {
			c.UserFields.Render = func(context.Context, *core.User) (map[string]any, error) {
				return nil, errors.New("profile table down")
			}
		})
		e.createUser(t, newUser("dora"))
		key := e.login(t, "dora", defaultPassword)
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(key)).wantStatus(t, http.StatusServiceUnavailable)
	})
	t.Run("JWT login answers render them in user", func(t *testing.T) {
		book := newPhoneBook()
		e := s.newEnv(t, jwtMode(newClock()), func(c *core.Config) { c.UserFields = book.userFields() })
		erin := e.createUser(t, newUser("erin"))
		book.byUser[erin.ID] = "+3312345678"
		l := e.loginJWT(t, "erin")
		if got, want := string(l.body["user"]), withPhone(erin.ID, "erin", "", "+3312345678"); got != want {
			t.Errorf("login user %s, want %s", got, want)
		}
	})
}

// testRegistrationFields checks RegistrationFields on registration/.
func (s *suite) testRegistrationFields(t *testing.T) {
	book := newPhoneBook()
	e := s.newEnv(t, func(c *core.Config) {
		c.SecretKey = []byte(jwtSecret)
		c.EmailVerification = core.VerifyNone
		c.UserFields = book.userFields()
		c.RegistrationFields.Parse = func(_ context.Context, f *core.Form) (core.Save, error) {
			if v, ok := f.Value("terms"); !ok || v != true {
				f.AddError("terms", "You must accept the terms.")
			}
			phone, ok := readPhone(f, true)
			if !ok {
				return nil, nil
			}
			return book.save(phone), nil
		}
	})
	reg := e.path("registration/")
	body := func(username, phone string) string {
		return fmt.Sprintf(`{"username":%q,"email":"%s@example.com","password1":%q,"password2":%q,"phone":%q,"terms":true}`,
			username, username, defaultPassword, defaultPassword, phone)
	}
	notCreated := func(t *testing.T, username string) {
		t.Helper()
		if _, err := e.store.UserByUsername(t.Context(), username); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("account %q exists after a refused registration (%v)", username, err)
		}
	}

	t.Run("field errors of both come back in one 400, before any account exists", func(t *testing.T) {
		e.do(t, http.MethodPost, reg, `{"username":"frank","email":"frank@example.com","password1":"Zq9#xw","password2":"Zq9#xw"}`).
			want(t, http.StatusBadRequest, `{"password1":["This password is too short. It must contain at least 8 characters."],"terms":["You must accept the terms."],"phone":["This field is required."]}`)
		notCreated(t, "frank")
	})
	t.Run("the extra members are stored with the new user", func(t *testing.T) {
		res := e.do(t, http.MethodPost, reg, body("frank", "+4912345678"))
		key := res.wantKeyStatus(t, http.StatusCreated)
		u, err := e.store.UserByUsername(t.Context(), "frank")
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := book.get(u.ID); v != "+4912345678" {
			t.Errorf("stored phone %q", v)
		}
		e.do(t, http.MethodGet, e.path("user/"), "", "Authorization", tokenHeader(key)).
			want(t, http.StatusOK, withPhone(u.ID, "frank", "", "+4912345678"))
	})
	t.Run("a field error from Save leaves no account behind", func(t *testing.T) {
		e.do(t, http.MethodPost, reg, body("gina", "+4912345678")).
			want(t, http.StatusBadRequest, `{"phone":["This phone number is already in use."]}`)
		notCreated(t, "gina")
	})
	t.Run("a failing Save answers 503, leaves no account, and the retry works", func(t *testing.T) {
		book.failSaves(errPhoneStore)
		e.do(t, http.MethodPost, reg, body("hank", "+4900000001")).wantStatus(t, http.StatusServiceUnavailable)
		notCreated(t, "hank")
		book.failSaves(nil)
		e.do(t, http.MethodPost, reg, body("hank", "+4900000001")).wantKeyStatus(t, http.StatusCreated)
	})
}
