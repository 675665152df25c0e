package core

import (
	"context"
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"
)

// loginCache keeps, per instance, what authentication reads from the store
// on every request: a login (refresh family) with its user, a DB token with
// its owner, a user by id (sessions, tokens minted elsewhere), and the
// login a session cookie names. A busy client presents the same credential
// many times a second; with the cache it costs no store read per request.
//
// The bound is strict: a change made elsewhere (another instance, the CLI,
// a Django app on the same tables) is enforced here within
// Config.RevocationStaleness, and no later; with a change feed, a program
// writing the tables itself must add the feed's rows (see ChangeFeed).
// Two rules keep it:
//
//   - the TTL rule: an entry younger than the bound, measured from the
//     moment its store read began, may be served;
//   - the feed rule: when the store has a change feed (ChangeFeed), an
//     older entry may be served too, up to loginCacheMaxAge, while the
//     feed is fresh: the last successful read of the feed (changePoller)
//     began less than the bound ago and every change it returned has been
//     applied, dropping the entries it concerns. A change committed more
//     than the bound ago was therefore seen and has dropped the entry.
//     When the feed cannot be read (store down, poller behind), freshness
//     lapses after the bound and the TTL rule alone applies: fail closed.
//
// Changes made through this instance (logout, password change or reset,
// deactivation, PUT user/, refresh-token reuse) drop the entries they
// concern at once, so its very next request reads the store; with a
// ChangePublisher (Config.ChangeNotifier) the same calls publish a
// wake-up, so the other instances read the feed at once. A read that
// began before a drop (local or from the feed) is never stored (the
// generation check), so it cannot put the old state back. Entries are
// immutable once stored; a hit copies what it serves into memory the
// caller owns (the user usually shares one allocation with its Principal),
// so handlers may modify the user.
//
// Sessions follow the TTL rule only: no change feed carries them (they may
// live in Redis, or in Django's table), so a session ended on another
// instance is refused here within the bound. A session entry holds only
// what restauth reads (the user id, the session auth hash, the login and
// activity times); the user is read through the user entries, so a
// password change or a deactivation is enforced as for every other
// method. This instance's own logins and logouts drop the entry of the
// cookie they end (forgetSession).
//
// Memory is bounded by loginCacheLimit entries per kind; when a kind is
// full, an arbitrary entry makes room.
type loginCache struct {
	staleness time.Duration
	now       func() time.Time

	// elapsed is the real, monotonic time since the cache was made: the
	// clock of the feed rule. The bound is a guarantee in real time, and
	// the feed is read in the background, where Config.Now (a test's fake
	// clock) need not be safe to call.
	elapsed func() time.Duration
	// polled is elapsed() when the last successful read of the change
	// feed began, its changes applied, plus one; 0 before the first one
	// and without a feed.
	polled atomic.Int64
	// poller reads the change feed; nil without one. Auth.Close stops it.
	poller *changePoller
	// publisher tells the other instances of this one's changes (the
	// forget calls); nil without a ChangePublisher (Config.ChangeNotifier).
	publisher *changePublisher

	mu       sync.RWMutex
	gen      uint64 // bumped by every drop
	families map[string]*cachedLogin
	tokens   map[string]*cachedLogin
	users    map[int64]*cachedLogin
	sessions map[[sha256.Size]byte]*cachedLogin // by the SHA-256 of the session cookie's value
}

// loginCacheLimit bounds each kind of entry; at about 300 bytes an entry,
// a full cache holds under 10 MB.
const loginCacheLimit = 10000

// loginCacheMaxAge bounds how long an entry is served under the feed rule,
// however fresh the feed: a last resort for a change the feed never
// carries (a program writing the tables by hand without adding the
// change, a transaction committing more than changeGapWait after it
// wrote its change). Ten minutes cost a busy credential one store read
// per ten minutes.
const loginCacheMaxAge = 10 * time.Minute

// cachedLogin is one remembered store read, never modified once stored.
type cachedLogin struct {
	user    User
	family  RefreshFamily // families only
	token   Token         // tokens only
	session cachedSession // sessions only
	read    time.Time     // when the store read began
}

// cachedSession is what session authentication reads from a session.
type cachedSession struct {
	id                    string // the store's session ID, the Principal's credential
	userID, created, seen int64
	hash                  string // the session auth hash
}

