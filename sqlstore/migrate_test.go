package sqlstore_test

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// appliedVersions reads the recorded migration versions.
func appliedVersions(t *testing.T, s *sqlstore.Store) []int64 {
	t.Helper()
	var vs []int64
	if err := s.DB().SelectContext(t.Context(), &vs, "SELECT version FROM "+sqlstore.MigrationsTable+" ORDER BY version"); err != nil {
		t.Fatalf("read versions: %v", err)
	}
	return vs
}

// wantAllApplied requires every embedded migration to be recorded once.
func wantAllApplied(t *testing.T, s *sqlstore.Store) {
	t.Helper()
	want, err := sqlstore.MigrationVersions(s.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	if got := appliedVersions(t, s); !slices.Equal(got, want) {
		t.Errorf("applied versions = %v, want %v", got, want)
	}
}

func TestMigrateIdempotent(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			url := db.URL(t)
			first := sqltest.Open(t, url)
			u := &core.User{Username: "alice", PasswordHash: "h", IsActive: true}
			if err := first.CreateUser(t.Context(), u); err != nil {
				t.Fatal(err)
			}
			second := sqltest.Open(t, url) // migrates again
			if err := second.Migrate(t.Context()); err != nil {
				t.Fatalf("Migrate again: %v", err)
			}
			wantAllApplied(t, second)
			if _, err := second.UserByID(t.Context(), u.ID); err != nil {
				t.Errorf("data lost by a second migration: %v", err)
			}
		})
	}
}

// TestMigrateConcurrent starts several runners on separate pools, as
// separate processes would, against one empty database.
func TestMigrateConcurrent(t *testing.T) {
	const runners = 4
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			url := db.URL(t)
			stores := make([]*sqlstore.Store, runners)
			for i := range stores {
				stores[i] = sqltest.Connect(t, url)
			}
			errs := make([]error, runners)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for i, s := range stores {
				wg.Go(func() {
					<-start
					errs[i] = s.Migrate(t.Context())
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("runner %d: %v", i, err)
				}
			}
			wantAllApplied(t, stores[0])
			if err := stores[1].CreateUser(t.Context(), &core.User{Username: "alice", PasswordHash: "h"}); err != nil {
				t.Errorf("CreateUser after concurrent migration: %v", err)
			}
		})
	}
}

// TestSchemaRejectsOverLong bypasses the store's own checks: the schema
// itself refuses values longer than their column, on every database
// (strict mode on MySQL), instead of truncating them (T-DB-08).
func TestSchemaRejectsOverLong(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			s := sqltest.Open(t, db.URL(t))
			insert := s.DB().Rebind(`INSERT INTO restauth_user (username, username_key, email, password, date_joined)
				VALUES (?, ?, '', 'h', 0)`)
			long := strings.Repeat("é", core.MaxUsernameLength+1)
			if _, err := s.DB().ExecContext(t.Context(), insert, long, "k1"); err == nil {
				t.Error("schema accepted a 151-character username")
			}
			ok := strings.Repeat("é", core.MaxUsernameLength)
			if _, err := s.DB().ExecContext(t.Context(), insert, ok, "k2"); err != nil {
				t.Errorf("schema refused a 150-character username: %v", err)
			}
		})
	}
}
