package sqlstore

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

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

// TestMigrationsFS: Migrations serves each dialect's files at its root,
// named NNNN_description.sql, each with goose's "-- +goose Up" before its
// first statement, so that goose runs them as they are.
func TestMigrationsFS(t *testing.T) {
	name := regexp.MustCompile(`^[0-9]{4}_[a-z0-9_]+\.sql$`)
	for _, d := range []Dialect{SQLite, Postgres, MySQL} {
		fsys, err := Migrations(d)
		if err != nil {
			t.Fatalf("Migrations(%v): %v", d, err)
		}
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil || len(entries) == 0 {
			t.Fatalf("%v: ReadDir = %d entries, %v", d, len(entries), err)
		}
		if _, err := fs.Stat(fsys, "0001_init.sql"); err != nil {
			t.Errorf("%v: 0001_init.sql: %v", d, err)
		}
		for _, e := range entries {
			if !name.MatchString(e.Name()) {
				t.Errorf("%v: file %q is not named NNNN_description.sql", d, e.Name())
				continue
			}
			body, err := fs.ReadFile(fsys, e.Name())
			if err != nil {
				t.Fatal(err)
			}
			up := false
			for line := range strings.Lines(string(body)) {
				line = strings.TrimSpace(line)
				if line == "-- +goose Up" {
					up = true
				}
				if line != "" && !strings.HasPrefix(line, "--") {
					if !up {
						t.Errorf("%v/%s: a statement comes before \"-- +goose Up\"", d, e.Name())
					}
					break
				}
			}
		}
	}
	if _, err := Migrations(Dialect(0)); err == nil {
		t.Error("Migrations(0) succeeded")
	}
}
