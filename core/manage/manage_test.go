package manage_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/envconfig"
	"github.com/restauth/restauth/core/manage"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/core/storekit"
)

func newAuth(t *testing.T, emailOnly bool) (*core.Auth, core.Store) {
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
	a, err := core.New(core.Config{Store: store, Passwords: p, EmailOnly: emailOnly, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return a, store
}

// result is what one Run wrote and returned.
type result struct {
	out, errOut string
	err         error
}

// run runs args as the program "gin-api" with stdin a pipe (never a
// terminal) holding the given text.
func run(t *testing.T, a *core.Auth, stdin string, args ...string) result {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		_, _ = io.WriteString(w, stdin)
		w.Close()
	}()
	var out, errOut bytes.Buffer
	err = manage.Run(context.Background(), a, args, &out, &errOut, manage.WithStdin(r), manage.WithProgram("gin-api"))
	return result{out.String(), errOut.String(), err}
}

func (r result) wantOK(t *testing.T) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("%v (stderr %q)", r.err, r.errOut)
	}
}

// wantErr checks that the error is exactly msg (and a usage error when
// usage is set).
func (r result) wantErr(t *testing.T, msg string, usage bool) {
	t.Helper()
	if r.err == nil || !strings.Contains(r.err.Error(), msg) || errors.Is(r.err, manage.ErrUsage) != usage {
		t.Errorf("error %v, want %q (usage error %v)", r.err, msg, usage)
	}
}

func TestCreateUserPasswordFromStdin(t *testing.T) {
	a, store := newAuth(t, false)
	ctx := context.Background()
	res := run(t, a, "Quiet harbor 71\r\n", "createuser", "--username", "alice", "--email", "Alice@Example.com", "--password-stdin")
	res.wantOK(t)
	if res.out != "Created user \"alice\" (pk 1).\n" {
		t.Errorf("output %q", res.out)
	}
	u, err := store.UserByUsername(ctx, "ALICE")
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsActive || !u.EmailVerified || u.IsStaff || u.IsSuperuser || u.Email != "Alice@Example.com" || !strings.HasPrefix(u.PasswordHash, "argon2$argon2id$") {
		t.Errorf("user %+v", u)
	}
	// Only the line ending is cut: inner and leading spaces are the password's.
	if ok, _, _ := a.Config().Passwords.Check(ctx, "Quiet harbor 71", u.PasswordHash); !ok {
		t.Error("the password read from stdin does not verify")
	}
	if strings.Contains(res.out+res.errOut, "Quiet harbor") {
		t.Error("output echoes the password")
	}
}

func TestCreateUserRefusesWithoutPassword(t *testing.T) {
	a, store := newAuth(t, false)
	res := run(t, a, "Quiet-harbor-71\n", "createuser", "--username", "alice")
	res.wantErr(t, "--password-stdin", true)
	res.wantErr(t, "not a terminal", true)
	if _, err := store.UserByUsername(context.Background(), "alice"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("a user was created: %v", err)
	}
	run(t, a, "", "createuser", "--username", "alice", "--password-stdin").wantErr(t, "--password-stdin: standard input holds no password", true)
	run(t, a, "\n", "createuser", "--username", "alice", "--password-stdin").wantErr(t, "--password-stdin: standard input holds no password", true)
	run(t, a, "x\n", "createuser", "--username", "alice", "--password-stdin", "--password", "y").wantErr(t, "exclude each other", true)
	run(t, a, "", "createuser", "--username", "alice", "--no-password", "--password", "y").wantErr(t, "exclude each other", true)
	run(t, a, "", "createuser", "--username", "alice", "--password", "").wantErr(t, "--password: blank passwords are not allowed", true)
	if _, err := store.UserByUsername(context.Background(), "alice"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("a user was created: %v", err)
	}
}

func TestCreateUserOtherPasswordSources(t *testing.T) {
	a, store := newAuth(t, false)
	ctx := context.Background()
	run(t, a, "", "createuser", "--username", "argv", "--password", "Quiet-harbor-71").wantOK(t)
	u, _ := store.UserByUsername(ctx, "argv")
	if ok, _, _ := a.Config().Passwords.Check(ctx, "Quiet-harbor-71", u.PasswordHash); !ok {
		t.Error("--password not set")
	}
	run(t, a, "", "createuser", "--username", "nopass", "--no-password").wantOK(t)
	u, _ = store.UserByUsername(ctx, "nopass")
	if password.IsUsable(u.PasswordHash) {
		t.Errorf("--no-password: hash %q", u.PasswordHash)
	}
}

