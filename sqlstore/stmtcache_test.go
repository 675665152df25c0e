package sqlstore

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// cacheFixture opens a SQLite store with one user and one token.
func cacheFixture(t *testing.T) (*Store, *core.User, string) {
	t.Helper()
	s := openStore(t, sqliteURL(t))
	u := &core.User{Username: "alice", Email: "a@example.com", IsActive: true, DateJoined: time.Now()}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	_, digest := core.NewTokenKey()
	if err := s.CreateToken(t.Context(), &core.Token{Digest: digest, UserID: u.ID, Created: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return s, u, digest
}

// TestStmtCacheReusesStatements: a hot query is prepared once and reused.
func TestStmtCacheReusesStatements(t *testing.T) {
	s, u, digest := cacheFixture(t)
	if s.stmts == nil {
		t.Fatal("SQLite store without a statement cache")
	}
	for range 3 {
		if got, _, err := s.UserByToken(t.Context(), digest); err != nil || got.ID != u.ID {
			t.Fatalf("UserByToken = %v, %v", got, err)
		}
	}
	first := s.stmts.lookup(s.q.userByToken)
	if first == nil {
		t.Fatal("userByToken not cached")
	}
	n := s.stmts.len()
	if _, _, err := s.UserByToken(t.Context(), digest); err != nil {
		t.Fatal(err)
	}
	if s.stmts.lookup(s.q.userByToken) != first || s.stmts.len() != n {
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
	if s.stmts.len() != 1+countCached(s, s.q.insertUser, s.q.insertToken) {
		t.Errorf("%d statements cached, want one per distinct query", s.stmts.len())
	}
}

// countCached reports how many of queries are in s's cache.
func countCached(s *Store, queries ...string) int {
	n := 0
	for _, q := range queries {
		if s.stmts.lookup(q) != nil {
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
	s.DB().SetMaxIdleConns(poolSize)
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
	s, err := New(owner.DB(), SQLite)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByID(t.Context(), u.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.stmts.len() != 0 {
		t.Errorf("%d statements left after Close", s.stmts.len())
	}
	if _, err := s.UserByID(t.Context(), u.ID); !errors.Is(err, core.ErrUnavailable) {
		t.Errorf("UserByID after Close = %v, want core.ErrUnavailable", err)
	}
	if _, err := owner.UserByID(context.Background(), u.ID); err != nil {
		t.Errorf("the owner's store broke: %v", err)
	}
}