// newLoginCache returns a cache with the given bound, or nil when the
// bound is not positive (every request reads the store).
func newLoginCache(staleness time.Duration, now func() time.Time) *loginCache {
	if staleness <= 0 {
		return nil
	}
	born := time.Now()
	return &loginCache{staleness: staleness, now: now, elapsed: func() time.Duration { return time.Since(born) },
		families: map[string]*cachedLogin{}, tokens: map[string]*cachedLogin{}, users: map[int64]*cachedLogin{},
		sessions: map[[sha256.Size]byte]*cachedLogin{}}
}

// begin returns the generation a store read starts under, and the time it
// starts at; pass both to the put that stores its result.
func (c *loginCache) begin() (uint64, time.Time) {
	c.mu.RLock()
	g := c.gen
	c.mu.RUnlock()
	return g, c.now()
}

// servable reports whether e may be served at now (Config.Now, read by
// the caller, usually once per request). p is c.polled, loaded before e
// was looked up: a feed read that completed in between has already
// dropped what it had to (the drops happen before polled moves), so the
// entry found is never older than the freshness it is judged by. Real
// time is read after the lookup, and only when the TTL rule does not
// already decide; a later reading only makes the feed look older.
//
// The feed rule's safety does not rest on the entry's age (an entry
// cached now was read after every drop the feed made, see the generation
// check), only on the feed's freshness; loginCacheMaxAge is a last resort.
func (c *loginCache) servable(e *cachedLogin, now time.Time, p int64) bool {
	age := now.Sub(e.read)
	switch {
	case age < 0:
		return false
	case age < c.staleness:
		return true
	case age >= loginCacheMaxAge:
		return false
	}
	return c.feedFresh(p)
}

// feedFresh reports whether the feed read recorded as p (a value of
// c.polled) began less than the bound ago, in real time.
func (c *loginCache) feedFresh(p int64) bool {
	return p != 0 && c.elapsed()-time.Duration(p-1) < c.staleness
}

// familyInto copies the cached login and its user into f and u, and
// reports whether there was a servable one.
func (c *loginCache) familyInto(id string, now time.Time, u *User, f *RefreshFamily) bool {
	p := c.polled.Load()
	c.mu.RLock()
	e := c.families[id]
	c.mu.RUnlock()
	if e == nil || !c.servable(e, now, p) {
		return false
	}
	*u, *f = e.user, e.family
	return true
}

// tokenInto copies the cached token and its owner into t and u, and
// reports whether there was a servable one.
func (c *loginCache) tokenInto(digest string, now time.Time, u *User, t *Token) bool {
	p := c.polled.Load()
	c.mu.RLock()
	e := c.tokens[digest]
	c.mu.RUnlock()
	if e == nil || !c.servable(e, now, p) {
		return false
	}
	*u, *t = e.user, e.token
	return true
}

// userInto copies the cached user into u, and reports whether there was a
// servable one.
func (c *loginCache) userInto(id int64, now time.Time, u *User) bool {
	p := c.polled.Load()
	c.mu.RLock()
	e := c.users[id]
	c.mu.RUnlock()
	if e == nil || !c.servable(e, now, p) {
		return false
	}
	*u = e.user
	return true
}

// session returns the cached session of a session cookie (by the SHA-256
// of its value) while younger than the bound at now, or ok=false.
func (c *loginCache) session(cookie [sha256.Size]byte, now time.Time) (cachedSession, bool) {
	c.mu.RLock()
	e := c.sessions[cookie]
	c.mu.RUnlock()
	if e == nil || !c.servable(e, now, 0) {
		return cachedSession{}, false
	}
	return e.session, true
}

// putFamily stores a family read begun at (gen, read).
func (c *loginCache) putFamily(gen uint64, read time.Time, u *User, f *RefreshFamily) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		putBounded(c.families, f.ID, &cachedLogin{user: *u, family: *f, read: read})
	}
}

// putToken stores a token read begun at (gen, read).
func (c *loginCache) putToken(gen uint64, read time.Time, u *User, t *Token) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		putBounded(c.tokens, t.Digest, &cachedLogin{user: *u, token: *t, read: read})
	}
}

