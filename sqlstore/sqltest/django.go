package sqltest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/sqlstore"
)

// Django databases for the tests of sqlstore's Django schema
// (sqlstore.DjangoStore), made from the fixture pack in
// sqlstore/testdata/django: the DDL Django's "manage.py migrate" produced
// for each database (schema-sqlite.sql, schema-postgres.sql,
// schema-mysql.sql) and fixture.sqlite3, a database whose rows Django,
// DRF, SimpleJWT and allauth wrote (README.md and
// fixture-expectations.json there describe them):
//
//	for _, db := range sqltest.All() {
//		t.Run(db.Name, func(t *testing.T) {
//			db.RequireServer(t)
//			store := sqltest.OpenDjango(t, db.DjangoURL(t))
//			// … alice, bob, carol, dave, their tokens, alice's session …
//		})
//	}
//
// On SQLite the database is a copy of fixture.sqlite3; on PostgreSQL (a
// fresh schema) and MySQL (a fresh database) Django's DDL is loaded and
// every row of fixture.sqlite3 is copied in, so the three hold the same
// data. Like the other databases of this package, each is dropped when
// the test ends.

// DjangoSecretKey is the SECRET_KEY (and SimpleJWT signing key) the
// fixture was made with.
const DjangoSecretKey = "peer-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"

// DjangoFixtureDir returns the directory of the Django fixture pack,
// sqlstore/testdata/django, found next to this package's source (the
// source must be on disk, as it is for "go test"; a binary built with
// -trimpath cannot find it). It fails t if the directory is missing.
func DjangoFixtureDir(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("sqltest: cannot locate the Django fixture pack: no caller information")
	}
	dir := filepath.Join(filepath.Dir(file), "..", "testdata", "django")
	if _, err := os.Stat(filepath.Join(dir, "fixture.sqlite3")); err != nil {
		t.Fatalf("sqltest: Django fixture pack not found next to %s: %v", file, err)
	}
	return dir
}

// DjangoURL returns the URL of a fresh Django database of db's kind
// holding the fixture's tables and rows, dropped when t ends; it skips t
// when db's server is not named (see DB.URL).
func (db DB) DjangoURL(t testing.TB) string {
	t.Helper()
	return db.django(t, true)
}

// DjangoEmptyURL returns the URL of a fresh Django database of db's kind
// holding the fixture's tables, as "manage.py migrate" creates them, and
// no rows.
func (db DB) DjangoEmptyURL(t testing.TB) string {
	t.Helper()
	return db.django(t, false)
}

// django makes the database of DjangoURL (rows) or DjangoEmptyURL.
func (db DB) django(t testing.TB, rows bool) string {
	t.Helper()
	dir := DjangoFixtureDir(t)
	switch db.Driver.Dialect() {
	case sqlstore.SQLite:
		if rows {
			return "sqlite:" + copyFixture(t, dir)
		}
		url := db.URL(t)
		loadDDL(t, url, filepath.Join(dir, "schema-sqlite.sql"), sqlstore.SQLite)
		return url
	case sqlstore.Postgres, sqlstore.MySQL:
		url := db.URL(t)
		d := db.Driver.Dialect()
		loadDDL(t, url, filepath.Join(dir, "schema-"+d.String()+".sql"), d)
		if rows {
			CopyDjangoRows(t, "sqlite:"+copyFixture(t, dir), url)
		}
		return url
	}
	t.Fatalf("sqltest: no Django database for dialect %v", db.Driver.Dialect())
	return ""
}

