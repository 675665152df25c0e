package authtest

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/restauth/restauth/core"
)

// faultText is the error a failing store returns; it must never reach a
// response body.
const faultText = "dial tcp 10.0.0.7:5432: connect: connection refused"

// failingStore wraps a store and fails the methods named in failing, as a
// database that went away would.
type failingStore struct {
	core.Store
	mu      sync.Mutex
	failing map[string]bool
}

// install wraps the config's store; use it as a newEnv option. It
// forwards core.TokenKeyStore when the store has it (the Django schema),
// so that token logins work there; other optional capabilities are
// hidden.
func (f *failingStore) install(c *core.Config) {
	f.Store = c.Store
	c.Store = f
	if ks, ok := f.Store.(core.TokenKeyStore); ok {
		c.Store = &failingKeyStore{failingStore: f, keys: ks}
	}
	// A failure injected now must meet the very next request, not a
	// login read before it: no login-state cache.
	c.RevocationStaleness = core.ReadEveryRequest
}

// fail makes the named methods fail until clear.
func (f *failingStore) fail(methods ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failing = map[string]bool{}
	for _, m := range methods {
		f.failing[m] = true
	}
}

// clear makes every method work again.
func (f *failingStore) clear() { f.fail() }

// check returns the fault for method, if it is failing.
func (f *failingStore) check(method string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failing[method] {
		return errors.New(faultText)
	}
	return nil
}

func (f *failingStore) CreateUser(ctx context.Context, u *core.User) error {
	if err := f.check("CreateUser"); err != nil {
		return err
	}
	return f.Store.CreateUser(ctx, u)
}

func (f *failingStore) UserByID(ctx context.Context, id int64) (*core.User, error) {
	if err := f.check("UserByID"); err != nil {
		return nil, err
	}
	return f.Store.UserByID(ctx, id)
}

func (f *failingStore) UserByUsername(ctx context.Context, username string) (*core.User, error) {
	if err := f.check("UserByUsername"); err != nil {
		return nil, err
	}
	return f.Store.UserByUsername(ctx, username)
}

func (f *failingStore) UserByEmail(ctx context.Context, email string) (*core.User, error) {
	if err := f.check("UserByEmail"); err != nil {
		return nil, err
	}
	return f.Store.UserByEmail(ctx, email)
}

func (f *failingStore) UpdateProfile(ctx context.Context, u *core.User) error {
	if err := f.check("UpdateProfile"); err != nil {
		return err
	}
	return f.Store.UpdateProfile(ctx, u)
}

func (f *failingStore) SetPassword(ctx context.Context, id int64, hash string) error {
	if err := f.check("SetPassword"); err != nil {
		return err
	}
	return f.Store.SetPassword(ctx, id, hash)
}

func (f *failingStore) UpgradePasswordHash(ctx context.Context, id int64, oldHash, newHash string) (bool, error) {
	if err := f.check("UpgradePasswordHash"); err != nil {
		return false, err
	}
	return f.Store.UpgradePasswordHash(ctx, id, oldHash, newHash)
}

func (f *failingStore) SetActive(ctx context.Context, id int64, active bool) error {
	if err := f.check("SetActive"); err != nil {
		return err
	}
	return f.Store.SetActive(ctx, id, active)
}

func (f *failingStore) SetEmailVerified(ctx context.Context, id int64, verified bool) error {
	if err := f.check("SetEmailVerified"); err != nil {
		return err
	}
	return f.Store.SetEmailVerified(ctx, id, verified)
}

func (f *failingStore) RecordLogin(ctx context.Context, id int64, at time.Time) error {
	if err := f.check("RecordLogin"); err != nil {
		return err
	}
	return f.Store.RecordLogin(ctx, id, at)
}

func (f *failingStore) CreateToken(ctx context.Context, t *core.Token) error {
	if err := f.check("CreateToken"); err != nil {
		return err
	}
	return f.Store.CreateToken(ctx, t)
}

func (f *failingStore) UserByToken(ctx context.Context, digest string) (*core.User, *core.Token, error) {
	if err := f.check("UserByToken"); err != nil {
		return nil, nil, err
	}
	return f.Store.UserByToken(ctx, digest)
}

func (f *failingStore) DeleteToken(ctx context.Context, digest string) error {
	if err := f.check("DeleteToken"); err != nil {
		return err
	}
	return f.Store.DeleteToken(ctx, digest)
}

func (f *failingStore) DeleteUserTokens(ctx context.Context, userID int64, exceptDigest string) (int, error) {
	if err := f.check("DeleteUserTokens"); err != nil {
		return 0, err
	}
	return f.Store.DeleteUserTokens(ctx, userID, exceptDigest)
}

// failingKeyStore is failingStore on a store that keeps token keys
// (core.TokenKeyStore). Its methods fail under the names of the core.Store
// methods they stand for, so that one list of failures serves both kinds
// of store: GetOrCreateTokenKey creates the token and records the login
// in one transaction (CreateToken, RecordLogin), UserByTokenKey is
// UserByToken, DeleteTokenKey is DeleteToken.
type failingKeyStore struct {
	*failingStore
	keys core.TokenKeyStore
}

func (f *failingKeyStore) GetOrCreateTokenKey(ctx context.Context, t *core.Token, lastLogin time.Time) (string, bool, error) {
	if err := f.check("CreateToken"); err != nil {
		return "", false, err
	}
	if err := f.check("RecordLogin"); err != nil && !lastLogin.IsZero() {
		return "", false, err
	}
	return f.keys.GetOrCreateTokenKey(ctx, t, lastLogin)
}

func (f *failingKeyStore) UserByTokenKey(ctx context.Context, key string) (*core.User, *core.Token, error) {
	if err := f.check("UserByToken"); err != nil {
		return nil, nil, err
	}
	return f.keys.UserByTokenKey(ctx, key)
}

func (f *failingKeyStore) DeleteTokenKey(ctx context.Context, key string) error {
	if err := f.check("DeleteToken"); err != nil {
		return err
	}
	return f.keys.DeleteTokenKey(ctx, key)
}
