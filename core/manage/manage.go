// Package manage implements the starters' management commands, in the
// spirit of Django's manage.py: migrate, createuser, createsuperuser,
// changepassword, deactivate and flushexpiredtokens. A starter calls Run
// with its command-line arguments when any are given and serves HTTP
// otherwise; "help" lists the commands and the RESTAUTH_* environment
// (package envconfig), and "COMMAND --help" a command's flags.
//
// Passwords are never required on the command line, where other users of
// the machine see them (ps, /proc): on a terminal they are prompted for
// without echo, and otherwise --password-stdin reads the first line of
// standard input. --password is still accepted for throwaway scripts.
package manage

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/envconfig"
)

// Migrator is the optional store capability behind the migrate command.
type Migrator interface {
	Migrate(ctx context.Context) error
}

// ErrUsage is returned (wrapped) for an unknown command, bad flags or a
// missing required flag; the message names the flag.
var ErrUsage = errors.New("usage error")

// maxStdinPassword bounds what --password-stdin reads: well above any
// password policy's cap, so an over-long password reaches the policy and
// is refused with its message, and a stray pipe cannot fill memory.
const maxStdinPassword = 64 << 10

// Option adjusts Run.
type Option func(*runner)

// WithStdin sets where --password-stdin reads and where a password is
// prompted for when it is a terminal. Default os.Stdin.
func WithStdin(r io.Reader) Option { return func(rn *runner) { rn.stdin = r } }

// WithProgram sets the program name shown in usage texts. Default the base
// name of os.Args[0].
func WithProgram(name string) Option { return func(rn *runner) { rn.program = name } }

// withPrompt replaces the terminal prompt (tests of the interactive path).
func withPrompt(prompt func(label string) (string, error)) Option {
	return func(rn *runner) { rn.prompt = prompt }
}

// runner is one Run: where it reads and writes, and the service.
type runner struct {
	ctx     context.Context
	auth    *core.Auth
	program string
	stdin   io.Reader
	out     io.Writer // results and requested help
	errOut  io.Writer // prompts and usage after an error
	// prompt reads a password without echo; nil when stdin is not a
	// terminal.
	prompt func(label string) (string, error)
}

// command is one management command.
type command struct {
	name     string
	synopsis string // flags shown after the name in usage lines
	summary  string
	// details is printed by COMMAND --help after the summary.
	details string
	// flags declares the command's flags and returns its action.
	flags func(r *runner, fs *flag.FlagSet) func() error
}

func commands() []command {
	return []command{
		{"changepassword", "(--username U | --email E)", "set a user's password and revoke their tokens",
			passwordDetails, (*runner).changePassword},
		{"createsuperuser", "--username U [--email E]", "create a staff superuser with a verified email (Django's createsuperuser)",
			"The account is also staff and superuser (Django's is_staff and is_superuser).\n" + createDetails, (*runner).createSuperuser},
		{"createuser", "--username U [--email E]", "create an active user with a verified email",
			createDetails, (*runner).createUser},
		{"deactivate", "(--username U | --email E)", "deactivate a user and revoke their tokens", "", (*runner).deactivate},
		{"flushexpiredtokens", "", "delete expired JWT refresh tokens (SimpleJWT's flushexpiredtokens)", "", (*runner).flushExpired},
		{"migrate", "", "apply database migrations (also done on every start)", "", (*runner).migrate},
	}
}

const passwordDetails = `On a terminal the password is prompted for twice, without echo. Otherwise
pass --password-stdin and write it to standard input (its first line), e.g.
  printf '%s\n' "$PASSWORD" | PROGRAM COMMAND ... --password-stdin
--password puts it on the command line, where other users see it in ps.`

const createDetails = passwordDetails + `
--no-password gives the account an unusable password (a reset sets one).
With RESTAUTH_USERNAME=off (Config.EmailOnly) accounts are identified by
--email; --username is then optional (one is generated, never shown).`

