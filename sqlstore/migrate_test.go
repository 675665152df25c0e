package sqlstore

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/restauth/restauth/core"
)

// appliedVersions reads the recorded migration versions.
func appliedVersions(t *testing.T, s *Store) []int64 {
	t.Helper()
	var vs []int64
	if err := s.DB().SelectContext(t.Context(), &vs, "SELECT version FROM "+migrationsTable+" ORDER BY version"); err != nil {
		t.Fatalf("read versions: %v", err)
	}
	return vs
}

// wantAllApplied requires every embedded migration to be recorded once.
func wantAllApplied(t *testing.T, s *Store) {
	t.Helper()
	ms, err := loadMigrations(s.Dialect())
	if err != nil {
		t.Fatal(err)
	}
	var want []int64
	for _, m := range ms {
		want = append(want, m.version)
	}
	if got := appliedVersions(t, s); !slices.Equal(got, want) {
		t.Errorf("applied versions = %v, want %v", got, want)
	}
}

func TestMigrateIdempotent(t *testing.T) {
	for _, db := range testDBs() {
		t.Run(db.name, func(t *testing.T) {
			db.requireServer(t)
			url := db.url(t)
			first := openStore(t, url)
			u := &core.User{Username: "alice", PasswordHash: "h", IsActive: true}
			if err := first.CreateUser(t.Context(), u); err != nil {
				t.Fatal(err)
			}
			second := openStore(t, url) // migrates again
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
	for _, db := range testDBs() {
		t.Run(db.name, func(t *testing.T) {
			db.requireServer(t)
			url := db.url(t)
			stores := make([]*Store, runners)
			for i := range stores {
				stores[i] = openStore(t, url, WithoutMigrate())
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

func TestMigrationsSameVersionsPerDialect(t *testing.T) {
	var want []int64
	for i, d := range []Dialect{SQLite, Postgres, MySQL} {
		ms, err := loadMigrations(d)
		if err != nil {
			t.Fatalf("%v: %v", d, err)
		}
		var got []int64
		for _, m := range ms {
			got = append(got, m.version)
		}
		if i == 0 {
			want = got
		} else if !slices.Equal(got, want) {
			t.Errorf("%v versions = %v, sqlite has %v", d, got, want)
		}
	}
}

func TestSplitStatements(t *testing.T) {
	body := `-- comment; with a semicolon
CREATE TABLE a (
    x INT -- trailing comment is kept
);

  -- indented comment
CREATE INDEX i ON a (x);   
INSERT INTO a VALUES (1)`
	got := splitStatements(body)
	want := []string{
		"CREATE TABLE a (\n    x INT -- trailing comment is kept\n)",
		"CREATE INDEX i ON a (x)",
		"INSERT INTO a VALUES (1)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("splitStatements =\n%q\nwant\n%q", got, want)
	}
}

func TestParseMigrationsRejectsBadFiles(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"bad name":      {"m/init.sql": {Data: []byte("SELECT 1;")}},
		"short version": {"m/1_init.sql": {Data: []byte("SELECT 1;")}},
		"zero version":  {"m/0000_init.sql": {Data: []byte("SELECT 1;")}},
		"duplicate": {
			"m/0001_a.sql": {Data: []byte("SELECT 1;")},
			"m/0001_b.sql": {Data: []byte("SELECT 2;")},
		},
		"empty file": {"m/0001_a.sql": {Data: []byte("-- nothing\n")}},
		"no files":   {"m/README": {Data: []byte("x")}},
	} {
		if _, err := parseMigrations(fsys, "m"); err == nil {
			t.Errorf("%s: parseMigrations succeeded, want an error", name)
		}
	}
	ms, err := parseMigrations(fstest.MapFS{
		"m/0002_b.sql": {Data: []byte("SELECT 2;")},
		"m/0001_a.sql": {Data: []byte("SELECT 1;\nSELECT 11;")},
	}, "m")
	if err != nil || len(ms) != 2 || ms[0].version != 1 || len(ms[0].statements) != 2 || ms[1].version != 2 {
		t.Errorf("parseMigrations = %+v, %v", ms, err)
	}
}

// TestSchemaRejectsOverLong bypasses the store's own checks: the schema
// itself refuses values longer than their column, on every database
// (strict mode on MySQL), instead of truncating them (T-DB-08).
func TestSchemaRejectsOverLong(t *testing.T) {
	for _, db := range testDBs() {
		t.Run(db.name, func(t *testing.T) {
			db.requireServer(t)
			s := openStore(t, db.url(t))
			insert := s.rebind(`INSERT INTO restauth_user (username, username_key, email, password, date_joined)
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