func TestCreateUserErrorsNameTheFlag(t *testing.T) {
	a, _ := newAuth(t, false)
	run(t, a, "Quiet-harbor-71\n", "createuser", "--username", "alice", "--email", "alice@example.com", "--password-stdin").wantOK(t)
	// Validators are skipped unless asked for, like createsuperuser --noinput.
	run(t, a, "password\n", "createuser", "--username", "bob", "--password-stdin", "--validate").
		wantErr(t, "--password-stdin: This password is too common.", false)
	run(t, a, "x\n", "createuser", "--username", "ALICE", "--email", "other@example.com", "--password-stdin").
		wantErr(t, "--username: A user with that username already exists.", false)
	res := run(t, a, "x\n", "createuser", "--username", "carol", "--email", "alice@example.COM", "--password-stdin")
	res.wantErr(t, "--email: ", false)
	run(t, a, "x\n", "createuser", "--email", "x@example.com", "--password-stdin").wantErr(t, "--username is required", true)
	run(t, a, "x\n", "createuser", "--username", "bad name!", "--password-stdin").wantErr(t, "--username: ", false)
	run(t, a, "x\n", "createuser", "--username", "dave", "--email", "not-an-email", "--password-stdin").wantErr(t, "--email: ", false)
}

func TestCreateSuperuser(t *testing.T) {
	a, store := newAuth(t, false)
	res := run(t, a, "Quiet-harbor-71\n", "createsuperuser", "--username", "root", "--email", "root@example.com", "--password-stdin")
	res.wantOK(t)
	if res.out != "Created superuser \"root\" (pk 1).\n" {
		t.Errorf("output %q", res.out)
	}
	u, err := store.UserByUsername(context.Background(), "root")
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsActive || !u.IsStaff || !u.IsSuperuser || !u.EmailVerified || u.Email != "root@example.com" {
		t.Errorf("superuser %+v", u)
	}
	run(t, a, "x\n", "createsuperuser", "--username", "ROOT", "--password-stdin").wantErr(t, "--username: A user with that username already exists.", false)
	run(t, a, "", "createsuperuser", "--username", "admin").wantErr(t, "--password-stdin", true)
}

// TestEmailOnly: with RESTAUTH_USERNAME=off accounts are created from
// --email alone and found by it; the output names the email.
func TestEmailOnly(t *testing.T) {
	a, store := newAuth(t, true)
	ctx := context.Background()
	res := run(t, a, "Quiet-harbor-71\n", "createsuperuser", "--email", "Ops@Example.com", "--password-stdin")
	res.wantOK(t)
	if res.out != "Created superuser \"Ops@Example.com\" (pk 1).\n" {
		t.Errorf("output %q", res.out)
	}
	u, err := store.UserByEmail(ctx, "ops@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if u.Username == "" || !u.IsSuperuser || !u.EmailVerified {
		t.Errorf("user %+v", u)
	}
	run(t, a, "Quiet-harbor-71\n", "createuser", "--email", "dev@example.com", "--password-stdin").wantOK(t)
	run(t, a, "x\n", "createuser", "--password-stdin").wantErr(t, "--email is required", true)
	res = run(t, a, "Other-harbor-82\n", "changepassword", "--email", "DEV@example.com", "--password-stdin")
	res.wantOK(t)
	if !strings.Contains(res.out, `"dev@example.com"`) {
		t.Errorf("output %q", res.out)
	}
	res = run(t, a, "", "createuser", "--help")
	if res.err != nil || !strings.Contains(res.out, "usage: gin-api createuser --email E") {
		t.Errorf("help in email-only mode: %v %q", res.err, res.out)
	}
}

func TestChangePasswordAndDeactivateRevokeTokens(t *testing.T) {
	a, store := newAuth(t, false)
	ctx := context.Background()
	run(t, a, "first-Pass-1\n", "createuser", "--username", "alice", "--email", "alice@example.com", "--password-stdin").wantOK(t)
	u, _ := store.UserByUsername(ctx, "alice")
	digest := storekit.TokenDigest("first key of alice")
	if err := store.CreateToken(ctx, &core.Token{Digest: digest, UserID: u.ID}); err != nil {
		t.Fatal(err)
	}
	run(t, a, "", "changepassword", "--username", "alice").wantErr(t, "--password-stdin", true)
	run(t, a, "second-Pass-2\n", "changepassword", "--username", "alice", "--password-stdin").wantOK(t)
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
	run(t, a, "password\n", "changepassword", "--username", "alice", "--password-stdin", "--validate").
		wantErr(t, "--password-stdin: This password is too common.", false)
	digest = storekit.TokenDigest("second key of alice")
	_ = store.CreateToken(ctx, &core.Token{Digest: digest, UserID: u.ID})
	run(t, a, "", "deactivate", "--email", "ALICE@example.com").wantOK(t)
	if after, _ = store.UserByUsername(ctx, "alice"); after.IsActive {
		t.Error("still active")
	}
	if _, _, err := store.UserByToken(ctx, digest); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("token survived deactivation: %v", err)
	}
	run(t, a, "", "deactivate", "--username", "nobody").wantErr(t, `--username: no user "nobody"`, false)
	run(t, a, "", "deactivate", "--email", "nobody@example.com").wantErr(t, `--email: no user with email "nobody@example.com"`, false)
	run(t, a, "", "deactivate").wantErr(t, "--username or --email is required", true)
	run(t, a, "", "deactivate", "--username", "alice", "--email", "alice@example.com").wantErr(t, "not both", true)
	run(t, a, "", "changepassword", "--username", "alice", "--password", "").wantErr(t, "--password: blank", true)
}