// Run executes the command named by args[0] with the remaining arguments.
// Results and requested help go to out; prompts and the usage after an
// error go to errOut. It returns nil for help and COMMAND --help.
func Run(ctx context.Context, auth *core.Auth, args []string, out, errOut io.Writer, opts ...Option) error {
	r := &runner{ctx: ctx, auth: auth, program: filepath.Base(os.Args[0]), stdin: os.Stdin, out: out, errOut: errOut}
	for _, o := range opts {
		o(r)
	}
	if r.prompt == nil {
		r.prompt = terminalPrompt(r.stdin, errOut)
	}
	if len(args) == 0 {
		r.usage(errOut)
		return fmt.Errorf("%w: no command", ErrUsage)
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			if c, ok := find(args[1]); ok {
				r.commandUsage(out, c)
				return nil
			}
			r.usage(errOut)
			return fmt.Errorf("%w: unknown command %q", ErrUsage, args[1])
		}
		r.usage(out)
		return nil
	}
	c, ok := find(args[0])
	if !ok {
		r.usage(errOut)
		return fmt.Errorf("%w: unknown command %q", ErrUsage, args[0])
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // usage is printed here, to the right stream
	fs.Usage = func() {}
	action := c.flags(r, fs)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			r.commandUsage(out, c)
			return nil
		}
		fmt.Fprintf(errOut, "Run '%s %s --help' for its flags.\n", r.program, c.name)
		return fmt.Errorf("%w: %s: %v", ErrUsage, c.name, err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(errOut, "Run '%s %s --help' for its flags.\n", r.program, c.name)
		return fmt.Errorf("%w: %s: unexpected arguments %s", ErrUsage, c.name, strings.Join(fs.Args(), " "))
	}
	return action()
}

// Names returns the command names, sorted.
func Names() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return names
}

func find(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// usage lists the commands and the environment.
func (r *runner) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s [COMMAND [FLAGS]]\n\nWithout a command, %s serves HTTP. Commands:\n\n", r.program, r.program)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-19s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-19s %s\n", "help", "show this help; 'help COMMAND' shows a command's flags")
	fmt.Fprintf(w, "\n'%s COMMAND --help' shows a command's flags.\n\nEnvironment (read by the server and by every command):\n\n", r.program)
	for _, v := range envconfig.Variables() {
		fmt.Fprintf(w, "  %-28s %s\n  %-28s default: %s\n", v.Name, v.Meaning, "", v.Default)
	}
}

// commandUsage prints one command's synopsis, details and flags.
func (r *runner) commandUsage(w io.Writer, c command) {
	synopsis := c.synopsis
	if strings.HasPrefix(c.name, "create") && r.auth != nil && r.auth.Config().EmailOnly {
		synopsis = "--email E"
	}
	fmt.Fprintf(w, "usage: %s %s", r.program, c.name)
	if synopsis != "" {
		fmt.Fprint(w, " "+synopsis)
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	c.flags(r, fs)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, " [FLAGS]")
	}
	fmt.Fprintf(w, "\n\n%s%s.\n", strings.ToUpper(c.summary[:1]), c.summary[1:])
	if c.details != "" {
		fmt.Fprintln(w, strings.NewReplacer("PROGRAM", r.program, "COMMAND", c.name).Replace(c.details))
	}
	if n == 0 {
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	fs.VisitAll(func(f *flag.Flag) {
		arg, help := flag.UnquoteUsage(f)
		name := "--" + f.Name
		if arg != "" {
			name += " " + arg
		}
		fmt.Fprintf(w, "  %-22s %s\n", name, help)
	})
}

// passwordFlags are the ways a command is given a password.
type passwordFlags struct {
	value *string
	stdin *bool
	none  *bool // createuser and createsuperuser only
	fs    *flag.FlagSet
}

func declarePassword(fs *flag.FlagSet, allowNone bool) *passwordFlags {
	p := &passwordFlags{fs: fs,
		value: fs.String("password", "", "the `PASSWORD` itself; visible to other users in ps, prefer the prompt or --password-stdin"),
		stdin: fs.Bool("password-stdin", false, "read the password from the first line of standard input"),
	}
	if allowNone {
		p.none = fs.Bool("no-password", false, "give the account an unusable password")
	}
	return p
}

