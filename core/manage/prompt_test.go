package manage

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
)

// TestPromptedPassword: on a terminal (here a scripted prompt) the
// password is asked twice, and blank or mismatched answers are refused.
func TestPromptedPassword(t *testing.T) {
	h, _ := password.NewArgon2(password.FastArgon2Params())
	policy, _ := password.NewPolicy(password.WithHasher(h))
	store := memstore.New()
	a, err := core.New(core.Config{Store: store, Passwords: policy, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	script := func(answers ...string) (Option, *[]string) {
		var labels []string
		return withPrompt(func(label string) (string, error) {
			labels = append(labels, label)
			if len(answers) == 0 {
				return "", io.EOF
			}
			next := answers[0]
			answers = answers[1:]
			return next, nil
		}), &labels
	}
	runWith := func(o Option, args ...string) error {
		return Run(ctx, a, args, io.Discard, io.Discard, WithStdin(strings.NewReader("")), o)
	}

	o, labels := script("Quiet-harbor-71", "Quiet-harbor-71")
	if err := runWith(o, "createsuperuser", "--username", "root"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(*labels, "|") != "Password: |Password (again): " {
		t.Errorf("prompts %q", *labels)
	}
	u, _ := store.UserByUsername(ctx, "root")
	if ok, _, _ := policy.Check(ctx, "Quiet-harbor-71", u.PasswordHash); !ok || !u.IsSuperuser {
		t.Errorf("prompted password not set: %+v", u)
	}
	o, _ = script("Quiet-harbor-71", "Quiet-harbor-72")
	if err := runWith(o, "createuser", "--username", "bob"); err == nil || !strings.Contains(err.Error(), "do not match") {
		t.Errorf("mismatch: %v", err)
	}
	o, _ = script("")
	if err := runWith(o, "changepassword", "--username", "root"); err == nil || !strings.Contains(err.Error(), "blank") {
		t.Errorf("blank: %v", err)
	}
	o, _ = script()
	if err := runWith(o, "createuser", "--username", "bob"); !errors.Is(err, io.EOF) {
		t.Errorf("closed terminal: %v", err)
	}
	if _, err := store.UserByUsername(ctx, "bob"); !errors.Is(err, core.ErrNotFound) {
		t.Error("bob created")
	}
	// --password-stdin is read even on a terminal; the prompt is not used.
	o, labels = script()
	if err := Run(ctx, a, []string{"createuser", "--username", "carol", "--password-stdin"}, io.Discard, io.Discard,
		WithStdin(strings.NewReader("Quiet-harbor-71\n")), o); err != nil || len(*labels) != 0 {
		t.Errorf("--password-stdin with a prompt: %v, prompted %q", err, *labels)
	}
}

// TestTerminalPromptOnlyOnTerminals: pipes and buffers get no prompt.
func TestTerminalPromptOnlyOnTerminals(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, in := range []io.Reader{r, &bytes.Buffer{}, strings.NewReader("x")} {
		if terminalPrompt(in, io.Discard) != nil {
			t.Errorf("%T treated as a terminal", in)
		}
	}
}
