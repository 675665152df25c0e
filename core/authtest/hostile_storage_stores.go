package authtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
)

// dbSlowStore blocks the named lookups until their context ends, as a
// database holding a lock would (T-DB-05 in docs/threat-model.md). inside
// counts the calls still blocked, so that a test can see every one was
// released.
type dbSlowStore struct {
	*failingStore
	slow   atomic.Bool
	inside atomic.Int64
}

// install wraps the config's store; use it as a newEnv option.
func (d *dbSlowStore) install(c *core.Config) {
	d.failingStore = &failingStore{}
	d.failingStore.install(c)
	c.Store = d
}

// block waits for ctx when the store is slow and returns ctx's error.
func (d *dbSlowStore) block(ctx context.Context) error {
	if !d.slow.Load() {
		return nil
	}
	d.inside.Add(1)
	defer d.inside.Add(-1)
	<-ctx.Done()
	return fmt.Errorf("authtest: query cancelled: %w", ctx.Err())
}

// UserByUsername blocks while the store is slow.
func (d *dbSlowStore) UserByUsername(ctx context.Context, username string) (*core.User, error) {
	if err := d.block(ctx); err != nil {
		return nil, err
	}
	return d.failingStore.UserByUsername(ctx, username)
}

// UserByToken blocks while the store is slow.
func (d *dbSlowStore) UserByToken(ctx context.Context, digest string) (*core.User, *core.Token, error) {
	if err := d.block(ctx); err != nil {
		return nil, nil, err
	}
	return d.failingStore.UserByToken(ctx, digest)
}

// dbColliderStore makes the next insert of each armed kind collide with a
// row written just before it by "another instance", so that the real
// store's unique constraint fires (T-DB-07 in docs/threat-model.md).
type dbColliderStore struct {
	*failingStore
	mu    sync.Mutex
	armed map[string]bool // "user", "token", "refresh"
}

// install wraps the config's store; use it as a newEnv option.
func (d *dbColliderStore) install(c *core.Config) {
	d.failingStore = &failingStore{}
	d.failingStore.install(c)
	c.Store = d
}

// arm makes the next insert of kind collide.
func (d *dbColliderStore) arm(kind string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.armed == nil {
		d.armed = map[string]bool{}
	}
	d.armed[kind] = true
}

// fire reports (once) whether kind is armed.
func (d *dbColliderStore) fire(kind string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	armed := d.armed[kind]
	delete(d.armed, kind)
	return armed
}

// CreateUser inserts a twin of u first when armed.
func (d *dbColliderStore) CreateUser(ctx context.Context, u *core.User) error {
	if d.fire("user") {
		twin := *u
		if err := d.failingStore.CreateUser(ctx, &twin); err != nil {
			return err
		}
	}
	return d.failingStore.CreateUser(ctx, u)
}

// CreateToken inserts a twin of t first when armed.
func (d *dbColliderStore) CreateToken(ctx context.Context, t *core.Token) error {
	if d.fire("token") {
		twin := *t
		if err := d.failingStore.CreateToken(ctx, &twin); err != nil {
			return err
		}
	}
	return d.failingStore.CreateToken(ctx, t)
}

// CreateRefreshFamily inserts a twin family first when armed.
func (d *dbColliderStore) CreateRefreshFamily(ctx context.Context, f *core.RefreshFamily, first *core.RefreshToken) error {
	if d.fire("refresh") {
		tf, tt := *f, *first
		if err := d.failingStore.CreateRefreshFamily(ctx, &tf, &tt); err != nil {
			return err
		}
	}
	return d.failingStore.CreateRefreshFamily(ctx, f, first)
}

// dbSessionOutage is a session store (gorilla/sessions) that can go down:
// its errors wrap core.ErrUnavailable, as sqlstore's do when the database
// is unreachable (T-DB-06 in docs/threat-model.md).
type dbSessionOutage struct {
	sessions.Store
	down atomic.Bool
}

// errSessionsDown is what the session store answers while down.
var errSessionsDown = fmt.Errorf("authtest: session backend: %w: %s", core.ErrUnavailable, faultText)

// Get fails while the session backend is down.
func (d *dbSessionOutage) Get(r *http.Request, name string) (*sessions.Session, error) {
	if d.down.Load() {
		return nil, errSessionsDown
	}
	return d.Store.Get(r, name)
}

// New fails while the session backend is down.
func (d *dbSessionOutage) New(r *http.Request, name string) (*sessions.Session, error) {
	if d.down.Load() {
		return nil, errSessionsDown
	}
	return d.Store.New(r, name)
}

// Save fails while the session backend is down.
func (d *dbSessionOutage) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	if d.down.Load() {
		return errSessionsDown
	}
	return d.Store.Save(r, w, s)
}

// dbThrottleOutage is a rate-limit counter store that can go down.
type dbThrottleOutage struct {
	core.ThrottleStore
	down atomic.Bool
}

// errThrottleDown is what the counter store answers while down.
var errThrottleDown = errors.New("authtest: counter backend: " + faultText)

// Hit fails while the counter backend is down.
func (d *dbThrottleOutage) Hit(ctx context.Context, key string, w time.Duration, now time.Time) (int, time.Time, error) {
	if d.down.Load() {
		return 0, time.Time{}, errThrottleDown
	}
	return d.ThrottleStore.Hit(ctx, key, w, now)
}

// Count fails while the counter backend is down.
func (d *dbThrottleOutage) Count(ctx context.Context, key string, w time.Duration, now time.Time) (int, time.Time, error) {
	if d.down.Load() {
		return 0, time.Time{}, errThrottleDown
	}
	return d.ThrottleStore.Count(ctx, key, w, now)
}