// isSet reports whether the flag name was given.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// readPassword returns the password and the flag it came from ("" for
// the prompt, which asks twice), or ok false for --no-password.
func (r *runner) readPassword(p *passwordFlags) (pw, source string, ok bool, err error) {
	given := 0
	for _, set := range []bool{isSet(p.fs, "password"), *p.stdin, p.none != nil && *p.none} {
		if set {
			given++
		}
	}
	if given > 1 {
		alts := "--password and --password-stdin"
		if p.none != nil {
			alts = "--password, --password-stdin and --no-password"
		}
		return "", "", false, fmt.Errorf("%w: %s exclude each other", ErrUsage, alts)
	}
	switch {
	case p.none != nil && *p.none:
		return "", "", false, nil
	case isSet(p.fs, "password"):
		if *p.value == "" {
			return "", "", false, fmt.Errorf("%w: --password: blank passwords are not allowed", ErrUsage)
		}
		return *p.value, "--password", true, nil
	case *p.stdin:
		line, err := bufio.NewReader(io.LimitReader(r.stdin, maxStdinPassword)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", "", false, fmt.Errorf("--password-stdin: reading standard input: %w", err)
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if line == "" {
			return "", "", false, fmt.Errorf("%w: --password-stdin: standard input holds no password", ErrUsage)
		}
		return line, "--password-stdin", true, nil
	}
	if r.prompt == nil {
		hint := ""
		if p.none != nil {
			hint = ", or --no-password for an unusable one"
		}
		return "", "", false, fmt.Errorf("%w: no password given and standard input is not a terminal: pass --password-stdin and write the password to standard input%s", ErrUsage, hint)
	}
	first, err := r.prompt("Password: ")
	if err != nil {
		return "", "", false, fmt.Errorf("reading the password: %w", err)
	}
	if first == "" {
		return "", "", false, errors.New("blank passwords are not allowed")
	}
	again, err := r.prompt("Password (again): ")
	if err != nil {
		return "", "", false, fmt.Errorf("reading the password: %w", err)
	}
	if again != first {
		return "", "", false, errors.New("the two passwords do not match")
	}
	return first, "", true, nil
}

// terminalPrompt returns a prompt reading from stdin without echo, or nil
// when stdin is not a terminal.
func terminalPrompt(stdin io.Reader, errOut io.Writer) func(string) (string, error) {
	f, ok := stdin.(interface{ Fd() uintptr })
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	fd := int(f.Fd())
	return func(label string) (string, error) {
		fmt.Fprint(errOut, label)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(errOut)
		return string(b), err
	}
}

// newUserFlags are createuser's and createsuperuser's flags.
type newUserFlags struct {
	username, email, first, last *string
	validate                     *bool
	pw                           *passwordFlags
}

func declareNewUser(fs *flag.FlagSet) *newUserFlags {
	return &newUserFlags{
		username: fs.String("username", "", "the account's `USERNAME` (required unless RESTAUTH_USERNAME=off, which generates one)"),
		email:    fs.String("email", "", "the account's `EMAIL` address, marked verified (required with RESTAUTH_USERNAME=off)"),
		first:    fs.String("first-name", "", "the user's first `NAME`"),
		last:     fs.String("last-name", "", "the user's last `NAME`"),
		validate: fs.Bool("validate", false, "run the password validators, as registration does (skipped by default, like createsuperuser --noinput)"),
		pw:       declarePassword(fs, true),
	}
}

func (r *runner) createUser(fs *flag.FlagSet) func() error {
	f := declareNewUser(fs)
	return func() error { return r.create(f, false) }
}

func (r *runner) createSuperuser(fs *flag.FlagSet) func() error {
	f := declareNewUser(fs)
	return func() error { return r.create(f, true) }
}

func (r *runner) create(f *newUserFlags, superuser bool) error {
	emailOnly := r.auth.Config().EmailOnly
	switch {
	case emailOnly && *f.email == "":
		return fmt.Errorf("%w: --email is required: accounts are identified by their email with RESTAUTH_USERNAME=off (Config.EmailOnly)", ErrUsage)
	case !emailOnly && *f.username == "":
		return fmt.Errorf("%w: --username is required", ErrUsage)
	}
	pw, source, _, err := r.readPassword(f.pw)
	if err != nil {
		return err
	}
	u, err := r.auth.CreateUser(r.ctx, core.NewUser{
		Username: *f.username, Email: *f.email, Password: pw, FirstName: *f.first, LastName: *f.last,
		EmailVerified: true, SkipPasswordValidation: !*f.validate,
		IsStaff: superuser, IsSuperuser: superuser,
	})
	if err != nil {
		return describe(err, source)
	}
	kind := "user"
	if superuser {
		kind = "superuser"
	}
	fmt.Fprintf(r.out, "Created %s %s (pk %d).\n", kind, r.name(u), u.ID)
	return nil
}

// name is how output names u: its email when accounts have no username.
func (r *runner) name(u *core.User) string {
	if r.auth.Config().EmailOnly {
		return fmt.Sprintf("%q", u.Email)
	}
	return fmt.Sprintf("%q", u.Username)
}

// whoFlags select an existing user.
type whoFlags struct{ username, email *string }

func declareWho(fs *flag.FlagSet) whoFlags {
	return whoFlags{
		username: fs.String("username", "", "the user's `USERNAME`"),
		email:    fs.String("email", "", "the user's `EMAIL` address (any case)"),
	}
}

func (r *runner) changePassword(fs *flag.FlagSet) func() error {
	who := declareWho(fs)
	pw := declarePassword(fs, false)
	validate := fs.Bool("validate", false, "run the password validators")
	return func() error {
		u, err := r.lookup(who)
		if err != nil {
			return err
		}
		p, source, _, err := r.readPassword(pw)
		if err != nil {
			return err
		}
		if err := r.auth.SetUserPassword(r.ctx, u.ID, p, *validate); err != nil {
			return describe(err, source)
		}
		fmt.Fprintf(r.out, "Password changed for user %s; their tokens were revoked.\n", r.name(u))
		return nil
	}
}

func (r *runner) deactivate(fs *flag.FlagSet) func() error {
	who := declareWho(fs)
	return func() error {
		u, err := r.lookup(who)
		if err != nil {
			return err
		}
		if err := r.auth.Deactivate(r.ctx, u.ID); err != nil {
			return describe(err, "")
		}
		fmt.Fprintf(r.out, "User %s deactivated; their tokens were revoked.\n", r.name(u))
		return nil
	}
}

func (r *runner) migrate(*flag.FlagSet) func() error {
	return func() error {
		m, ok := r.auth.Config().Store.(Migrator)
		if !ok {
			return errors.New("this store has no migrations")
		}
		if err := m.Migrate(r.ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		fmt.Fprintln(r.out, "Migrations applied.")
		return nil
	}
}

func (r *runner) flushExpired(*flag.FlagSet) func() error {
	return func() error {
		rs, ok := r.auth.Config().Store.(core.RefreshStore)
		if !ok {
			return errors.New("this store keeps no refresh tokens")
		}
		n, err := rs.FlushExpiredRefreshTokens(r.ctx, r.auth.Config().Now().UTC())
		if err != nil {
			return fmt.Errorf("flushexpiredtokens: %w", err)
		}
		fmt.Fprintf(r.out, "Deleted %d expired refresh token(s).\n", n)
		return nil
	}
}

// lookup finds the user named by exactly one of --username and --email.
func (r *runner) lookup(who whoFlags) (*core.User, error) {
	store := r.auth.Config().Store
	var u *core.User
	var err error
	switch {
	case *who.username != "" && *who.email != "":
		return nil, fmt.Errorf("%w: give --username or --email, not both", ErrUsage)
	case *who.username != "":
		u, err = store.UserByUsername(r.ctx, *who.username)
		if errors.Is(err, core.ErrNotFound) {
			return nil, fmt.Errorf("--username: no user %q", *who.username)
		}
	case *who.email != "":
		u, err = store.UserByEmail(r.ctx, *who.email)
		if errors.Is(err, core.ErrNotFound) {
			return nil, fmt.Errorf("--email: no user with email %q", *who.email)
		}
	default:
		return nil, fmt.Errorf("%w: --username or --email is required", ErrUsage)
	}
	if err != nil {
		return nil, fmt.Errorf("looking up user: %w", err)
	}
	return u, nil
}

// describe turns a field-keyed *core.Error into "--flag: message" lines.
// passwordSource is the flag the password came from ("" for the prompt).
func describe(err error, passwordSource string) error {
	var e *core.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	flags := map[string]string{
		"username": "--username", "email": "--email", "first_name": "--first-name", "last_name": "--last-name",
		"password": passwordSource,
	}
	var lines []string
	for _, f := range e.Fields {
		name, ok := flags[f.Field]
		if !ok || name == "" {
			name = f.Field
		}
		for _, m := range f.Messages {
			if f.Field == "non_field_errors" {
				lines = append(lines, m)
			} else {
				lines = append(lines, name+": "+m)
			}
		}
	}
	return errors.New(strings.Join(lines, "\n"))
}
