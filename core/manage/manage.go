// Package manage implements the starters' management commands, in the
// spirit of Django's manage.py: migrate, createuser, changepassword and
// deactivate. A starter calls Run with its command-line arguments when any
// are given and serves HTTP otherwise.
package manage

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/restauth/restauth/core"
)

// Migrator is the optional store capability behind the migrate command.
type Migrator interface {
	Migrate(ctx context.Context) error
}

// ErrUsage is returned (wrapped) for an unknown command or bad flags; the
// usage text has already been written to stderr.
var ErrUsage = errors.New("usage error")

// command is one management command.
type command struct {
	summary string
	run     func(ctx context.Context, auth *core.Auth, fs *flag.FlagSet, args []string, out io.Writer) error
}

var commands = map[string]command{
	"migrate":            {"apply database migrations (also done on every start)", runMigrate},
	"createuser":         {"create an active user with a verified email: --username U --email E --password P", runCreateUser},
	"changepassword":     {"set a user's password and revoke their tokens: --username U --password P", runChangePassword},
	"deactivate":         {"deactivate a user and revoke their tokens: --username U", runDeactivate},
	"flushexpiredtokens": {"delete expired JWT refresh tokens (SimpleJWT's flushexpiredtokens)", runFlushExpired},
}

// Run executes the command named by args[0] with the remaining arguments.
// Output goes to out, usage and flag errors to errOut.
func Run(ctx context.Context, auth *core.Auth, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(errOut)
		if len(args) == 0 {
			return fmt.Errorf("%w: no command", ErrUsage)
		}
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		usage(errOut)
		return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(errOut)
	return cmd.run(ctx, auth, fs, args[1:], out)
}

// Names returns the command names, sorted.
func Names() []string {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: <server> [command] [flags]\n\nWithout a command the server serves HTTP. Commands:")
	for _, n := range Names() {
		fmt.Fprintf(w, "  %-19s %s\n", n, commands[n].summary)
	}
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", ErrUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected arguments %s", ErrUsage, strings.Join(fs.Args(), " "))
	}
	return nil
}

func runMigrate(ctx context.Context, auth *core.Auth, fs *flag.FlagSet, args []string, out io.Writer) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	m, ok := auth.Config().Store.(Migrator)
	if !ok {
		return errors.New("this store has no migrations")
	}
	if err := m.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintln(out, "Migrations applied.")
	return nil
}

func runCreateUser(ctx context.Context, auth *core.Auth, fs *flag.FlagSet, args []string, out io.Writer) error {
	username := fs.String("username", "", "username (required)")
	email := fs.String("email", "", "email address")
	pw := fs.String("password", "", "password; empty makes an unusable password")
	first := fs.String("first-name", "", "first name")
	last := fs.String("last-name", "", "last name")
	validate := fs.Bool("validate", false, "run the password validators (like the registration endpoint)")
	if err := parse(fs, args); err != nil {
		return err
	}
	u, err := auth.CreateUser(ctx, core.NewUser{
		Username: *username, Email: *email, Password: *pw, FirstName: *first, LastName: *last,
		EmailVerified: true, SkipPasswordValidation: !*validate,
	})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(out, "Created user %q (pk %d).\n", u.Username, u.ID)
	return nil
}

func runChangePassword(ctx context.Context, auth *core.Auth, fs *flag.FlagSet, args []string, out io.Writer) error {
	username := fs.String("username", "", "username (required)")
	pw := fs.String("password", "", "new password (required)")
	validate := fs.Bool("validate", false, "run the password validators")
	if err := parse(fs, args); err != nil {
		return err
	}
	u, err := lookup(ctx, auth, *username)
	if err != nil {
		return err
	}
	if err := auth.SetUserPassword(ctx, u.ID, *pw, *validate); err != nil {
		return describe(err)
	}
	fmt.Fprintf(out, "Password changed for user %q; their tokens were revoked.\n", u.Username)
	return nil
}

func runDeactivate(ctx context.Context, auth *core.Auth, fs *flag.FlagSet, args []string, out io.Writer) error {
	username := fs.String("username", "", "username (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	u, err := lookup(ctx, auth, *username)
	if err != nil {
		return err
	}
	if err := auth.Deactivate(ctx, u.ID); err != nil {
		return describe(err)
	}
	fmt.Fprintf(out, "User %q deactivated; their tokens were revoked.\n", u.Username)
	return nil
}

func runFlushExpired(ctx context.Context, auth *core.Auth, fs *flag.FlagSet, args []string, out io.Writer) error {
	if err := parse(fs, args); err != nil {
		return err
	}
	rs, ok := auth.Config().Store.(core.RefreshStore)
	if !ok {
		return errors.New("this store keeps no refresh tokens")
	}
	n, err := rs.FlushExpiredRefreshTokens(ctx, auth.Config().Now().UTC())
	if err != nil {
		return fmt.Errorf("flushexpiredtokens: %w", err)
	}
	fmt.Fprintf(out, "Deleted %d expired refresh token(s).\n", n)
	return nil
}

func lookup(ctx context.Context, auth *core.Auth, username string) (*core.User, error) {
	if username == "" {
		return nil, fmt.Errorf("%w: --username is required", ErrUsage)
	}
	u, err := auth.Config().Store.UserByUsername(ctx, username)
	if errors.Is(err, core.ErrNotFound) {
		return nil, fmt.Errorf("no user %q", username)
	}
	if err != nil {
		return nil, fmt.Errorf("looking up user: %w", err)
	}
	return u, nil
}

// describe turns a field-keyed *core.Error into "field: message" lines.
func describe(err error) error {
	var e *core.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	var lines []string
	for _, f := range e.Fields {
		for _, m := range f.Messages {
			lines = append(lines, f.Field+": "+m)
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}
