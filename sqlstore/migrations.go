package sqlstore

import (
	"cmp"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// migrationFiles holds one directory per dialect (migrations/sqlite, …) of
// files named NNNN_description.sql, applied in version order. A file holds
// one or more statements, each ending with ";" at the end of a line; lines
// starting with "--" are comments, among them goose's "-- +goose Up"
// (see Migrations).
//
//go:embed migrations
var migrationFiles embed.FS

// migration is one versioned schema change.
type migration struct {
	version    int64
	name       string
	statements []string
}

// Migrations returns the schema migrations of d, the files Migrate
// applies, for a deployment that runs them with its own migration tool
// instead of Migrate (then open the Store with Connect, never Open).
//
// The files sit at the root of the returned file system, named
// NNNN_description.sql (0001_init.sql, 0002_refresh.sql, …); NNNN is the
// version, and a release only ever adds files with higher versions. Each
// file holds statements ending with ";" at the end of a line, after a
// "-- +goose Up" line: this is goose's layout, so goose
// (github.com/pressly/goose/v3) runs them as they are:
//
//	fsys, err := sqlstore.Migrations(sqlstore.Postgres)
//	if err != nil { … }
//	provider, err := goose.NewProvider(goose.DialectPostgres, sqlDB, fsys) // sqlDB: *sql.DB
//	if err != nil { … }
//	results, err := provider.Up(ctx)
//
// goose records versions in its own table (goose_db_version), Migrate in
// restauth_schema_migrations: a database is migrated by one or the other,
// never both. golang-migrate wants the names NNNN_description.up.sql, and
// on MySQL multiStatements=true in its DSN: copy the files under those
// names. There are no down migrations.
func Migrations(d Dialect) (fs.FS, error) {
	if !d.valid() {
		return nil, fmt.Errorf("sqlstore: Migrations: unsupported dialect %v", d)
	}
	return fs.Sub(migrationFiles, path.Join("migrations", d.String()))
}

// loadMigrations reads and parses the migrations of d, sorted by version.
func loadMigrations(d Dialect) ([]migration, error) {
	fsys, err := Migrations(d)
	if err != nil {
		return nil, err
	}
	return parseMigrations(fsys, ".")
}

// parseMigrations reads every *.sql file of dir in fsys.
func parseMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		version, err := migrationVersion(e.Name())
		if err != nil {
			return nil, err
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: read migration %s: %w", e.Name(), err)
		}
		stmts := splitStatements(string(body))
		if len(stmts) == 0 {
			return nil, fmt.Errorf("sqlstore: migration %s has no statement", e.Name())
		}
		ms = append(ms, migration{version: version, name: e.Name(), statements: stmts})
	}
	slices.SortFunc(ms, func(a, b migration) int { return cmp.Compare(a.version, b.version) })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("sqlstore: migrations %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("sqlstore: no migrations in %s", dir)
	}
	return ms, nil
}

// migrationVersion parses the NNNN prefix of a migration file name.
func migrationVersion(name string) (int64, error) {
	prefix, _, ok := strings.Cut(name, "_")
	v, err := strconv.ParseInt(prefix, 10, 64)
	if !ok || err != nil || v <= 0 || len(prefix) != 4 {
		return 0, fmt.Errorf("sqlstore: migration file %q is not named NNNN_description.sql", name)
	}
	return v, nil
}

// splitStatements splits a migration file into statements: comment lines
// and blank lines are dropped, and a statement ends at a line ending with
// ";" (which is removed). A trailing statement without ";" is kept.
func splitStatements(body string) []string {
	var stmts []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			stmts = append(stmts, s)
		}
		cur.Reset()
	}
	for line := range strings.Lines(body) {
		line = strings.TrimRight(line, " \t\r\n")
		if trimmed := strings.TrimSpace(line); trimmed == "" || strings.HasPrefix(trimmed, "--") {
			continue
		}
		if last, ok := strings.CutSuffix(line, ";"); ok {
			cur.WriteString(last)
			flush()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	flush()
	return stmts
}
