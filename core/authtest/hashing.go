package authtest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/restauth/restauth/core/password"
)

// testLoginHashing checks what login costs and stores: one hash per
// attempt whatever the outcome, and an upgrade of legacy hashes.
func (s *suite) testLoginHashing(t *testing.T) {
	e := s.newEnv(t)
	e.createLoginCast(t)

	t.Run("one hash per attempt", func(t *testing.T) {
		for _, tc := range []struct {
			name, body string
			status     int
		}{
			{"unknown user", jsonObject("username", "nobody", "password", defaultPassword), http.StatusBadRequest},
			{"unknown email", jsonObject("email", "nobody@example.com", "password", defaultPassword), http.StatusBadRequest},
			{"wrong password", jsonObject("username", "alice", "password", "Wrong-pass-123"), http.StatusBadRequest},
			{"inactive user", jsonObject("username", "carol", "password", defaultPassword), http.StatusBadRequest},
			{"unusable password", jsonObject("username", "dave", "password", defaultPassword), http.StatusBadRequest},
			{"success", jsonObject("username", "alice", "password", defaultPassword), http.StatusOK},
		} {
			t.Run(tc.name, func(t *testing.T) {
				e.hashes.Reset()
				e.do(t, http.MethodPost, e.path("login/"), tc.body).wantStatus(t, tc.status)
				if n := e.hashes.Count(); n != 1 {
					t.Errorf("login cost %d hashes, want exactly 1", n)
				}
			})
		}
	})

	t.Run("legacy hash is upgraded on login", func(t *testing.T) {
		ctx := t.Context()
		u := e.createUser(t, newUser("legacy"))
		pbkdf2, err := password.NewPBKDF2("pbkdf2_sha256", 1000)
		if err != nil {
			t.Fatal(err)
		}
		old, err := pbkdf2.Hash(defaultPassword)
		if err != nil {
			t.Fatal(err)
		}
		swapped, err := e.store.UpgradePasswordHash(ctx, u.ID, u.PasswordHash, old)
		if err != nil || !swapped {
			t.Fatalf("installing the legacy hash: swapped=%v err=%v", swapped, err)
		}
		e.login(t, "legacy", defaultPassword)
		got, err := e.store.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.PasswordHash == old || !strings.HasPrefix(got.PasswordHash, "argon2$argon2id$") {
			t.Errorf("stored hash after login has prefix %q, want a fresh argon2id hash", strings.SplitN(got.PasswordHash, "$", 2)[0])
		}
		e.login(t, "legacy", defaultPassword)
	})
}
