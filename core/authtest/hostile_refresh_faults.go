package authtest

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// rtUnavailable is the body of a 503.
const rtUnavailable = `{"detail":"Service temporarily unavailable, try again later."}`

// rtWantUnavailable checks a 503 with Retry-After that hands out no token.
func rtWantUnavailable(t *testing.T, res *response) {
	t.Helper()
	res.wantJSON(t, http.StatusServiceUnavailable, rtUnavailable)
	res.wantHeader(t, "Retry-After", "5")
	if c := res.cookies(); c["access"] != nil || c["refresh"] != nil {
		t.Errorf("%s: a failed request set token cookies: %v", res.req, c)
	}
	if strings.Contains(string(res.body), "refused") {
		t.Errorf("%s: the store error leaked: %s", res.req, res.body)
	}
}

// hostileRefreshStoreDown is T-RT-07: when the refresh store cannot be
// read or written, token/refresh/ answers 503 with Retry-After, issues no
// token and leaves the presented token as it was, so that a retry works.
func (s *suite) hostileRefreshStoreDown(t *testing.T, clk *clock) {
	fs := &failingStore{}
	e := s.newEnv(t, jwtMode(clk), fs.install, func(c *core.Config) { c.JWT.ReuseGrace = 10 * time.Second })
	e.createUser(t, newUser("alice"))

	for _, method := range []string{"UserByRefreshFamily", "ConsumeRefreshToken"} {
		t.Run(method, func(t *testing.T) {
			l := e.loginJWT(t, "alice")
			fs.fail(method)
			res, _ := e.rtRotate(t, l.refresh)
			fs.clear()
			rtWantUnavailable(t, res)
			if rt, fam := e.rtRecord(t, l.refresh); !rt.Used.IsZero() || !fam.Revoked.IsZero() {
				t.Errorf("the failed refresh changed the token: %+v %+v", rt, fam)
			}
			res, next := e.rtRotate(t, l.refresh)
			res.wantStatus(t, http.StatusOK)
			e.rtWantAlive(t, "retry", next)
		})
	}

	t.Run("reuse detection cannot revoke", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		res, next := e.rtRotate(t, l.refresh)
		res.wantStatus(t, http.StatusOK)
		clk.advance(11 * time.Second) // past the grace window
		fs.fail("RevokeRefreshFamily")
		res, _ = e.rtRotate(t, l.refresh) // reuse, but the family cannot be revoked
		fs.clear()
		rtWantUnavailable(t, res)
		e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", l.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
		e.rtWantDead(t, "successor", next)
	})

	t.Run("logout cannot revoke", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		fs.fail("RevokeRefreshFamily")
		res := e.do(t, http.MethodPost, e.path("logout/"), jsonObject("refresh", l.refresh))
		fs.clear()
		rtWantUnavailable(t, res) // never "Successfully logged out." while the login lives
		e.do(t, http.MethodPost, e.path("logout/"), jsonObject("refresh", l.refresh)).wantStatus(t, http.StatusOK)
		e.rtWantDead(t, "logged out", rtPair{l.access, l.refresh})
	})

	t.Run("grace-window successor cannot be stored", func(t *testing.T) {
		l := e.loginJWT(t, "alice")
		e.rtRotate(t, l.refresh)
		fs.fail("AddRefreshToken")
		res, _ := e.rtRotate(t, l.refresh)
		fs.clear()
		rtWantUnavailable(t, res)
		res, _ = e.rtRotate(t, l.refresh)
		res.wantStatus(t, http.StatusOK)
	})
}

// rtCollidingStore makes the next rotation's successor collide with a
// stored token: the store must then fail the rotation after its first
// write (sqlstore marks the old token used, then inserts the successor,
// whose duplicate key fails) and roll it back.
type rtCollidingStore struct {
	core.Store
	core.RefreshStore
	mu      sync.Mutex
	collide string // jti the next successor takes; "" for none
}

// install wraps the config's store; use it as a newEnv option.
func (f *rtCollidingStore) install(c *core.Config) {
	f.Store = c.Store
	f.RefreshStore = c.Store.(core.RefreshStore)
	c.Store = f
}

// ConsumeRefreshToken implements core.RefreshStore, substituting the
// colliding jti once.
func (f *rtCollidingStore) ConsumeRefreshToken(ctx context.Context, jti string, at time.Time, successor *core.RefreshToken) (*core.RefreshToken, error) {
	f.mu.Lock()
	collide := f.collide
	f.collide = ""
	f.mu.Unlock()
	if collide != "" {
		s := *successor
		s.JTI = collide
		successor = &s
	}
	return f.RefreshStore.ConsumeRefreshToken(ctx, jti, at, successor)
}

// hostileRefreshHalfRotation is T-RT-08: a rotation whose successor
// cannot be stored after the old token was marked used rolls back
// entirely: the client gets a 503 and no token, the old token is unused,
// the other token untouched, and the retry behaves as a first attempt
// with exactly one live successor.
func (s *suite) hostileRefreshHalfRotation(t *testing.T, clk *clock) {
	fs := &rtCollidingStore{}
	e := s.newEnv(t, jwtMode(clk), fs.install)
	e.createUser(t, newUser("alice"))
	victim, bystander := e.loginJWT(t, "alice"), e.loginJWT(t, "alice")
	before, _ := e.rtRecord(t, bystander.refresh)

	fs.mu.Lock()
	fs.collide = before.JTI
	fs.mu.Unlock()
	res, _ := e.rtRotate(t, victim.refresh)
	rtWantUnavailable(t, res)
	if rt, fam := e.rtRecord(t, victim.refresh); !rt.Used.IsZero() || !fam.Revoked.IsZero() {
		t.Fatalf("the failed rotation was not rolled back: %+v %+v", rt, fam)
	}
	if after, _ := e.rtRecord(t, bystander.refresh); after.FamilyID != before.FamilyID || after.UserID != before.UserID ||
		!after.Used.Equal(before.Used) || !after.Expires.Equal(before.Expires) {
		t.Errorf("the colliding token changed: %+v -> %+v", before, after)
	}

	res, next := e.rtRotate(t, victim.refresh)
	res.wantStatus(t, http.StatusOK)
	e.rtWantRecorded(t, "successor", next.refresh)
	e.rtWantAlive(t, "successor", next)
	// One successor only: the old token is now used, and presenting it
	// again is reuse (no second successor can appear).
	e.do(t, http.MethodPost, e.path("token/refresh/"), jsonObject("refresh", victim.refresh)).wantJSON(t, http.StatusUnauthorized, blacklisted)
	e.rtWantAlive(t, "the bystander login", rtPair{access: bystander.access})
}