// OpenDjango opens url with sqlstore.OpenDjango and the fixture's secret
// key (DjangoSecretKey). The store is closed when t ends; a failing open
// fails t at once.
func OpenDjango(t testing.TB, url string) *sqlstore.DjangoStore {
	t.Helper()
	s, err := sqlstore.OpenDjango(t.Context(), url, sqlstore.DjangoConfig{SecretKey: []byte(DjangoSecretKey)}, Drivers()...)
	if err != nil {
		t.Fatalf("OpenDjango: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// copyFixture copies fixture.sqlite3 into t's temporary directory and
// returns the copy's path.
func copyFixture(t testing.TB, dir string) string {
	t.Helper()
	src, err := os.Open(filepath.Join(dir, "fixture.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), "django.sqlite3")
	dst, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// loadDDL runs the DDL file on the database at url, on one connection.
// The dumps are made for a database of their own: the PostgreSQL one's
// "public." qualifiers are removed (the tables go to the first schema of
// the URL's search_path) and its session settings skipped; the MySQL
// one's executable comments are skipped, and it runs with
// FOREIGN_KEY_CHECKS off, as its header sets.
func loadDDL(t testing.TB, url, file string, d sqlstore.Dialect) {
	t.Helper()
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	s := Connect(t, url)
	conn, err := s.DB().Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if d == sqlstore.MySQL {
		mustExec(t, conn, "SET FOREIGN_KEY_CHECKS = 0")
		defer mustExec(t, conn, "SET FOREIGN_KEY_CHECKS = 1")
	}
	for _, stmt := range ddlStatements(string(body)) {
		switch {
		case d == sqlstore.Postgres && (strings.HasPrefix(stmt, "SET ") || strings.HasPrefix(stmt, "SELECT pg_catalog.set_config")):
			continue
		case d == sqlstore.Postgres:
			stmt = strings.ReplaceAll(stmt, "public.", "")
		}
		mustExec(t, conn, stmt)
	}
}

// ddlStatements splits a dump into statements ending with ";" at the end
// of a line, dropping blank lines, "--" comments and lines that are a
// "/*…*/" comment (MySQL's executable comments: session settings only).
func ddlStatements(body string) []string {
	var stmts []string
	var cur strings.Builder
	for line := range strings.Lines(body) {
		line = strings.TrimRight(line, " \t\r\n")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "--") || strings.HasPrefix(trimmed, "/*") {
			continue
		}
		if last, ok := strings.CutSuffix(line, ";"); ok {
			cur.WriteString(last)
			if s := strings.TrimSpace(cur.String()); s != "" {
				stmts = append(stmts, s)
			}
			cur.Reset()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		stmts = append(stmts, s)
	}
	return stmts
}

// mustExec runs a statement on conn and fails t on error.
func mustExec(t testing.TB, conn *sqlx.Conn, stmt string, args ...any) {
	t.Helper()
	if _, err := conn.ExecContext(context.WithoutCancel(t.Context()), stmt, args...); err != nil {
		first, _, _ := strings.Cut(stmt, "\n")
		t.Fatalf("sqltest: %s: %v", first, err)
	}
}

// CopyDjangoRows copies every row of every table of the SQLite Django
// database at from into the PostgreSQL or MySQL Django database at to,
// whose tables (Django's DDL) must exist and be empty. Values are
// converted to the target's column types: SQLite's 0/1 to booleans and
// its datetime text (UTC) to timestamps. On PostgreSQL the id sequences
// are then moved past the copied ids (MySQL's AUTO_INCREMENT follows by
// itself). Foreign keys are checked at the end (PostgreSQL: deferred in
// one transaction) or not at all (MySQL: FOREIGN_KEY_CHECKS off while
// copying), so the tables' order does not matter.
func CopyDjangoRows(t testing.TB, from, to string) {
	t.Helper()
	ctx := t.Context()
	src := Connect(t, from)
	dst := Connect(t, to)
	d := dst.Dialect()
	var tables []string
	if err := src.DB().SelectContext(ctx, &tables,
		`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`); err != nil {
		t.Fatal(err)
	}
	conn, err := dst.DB().Connx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if d == sqlstore.MySQL {
		mustExec(t, conn, "SET FOREIGN_KEY_CHECKS = 0")
		defer mustExec(t, conn, "SET FOREIGN_KEY_CHECKS = 1")
	}
	mustExec(t, conn, "BEGIN")
	for _, table := range tables {
		copyTable(t, src.DB(), conn, d, table)
	}
	mustExec(t, conn, "COMMIT")
	if d == sqlstore.Postgres {
		for _, table := range tables {
			types := columnTypes(t, conn, d, table)
			if _, ok := types["id"]; ok {
				mustExec(t, conn, `SELECT setval(pg_get_serial_sequence($1, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM `+table, table)
			}
		}
	}
}

// copyTable copies the rows of one table.
func copyTable(t testing.TB, src *sqlx.DB, dst *sqlx.Conn, d sqlstore.Dialect, table string) {
	t.Helper()
	ctx := t.Context()
	types := columnTypes(t, dst, d, table)
	if len(types) == 0 {
		t.Fatalf("sqltest: table %s of the fixture is missing from the target database", table)
	}
	rows, err := src.QueryxContext(ctx, "SELECT * FROM "+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	quoted := make([]string, len(cols))
	marks := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quoteIdent(d, c)
		marks[i] = "?"
	}
	insert := sqlx.Rebind(bindType(d), "INSERT INTO "+table+" ("+strings.Join(quoted, ", ")+") VALUES ("+strings.Join(marks, ", ")+")")
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cols {
			if vals[i], err = convertValue(vals[i], types[strings.ToLower(c)]); err != nil {
				t.Fatalf("sqltest: %s.%s: %v", table, c, err)
			}
		}
		mustExec(t, dst, insert, vals...)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

// columnTypes returns the lower-case data types of table's columns on
// the target, by lower-case column name.
func columnTypes(t testing.TB, conn *sqlx.Conn, d sqlstore.Dialect, table string) map[string]string {
	t.Helper()
	q := `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1`
	if d == sqlstore.MySQL {
		q = `SELECT column_name, data_type FROM information_schema.columns
			WHERE table_schema = DATABASE() AND table_name = ?`
	}
	rows, err := conn.QueryxContext(t.Context(), q, table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	types := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		types[strings.ToLower(name)] = strings.ToLower(typ)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return types
}

// convertValue converts a value read from SQLite for a column of type
// typ on the target.
func convertValue(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	switch {
	case typ == "boolean":
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("boolean from %T", v)
		}
		return n != 0, nil
	case strings.HasPrefix(typ, "timestamp"), typ == "datetime":
		switch x := v.(type) {
		case time.Time:
			return x.UTC(), nil
		case string:
			return parseDjangoText(x)
		}
		return nil, fmt.Errorf("datetime from %T", v)
	}
	return v, nil
}

// parseDjangoText parses Django's SQLite datetime text (UTC, no zone).
func parseDjangoText(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00"} {
		if v, err := time.Parse(layout, s); err == nil {
			return v.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a Django datetime", s)
}

// quoteIdent quotes a column name for d.
func quoteIdent(d sqlstore.Dialect, name string) string {
	if d == sqlstore.MySQL {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}

// bindType is sqlx's placeholder style for d.
func bindType(d sqlstore.Dialect) int {
	if d == sqlstore.Postgres {
		return sqlx.DOLLAR
	}
	return sqlx.QUESTION
}

// SchemaSnapshot describes the tables of the database at url whose names
// do not start with exceptPrefix ("" keeps all): every column with its
// type, nullability and default, and every index and constraint, one per
// line starting with the table's name, sorted. Tests compare two snapshots to prove that code left a
// schema alone (sqlstore.OpenDjango never alters Django's tables).
func SchemaSnapshot(t testing.TB, url, exceptPrefix string) string {
	t.Helper()
	s := Connect(t, url)
	ctx := t.Context()
	var queries []string
	switch s.Dialect() {
	case sqlstore.SQLite:
		queries = []string{`SELECT tbl_name || ' ' || type || ' ' || name || ': ' || COALESCE(sql, '') FROM sqlite_master
			WHERE name NOT LIKE 'sqlite_%'`}
	case sqlstore.Postgres:
		queries = []string{
			`SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' ||
				COALESCE(column_default, '') || ' ' || COALESCE(character_maximum_length::text, '')
			FROM information_schema.columns WHERE table_schema = current_schema()`,
			`SELECT tablename || ' ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()`,
			`SELECT conrelid::regclass::text || ' ' || conname || ': ' || pg_get_constraintdef(oid) FROM pg_constraint
			WHERE connamespace = current_schema()::regnamespace`,
		}
	default:
		queries = []string{
			`SELECT CONCAT(table_name, '.', column_name, ' ', column_type, ' ', is_nullable, ' ',
				COALESCE(column_default, ''), ' ', COALESCE(collation_name, ''))
			FROM information_schema.columns WHERE table_schema = DATABASE()`,
			`SELECT CONCAT(table_name, ' ', index_name, ' ', seq_in_index, ' ', column_name, ' ', non_unique)
			FROM information_schema.statistics WHERE table_schema = DATABASE()`,
			`SELECT CONCAT(table_name, ' ', constraint_name, ' ', constraint_type)
			FROM information_schema.table_constraints WHERE table_schema = DATABASE()`,
		}
	}
	var lines []string
	for _, q := range queries {
		var got []sql.NullString
		if err := s.DB().SelectContext(ctx, &got, q); err != nil {
			t.Fatalf("sqltest: schema snapshot: %v", err)
		}
		for _, l := range got {
			if exceptPrefix == "" || !strings.HasPrefix(l.String, exceptPrefix) {
				lines = append(lines, l.String)
			}
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