func TestHelp(t *testing.T) {
	a, _ := newAuth(t, false)
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		res := run(t, a, "", args...)
		if res.err != nil || res.errOut != "" {
			t.Errorf("%v: %v, stderr %q", args, res.err, res.errOut)
		}
		if !strings.Contains(res.out, "usage: gin-api [COMMAND [FLAGS]]") || strings.Contains(res.out, "<server>") {
			t.Errorf("%v: program name missing: %q", args, res.out)
		}
		for _, name := range append(manage.Names(), "help") {
			if !strings.Contains(res.out, "\n  "+name+" ") {
				t.Errorf("%v: command %s not listed", args, name)
			}
		}
		for _, v := range envconfig.Variables() {
			if !strings.Contains(res.out, "  "+v.Name+" ") || !strings.Contains(res.out, "default: "+v.Default+"\n") {
				t.Errorf("%v: variable %s or its default %q not listed", args, v.Name, v.Default)
			}
		}
	}
	if names := manage.Names(); strings.Join(names, " ") != "changepassword createsuperuser createuser deactivate flushexpiredtokens migrate" {
		t.Errorf("Names: %v", names)
	}
}

func TestCommandHelpExitsZero(t *testing.T) {
	a, store := newAuth(t, false)
	for _, name := range manage.Names() {
		for _, flag := range []string{"--help", "-h", "-help"} {
			res := run(t, a, "", name, flag)
			if res.err != nil {
				t.Errorf("%s %s: %v", name, flag, res.err)
			}
			if !strings.HasPrefix(res.out, "usage: gin-api "+name) {
				t.Errorf("%s %s: %q", name, flag, res.out)
			}
		}
		if res := run(t, a, "", "help", name); res.err != nil || !strings.HasPrefix(res.out, "usage: gin-api "+name) {
			t.Errorf("help %s: %v %q", name, res.err, res.out)
		}
	}
	res := run(t, a, "", "createuser", "--help")
	for _, want := range []string{"--username USERNAME", "--email EMAIL", "--password-stdin", "--no-password", "--password PASSWORD", "visible to other users in ps", "without echo"} {
		if !strings.Contains(res.out, want) {
			t.Errorf("createuser --help lacks %q:\n%s", want, res.out)
		}
	}
	// --help wins over other flags and creates nothing.
	run(t, a, "", "createuser", "--username", "x", "--help").wantOK(t)
	if _, err := store.UserByUsername(context.Background(), "x"); !errors.Is(err, core.ErrNotFound) {
		t.Error("createuser --help created a user")
	}
}

func TestUsageErrors(t *testing.T) {
	a, _ := newAuth(t, false)
	for _, args := range [][]string{{}, {"frobnicate"}, {"help", "frobnicate"}} {
		res := run(t, a, "", args...)
		if !errors.Is(res.err, manage.ErrUsage) || !strings.Contains(res.errOut, "createuser") || res.out != "" {
			t.Errorf("%v: %v, usage on stderr %q, stdout %q", args, res.err, res.errOut, res.out)
		}
	}
	res := run(t, a, "", "createuser", "--nope")
	if !errors.Is(res.err, manage.ErrUsage) || !strings.Contains(res.err.Error(), "-nope") || !strings.Contains(res.errOut, "gin-api createuser --help") {
		t.Errorf("unknown flag: %v %q", res.err, res.errOut)
	}
	res = run(t, a, "", "deactivate", "extra")
	if !errors.Is(res.err, manage.ErrUsage) || !strings.Contains(res.err.Error(), "unexpected arguments extra") {
		t.Errorf("extra argument: %v", res.err)
	}
	run(t, a, "", "migrate").wantErr(t, "no migrations", false)
}

// TestDefaultProgramName: without WithProgram, usage shows the running
// program's base name.
func TestDefaultProgramName(t *testing.T) {
	a, _ := newAuth(t, false)
	var out bytes.Buffer
	if err := manage.Run(context.Background(), a, []string{"help"}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if want := "usage: " + filepath.Base(os.Args[0]) + " [COMMAND"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("got %q, want prefix %q", out.String(), want)
	}
}
