package core

import (
	"context"
	"sync"
	"time"
)

// loginCache keeps, per instance, what authentication reads from the store
// on every request: a login (refresh family) with its user, a DB token with
// its owner, and a user by id (sessions, tokens minted elsewhere). A busy
// client presents the same credential many times a second; with the cache
// only its first request in each Config.RevocationStaleness reads the
// store.
//
// The bound is strict: an entry is served only while it is younger than
// the staleness bound, measured from the moment its store read began, so
// a change made elsewhere (another instance, the CLI, a Django app on the
// same tables) is seen within the bound, and no later. Changes made
// through this instance (logout, password change or reset, deactivation,
// PUT user/, refresh-token reuse) drop the entries they concern at once,
// so its very next request reads the store. A read that began before such
// a drop is never stored (the generation check), so it cannot put the old
// state back. Entries hold copies; every hit hands out a fresh copy of the
// user, so handlers may modify it.
//
// Memory is bounded by loginCacheLimit entries per kind; when a kind is
// full, an arbitrary entry makes room.
type loginCache struct {
	staleness time.Duration
	now       func() time.Time

	mu       sync.RWMutex
	gen      uint64 // bumped by every drop
	families map[string]cachedLogin
	tokens   map[string]cachedLogin
	users    map[int64]cachedLogin
}

// loginCacheLimit bounds each kind of entry; at about 300 bytes an entry,
// a full cache holds under 10 MB.
const loginCacheLimit = 10000

// cachedLogin is one remembered store read.
type cachedLogin struct {
	user   User
	family RefreshFamily // families only
	token  Token         // tokens only
	read   time.Time     // when the store read began
}

// newLoginCache returns a cache with the given bound, or nil when the
// bound is not positive (every request reads the store).
func newLoginCache(staleness time.Duration, now func() time.Time) *loginCache {
	if staleness <= 0 {
		return nil
	}
	return &loginCache{staleness: staleness, now: now,
		families: map[string]cachedLogin{}, tokens: map[string]cachedLogin{}, users: map[int64]cachedLogin{}}
}

// begin returns the generation a store read starts under, and the time it
// starts at; pass both to the put that stores its result.
func (c *loginCache) begin() (uint64, time.Time) {
	c.mu.RLock()
	g := c.gen
	c.mu.RUnlock()
	return g, c.now()
}

// fresh reports whether an entry read at read may still be served.
func (c *loginCache) fresh(read time.Time) bool {
	age := c.now().Sub(read)
	return age >= 0 && age < c.staleness
}

// family returns the cached login and its user, or ok=false.
func (c *loginCache) family(id string) (*User, *RefreshFamily, bool) {
	c.mu.RLock()
	e, ok := c.families[id]
	c.mu.RUnlock()
	if !ok || !c.fresh(e.read) {
		return nil, nil, false
	}
	u, f := e.user, e.family
	return &u, &f, true
}

// token returns the cached token and its owner, or ok=false.
func (c *loginCache) token(digest string) (*User, *Token, bool) {
	c.mu.RLock()
	e, ok := c.tokens[digest]
	c.mu.RUnlock()
	if !ok || !c.fresh(e.read) {
		return nil, nil, false
	}
	u, t := e.user, e.token
	return &u, &t, true
}

// user returns the cached user, or ok=false.
func (c *loginCache) user(id int64) (*User, bool) {
	c.mu.RLock()
	e, ok := c.users[id]
	c.mu.RUnlock()
	if !ok || !c.fresh(e.read) {
		return nil, false
	}
	u := e.user
	return &u, true
}

// putFamily stores a family read begun at (gen, read).
func (c *loginCache) putFamily(gen uint64, read time.Time, u *User, f *RefreshFamily) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		putBounded(c.families, f.ID, cachedLogin{user: *u, family: *f, read: read})
	}
}

// putToken stores a token read begun at (gen, read).
func (c *loginCache) putToken(gen uint64, read time.Time, u *User, t *Token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		putBounded(c.tokens, t.Digest, cachedLogin{user: *u, token: *t, read: read})
	}
}

// putUser stores a user read begun at (gen, read).
func (c *loginCache) putUser(gen uint64, read time.Time, u *User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		putBounded(c.users, u.ID, cachedLogin{user: *u, read: read})
	}
}

// putBounded adds e under k, first making room when m is full.
func putBounded[K comparable](m map[K]cachedLogin, k K, e cachedLogin) {
	if _, ok := m[k]; !ok && len(m) >= loginCacheLimit {
		for old := range m {
			delete(m, old)
			break
		}
	}
	m[k] = e
}

// forgetUser drops every entry of user id: its logins, its tokens and the
// user itself. Safe on a nil cache.
func (c *loginCache) forgetUser(id int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.users, id)
	for k, e := range c.families {
		if e.user.ID == id {
			delete(c.families, k)
		}
	}
	for k, e := range c.tokens {
		if e.user.ID == id {
			delete(c.tokens, k)
		}
	}
}

// forgetFamily drops one login. Safe on a nil cache.
func (c *loginCache) forgetFamily(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.families, id)
}

// forgetToken drops one DB token. Safe on a nil cache.
func (c *loginCache) forgetToken(digest string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.tokens, digest)
}

// userByID reads user id for authentication, from the login-state cache
// when it holds a fresh copy.
func (a *Auth) userByID(ctx context.Context, id int64) (*User, error) {
	c := a.logins
	if c == nil {
		return a.cfg.Store.UserByID(ctx, id)
	}
	if u, ok := c.user(id); ok {
		return u, nil
	}
	gen, read := c.begin()
	u, err := a.cfg.Store.UserByID(ctx, id)
	if err == nil {
		c.putUser(gen, read, u)
	}
	return u, err
}
