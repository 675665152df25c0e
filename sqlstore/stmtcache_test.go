package sqlstore_test

import (
	"context"
	"crypto/rand"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqlite"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// cacheFixture opens a SQLite store with one user and one token.
func cacheFixture(t *testing.T) (*sqlstore.Store, *core.User, string) {
	t.Helper()
	s := sqltest.Open(t, sqltest.SQLiteURL(t))
	u := &core.User{Username: "alice", Email: "a@example.com", IsActive: true, DateJoined: time.Now()}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	digest := storekit.TokenDigest(rand.Text())
	if err := s.CreateToken(t.Context(), &core.Token{Digest: digest, UserID: u.ID, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return s, u, digest
}

// TestStmtCacheReusesStatements: a hot query is prepared once and reused.
func TestStmtCacheReusesStatements(t *testing.T) {
	s, u, digest := cacheFixture(t)
	if !sqlstore.HasStmtCache(s) {
		t.Fatal("SQLite store without a statement cache")
	}
	q := sqlstore.StoreQueries(s)
	for range 3 {
		if got, _, err := s.UserByToken(t.Context(), digest); err != nil || got.ID != u.ID {
			t.Fatalf("UserByToken = %v, %v", got, err)
		}
	}
	first := sqlstore.CachedStmt(s, q.UserByToken)
	if first == nil {
		t.Fatal("userByToken not cached")
	}
	n := sqlstore.StmtCacheLen(s)
	if _, _, err := s.UserByToken(t.Context(), digest); err != nil {
		t.Fatal(err)
	}
	if sqlstore.CachedStmt(s, q.UserByToken) != first || sqlstore.StmtCacheLen(s) != n {
		t.Error("a cached query was prepared again")
	}
}

// TestStmtCacheConcurrentFirstUse: goroutines missing the cache at once
// end up sharing one statement (run with -race).
func TestStmtCacheConcurrentFirstUse(t *testing.T) {
	s, u, _ := cacheFixture(t)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			if got, err := s.UserByID(t.Context(), u.ID); err != nil || got.Username != "alice" {
				errs <- errors.Join(err, errors.New("wrong user"))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	q := sqlstore.StoreQueries(s)
	if n := sqlstore.StmtCacheLen(s); n != 1+countCached(s, q.InsertUser, q.InsertToken) {
		t.Errorf("%d statements cached, want one per distinct query", n)
	}
}

// countCached reports how many of queries are in s's cache.
func countCached(s *sqlstore.Store, queries ...string) int {
	n := 0
	for _, q := range queries {
		if sqlstore.CachedStmt(s, q) != nil {
			n++
		}
	}
	return n
}

// TestStmtCacheSurvivesNewConnections: a cached statement keeps working
// when the pool has replaced every connection it was prepared on.
func TestStmtCacheSurvivesNewConnections(t *testing.T) {
	s, u, digest := cacheFixture(t)
	if _, _, err := s.UserByToken(t.Context(), digest); err != nil {
		t.Fatal(err)
	}
	s.DB().SetMaxIdleConns(0) // closes the idle connections
	s.DB().SetMaxIdleConns(sqlstore.PoolSize)
	if closed := s.DB().Stats().MaxIdleClosed; closed == 0 {
		t.Fatal("no connection was closed")
	}
	if got, _, err := s.UserByToken(t.Context(), digest); err != nil || got.ID != u.ID {
		t.Fatalf("after reconnecting: %v, %v", got, err)
	}
}

// TestStmtCacheClose: Close closes the statements; a store used after
// Close fails with an unavailable error instead of preparing again, and a
// pool given to New stays open.
func TestStmtCacheClose(t *testing.T) {
	owner, u, _ := cacheFixture(t)
	s, err := sqlstore.New(owner.DB(), sqlite.Driver())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByID(t.Context(), u.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := sqlstore.StmtCacheLen(s); n != 0 {
		t.Errorf("%d statements left after Close", n)
	}
	if _, err := s.UserByID(t.Context(), u.ID); !errors.Is(err, core.ErrUnavailable) {
		t.Errorf("UserByID after Close = %v, want core.ErrUnavailable", err)
	}
	if _, err := owner.UserByID(context.Background(), u.ID); err != nil {
		t.Errorf("the owner's store broke: %v", err)
	}
}