// putUser stores a user read begun at (gen, read).
func (c *loginCache) putUser(gen uint64, read time.Time, u *User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		putBounded(c.users, u.ID, &cachedLogin{user: *u, read: read})
	}
}

// putSession stores a session read begun at (gen, read).
func (c *loginCache) putSession(gen uint64, read time.Time, cookie [sha256.Size]byte, s cachedSession) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		putBounded(c.sessions, cookie, &cachedLogin{session: s, read: read})
	}
}

// putBounded adds e under k, first making room when m is full.
func putBounded[K comparable](m map[K]*cachedLogin, k K, e *cachedLogin) {
	if _, ok := m[k]; !ok && len(m) >= loginCacheLimit {
		for old := range m {
			delete(m, old)
			break
		}
	}
	m[k] = e
}

// forgetUser drops every entry of user id: its logins, its tokens and the
// user itself. Safe on a nil cache. Like forgetFamily and forgetToken, it
// is called once the write has returned, and publishes a wake-up to the
// other instances (changePublisher.kick, which never blocks).
func (c *loginCache) forgetUser(id int64) {
	if c == nil {
		return
	}
	c.publisher.kick()
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
	c.publisher.kick()
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
	c.publisher.kick()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.tokens, digest)
}

// forgetSession drops the session of a cookie that this instance ended
// or replaced, and every other cookie of the same session ID id (a store
// that re-encodes its cookie on each save leaves several valid values);
// id may be empty. Safe on a nil cache. Sessions have no change feed, so
// it publishes nothing.
func (c *loginCache) forgetSession(cookie [sha256.Size]byte, id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.sessions, cookie)
	if id == "" {
		return
	}
	for k, e := range c.sessions {
		if e.session.id == id {
			delete(c.sessions, k)
		}
	}
}

// forgetChanges drops every entry the changes of a feed read concern,
// under one lock and with one pass over the entries for all user changes.
func (c *loginCache) forgetChanges(cs []Change) {
	if len(cs) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	var users map[int64]bool
	for _, ch := range cs {
		switch {
		case ch.Family != "":
			delete(c.families, ch.Family)
		case ch.TokenDigest != "":
			delete(c.tokens, ch.TokenDigest)
		default:
			if users == nil {
				users = map[int64]bool{}
			}
			users[ch.UserID] = true
			delete(c.users, ch.UserID)
		}
	}
	if users == nil {
		return
	}
	for k, e := range c.families {
		if users[e.user.ID] {
			delete(c.families, k)
		}
	}
	for k, e := range c.tokens {
		if users[e.user.ID] {
			delete(c.tokens, k)
		}
	}
}

// clear drops every entry: the feed was (re)started or reset, so changes
// may have been missed.
func (c *loginCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.families, c.tokens, c.users = map[string]*cachedLogin{}, map[string]*cachedLogin{}, map[int64]*cachedLogin{}
	c.sessions = map[[sha256.Size]byte]*cachedLogin{}
}

// markPolled records that a feed read begun at start (c.elapsed())
// succeeded and its changes were applied. polled never moves back.
func (c *loginCache) markPolled(start time.Duration) {
	n := int64(start) + 1
	for {
		old := c.polled.Load()
		if n <= old || c.polled.CompareAndSwap(old, n) {
			return
		}
	}
}

// userByID reads user id for authentication, from the login-state cache
// when it holds a fresh copy.
func (a *Auth) userByID(ctx context.Context, id int64) (*User, error) {
	u := new(User)
	if err := a.userInto(ctx, id, a.cfg.Now(), u); err != nil {
		return nil, err
	}
	return u, nil
}

// userInto reads user id for authentication into u, from the login-state
// cache when it holds a copy servable at now.
func (a *Auth) userInto(ctx context.Context, id int64, now time.Time, u *User) error {
	c := a.logins
	if c != nil && c.userInto(id, now, u) {
		return nil
	}
	var gen uint64
	var read time.Time
	if c != nil {
		gen, read = c.begin()
	}
	stored, err := a.cfg.Store.UserByID(ctx, id)
	if err != nil {
		return err
	}
	if c != nil {
		c.putUser(gen, read, stored)
	}
	*u = *stored
	return nil
}
