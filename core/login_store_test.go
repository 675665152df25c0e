package core_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/core/storekit"
)

// countingStore counts the login writes that reach a memstore. It keeps
// memstore's core.LoginTokenStore capability.
type countingStore struct {
	*memstore.Store
	recordLogin, createToken, createLoginToken atomic.Int32
}

func (s *countingStore) RecordLogin(ctx context.Context, id int64, at time.Time) error {
	s.recordLogin.Add(1)
	return s.Store.RecordLogin(ctx, id, at)
}

func (s *countingStore) CreateToken(ctx context.Context, t *core.Token) error {
	s.createToken.Add(1)
	return s.Store.CreateToken(ctx, t)
}

func (s *countingStore) CreateLoginToken(ctx context.Context, t *core.Token, at time.Time) error {
	s.createLoginToken.Add(1)
	return s.Store.CreateLoginToken(ctx, t, at)
}

// plainStore hides every optional capability of the store it wraps.
type plainStore struct{ core.Store }

// loginOnce serves one token-mode login through store and returns the
// user's LastLogin afterwards.
func loginOnce(t *testing.T, store core.Store, lookup *memstore.Store) time.Time {
	t.Helper()
	h, _ := password.NewArgon2(password.FastArgon2Params())
	policy, _ := password.NewPolicy(password.WithHasher(h))
	auth, err := core.New(core.Config{Store: store, Passwords: policy, Methods: []core.Method{core.MethodToken}})
	if err != nil {
		t.Fatal(err)
	}
	u, err := auth.CreateUser(t.Context(), core.NewUser{Username: "alice", Password: "Secret-pass-123", EmailVerified: true})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/api/auth/login/", strings.NewReader(`{"username":"alice","password":"Secret-pass-123"}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	auth.Handler().ServeHTTP(w, r)
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Body.String(), `{"key":"`) {
		t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	key := strings.TrimSuffix(strings.TrimPrefix(w.Body.String(), `{"key":"`), `"}`)
	owner, _, err := lookup.UserByToken(t.Context(), storekit.TokenDigest(key))
	if err != nil || owner.ID != u.ID {
		t.Fatalf("the returned key is not stored for the user: %v, %v", owner, err)
	}
	return owner.LastLogin
}

// TestLoginUsesLoginTokenStore: a token login on a core.LoginTokenStore
// records the login and creates the token in one call.
func TestLoginUsesLoginTokenStore(t *testing.T) {
	mem := memstore.New()
	store := &countingStore{Store: mem}
	if last := loginOnce(t, store, mem); last.IsZero() {
		t.Error("LastLogin not recorded")
	}
	if got := [3]int32{store.createLoginToken.Load(), store.recordLogin.Load(), store.createToken.Load()}; got != [3]int32{1, 0, 0} {
		t.Errorf("CreateLoginToken, RecordLogin, CreateToken calls = %v, want [1 0 0]", got)
	}
}

// TestLoginWithoutLoginTokenStore: a store without the capability gets
// RecordLogin and CreateToken, as before.
func TestLoginWithoutLoginTokenStore(t *testing.T) {
	mem := memstore.New()
	store := &countingStore{Store: mem}
	if last := loginOnce(t, plainStore{store}, mem); last.IsZero() {
		t.Error("LastLogin not recorded")
	}
	if got := [3]int32{store.createLoginToken.Load(), store.recordLogin.Load(), store.createToken.Load()}; got != [3]int32{0, 1, 1} {
		t.Errorf("CreateLoginToken, RecordLogin, CreateToken calls = %v, want [0 1 1]", got)
	}
}
