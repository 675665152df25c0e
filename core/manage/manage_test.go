package manage_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/manage"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/core/storekit"
)

func newAuth(t *testing.T) (*core.Auth, core.Store) {
	t.Helper()
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	p, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	store := memstore.New()
	a, err := core.New(core.Config{Store: store, Passwords: p})
	if err != nil {
		t.Fatal(err)
	}
	return a, store
}

func run(t *testing.T, a *core.Auth, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := manage.Run(context.Background(), a, args, &out, &errOut)
	return out.String() + errOut.String(), err
}

func TestCreateUser(t *testing.T) {
	a, store := newAuth(t)
	out, err := run(t, a, "createuser", "--username", "alice", "--email", "Alice@Example.com", "--password", "password")
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	u, err := store.UserByUsername(context.Background(), "ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsActive || !u.EmailVerified || u.Email != "Alice@Example.com" || !strings.HasPrefix(u.PasswordHash, "argon2$argon2id$") {
		t.Errorf("user %+v", u)
	}
	if strings.Contains(out, "password") && strings.Contains(out, u.PasswordHash) {
		t.Error("output leaks the hash")
	}
	// Validators are skipped unless asked for, like createsuperuser --noinput.
	_, err = run(t, a, "createuser", "--username", "bob", "--password", "password", "--validate")
	if err == nil || !strings.Contains(err.Error(), "This password is too common.") {
		t.Errorf("--validate: %v", err)
	}
	_, err = run(t, a, "createuser", "--username", "ALICE", "--email", "other@example.com", "--password", "x")
	if err == nil || err.Error() != "username: A user with that username already exists." {
		t.Errorf("duplicate: %v", err)
	}
	_, err = run(t, a, "createuser", "--username", "carol", "--email", "alice@example.COM", "--password", "x")
	if err == nil || !strings.HasPrefix(err.Error(), "email: ") {
		t.Errorf("duplicate email: %v", err)
	}
	_, err = run(t, a, "createuser", "--email", "x@example.com")
	if err == nil || err.Error() != "username: This field is required." {
		t.Errorf("missing username: %v", err)
	}
}

func TestChangePasswordAndDeactivateRevokeTokens(t *testing.T) {
	a, store := newAuth(t)
	ctx := context.Background()
	if _, err := run(t, a, "createuser", "--username", "alice", "--password", "first-Pass-1"); err != nil {
		t.Fatal(err)
	}
	u, _ := store.UserByUsername(ctx, "alice")
	digest := storekit.TokenDigest("first key of alice")
	if err := store.CreateToken(ctx, &core.Token{Digest: digest, UserID: u.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, a, "changepassword", "--username", "alice", "--password", "second-Pass-2"); err != nil {
		t.Fatal(err)
	}
	after, _ := store.UserByUsername(ctx, "alice")
	if after.PasswordHash == u.PasswordHash || after.TokenEpoch != u.TokenEpoch+1 {
		t.Error("password not changed or epoch not bumped")
	}
	if ok, _, _ := a.Config().Passwords.Check(ctx, "second-Pass-2", after.PasswordHash); !ok {
		t.Error("new password does not verify")
	}
	if _, _, err := store.UserByToken(ctx, digest); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("token survived password change: %v", err)
	}
	digest = storekit.TokenDigest("second key of alice")
	_ = store.CreateToken(ctx, &core.Token{Digest: digest, UserID: u.ID})
	if _, err := run(t, a, "deactivate", "--username", "alice"); err != nil {
		t.Fatal(err)
	}
	if after, _ = store.UserByUsername(ctx, "alice"); after.IsActive {
		t.Error("still active")
	}
	if _, _, err := store.UserByToken(ctx, digest); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("token survived deactivation: %v", err)
	}
	if _, err := run(t, a, "deactivate", "--username", "nobody"); err == nil || !strings.Contains(err.Error(), `no user "nobody"`) {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := run(t, a, "changepassword", "--username", "alice", "--password", ""); err == nil {
		t.Error("blank password accepted")
	}
}

func TestUsageErrors(t *testing.T) {
	a, _ := newAuth(t)
	for _, args := range [][]string{{}, {"frobnicate"}, {"createuser", "--nope"}, {"deactivate", "extra"}} {
		out, err := run(t, a, args...)
		if !errors.Is(err, manage.ErrUsage) {
			t.Errorf("%v: %v", args, err)
		}
		if len(args) < 2 && !strings.Contains(out, "createuser") {
			t.Errorf("%v: usage not printed: %q", args, out)
		}
	}
	if _, err := run(t, a, "help"); err != nil {
		t.Errorf("help: %v", err)
	}
	if _, err := run(t, a, "migrate"); err == nil || !strings.Contains(err.Error(), "no migrations") {
		t.Errorf("migrate on memstore: %v", err)
	}
}
