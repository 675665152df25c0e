package authtest

import (
	"net/http"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/password"
)

// invalidLogin is dj-rest-auth's generic login failure.
const invalidLogin = `{"non_field_errors":["Unable to log in with provided credentials."]}`

// pwPolicy is a newEnv option that replaces the password policy with one
// whose preferred hasher is h, counted by the returned CountingHasher, and
// whose integrity warnings go to the env's log. Other verifiers keep
// their defaults.
func pwPolicy(t *testing.T, h password.Hasher) (func(*core.Config), *password.CountingHasher) {
	t.Helper()
	counting := password.NewCountingHasher(h)
	return func(c *core.Config) {
		p, err := password.NewPolicy(password.WithHasher(counting), password.WithLogger(c.Logger))
		if err != nil {
			t.Fatalf("password policy: %v", err)
		}
		c.Passwords = p
	}, counting
}

// pwFastArgon2 returns the suite's cheap argon2id hasher.
func pwFastArgon2(t *testing.T) *password.Argon2 {
	t.Helper()
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// pwSetHash stores encoded as the password hash of username, as a
// migration from Django (or a corrupted row) would leave it, and returns
// the user.
func (e *env) pwSetHash(t *testing.T, username, encoded string) *core.User {
	t.Helper()
	u, err := e.store.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatalf("UserByUsername(%q): %v", username, err)
	}
	swapped, err := e.store.UpgradePasswordHash(t.Context(), u.ID, u.PasswordHash, encoded)
	if err != nil || !swapped {
		t.Fatalf("storing a hash for %q: swapped=%v err=%v", username, swapped, err)
	}
	u.PasswordHash = encoded
	return u
}

// pwStoredHash returns the stored password hash of username.
func (e *env) pwStoredHash(t *testing.T, username string) string {
	t.Helper()
	u, err := e.store.UserByUsername(t.Context(), username)
	if err != nil {
		t.Fatalf("UserByUsername(%q): %v", username, err)
	}
	return u.PasswordHash
}

// pwLogin posts a username login.
func (e *env) pwLogin(t *testing.T, username, pw string) *response {
	t.Helper()
	return e.do(t, http.MethodPost, e.path("login/"), jsonObject("username", username, "password", pw))
}

// pwResetLink asks for a reset mail to addr and returns its uid and token.
func (e *env) pwResetLink(t *testing.T, outbox *mail.Outbox, addr string) (uid, token string) {
	t.Helper()
	e.do(t, http.MethodPost, e.path("password/reset/"), jsonObject("email", addr)).wantStatus(t, http.StatusOK)
	sub := lastLink(t, outbox, addr, resetLinkRe)
	e.secrets.add(sub[2])
	return sub[1], sub[2]
}

// pwChangeBody is a password/change/ body.
func pwChangeBody(old, pw string) string {
	return jsonObject("old_password", old, "new_password1", pw, "new_password2", pw)
}

// pwConfirmBody is a password/reset/confirm/ body.
func pwConfirmBody(uid, token, pw string) string {
	return jsonObject("new_password1", pw, "new_password2", pw, "uid", uid, "token", token)
}
