package authtest

import (
	"context"
	"sync"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/mail"
	"github.com/restauth/restauth/core/password"
)

// opsPanics decides which user-supplied hook panics next (T-OPS-01 in
// docs/threat-model.md): each hook below asks it before doing its work.
type opsPanics struct {
	mu  sync.Mutex
	now map[string]bool
}

// set makes the named hooks panic until the next set.
func (p *opsPanics) set(hooks ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = map[string]bool{}
	for _, h := range hooks {
		p.now[h] = true
	}
}

// check panics when hook is set.
func (p *opsPanics) check(hook string) {
	p.mu.Lock()
	panics := p.now[hook]
	p.mu.Unlock()
	if panics {
		panic("authtest: " + hook + " exploded at /srv/app/hooks.go:42")
	}
}

// install wires every hook of the config to p: the store (login lookup
// and token authentication), the mailer, the password validators and the
// rate-limit counters. Use it after accountsMode.
func (p *opsPanics) install(c *core.Config) {
	c.Store = &opsPanicStore{Store: c.Store, p: p}
	c.RevocationStaleness = core.ReadEveryRequest // every request meets the store's panics
	c.Accounts.Mailer = opsPanicMailer{Mailer: c.Accounts.Mailer, p: p}
	c.PasswordValidators = []password.Validator{opsPanicValidator{p: p}}
	c.Throttle.Disabled = false // default limits, far above these tests
	c.Throttle.Store = opsPanicThrottle{ThrottleStore: core.NewMemoryThrottle(), p: p}
}

// opsPanicStore is a store whose lookups can panic.
type opsPanicStore struct {
	core.Store
	p *opsPanics
}

// UserByUsername panics when the "store" hook is set.
func (s *opsPanicStore) UserByUsername(ctx context.Context, username string) (*core.User, error) {
	s.p.check("store")
	return s.Store.UserByUsername(ctx, username)
}

// UserByToken panics when the "store" hook is set.
func (s *opsPanicStore) UserByToken(ctx context.Context, digest string) (*core.User, *core.Token, error) {
	s.p.check("store")
	return s.Store.UserByToken(ctx, digest)
}

// opsPanicMailer is a mailer that can panic.
type opsPanicMailer struct {
	mail.Mailer
	p *opsPanics
}

// Send panics when the "mailer" hook is set.
func (m opsPanicMailer) Send(ctx context.Context, msg mail.Message) error {
	m.p.check("mailer")
	return m.Mailer.Send(ctx, msg)
}

// opsPanicValidator is a password validator that can panic.
type opsPanicValidator struct{ p *opsPanics }

// Validate panics when the "validator" hook is set; it accepts every password.
func (v opsPanicValidator) Validate(pw string, user []password.Attribute) []password.Violation {
	v.p.check("validator")
	return nil
}

// opsPanicThrottle is a rate-limit counter store that can panic.
type opsPanicThrottle struct {
	core.ThrottleStore
	p *opsPanics
}

// Hit panics when the "throttle" hook is set.
func (s opsPanicThrottle) Hit(ctx context.Context, key string, w time.Duration, now time.Time) (int, time.Time, error) {
	s.p.check("throttle")
	return s.ThrottleStore.Hit(ctx, key, w, now)
}
