package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
)

// djangoMigrationsTable records the versions of the Django schema's own
// migrations (DjangoMigrations), apart from the native schema's
// restauth_schema_migrations: the two sets are numbered independently.
const djangoMigrationsTable = "restauth_django_migrations"

// djangoMigrationFiles holds one directory per dialect of the migrations
// restauth applies to a Django database, in the layout of migrationFiles
// (NNNN_description.sql, goose's "-- +goose Up").
//
//go:embed migrations_django
var djangoMigrationFiles embed.FS

// DjangoMigrations returns the migrations DjangoStore.Migrate applies to a
// Django database of dialect d, for a deployment that runs them with its
// own tool (then open the store with a URL whose tables exist, and call
// neither Migrate nor a second tool on the same set). They create only
// restauth_-prefixed tables, for what Django has no table for:
// restauth_throttle (rate-limit counters, as in the native schema) and
// restauth_refresh_family / restauth_refresh_token (refresh families for
// rotation and reuse detection, referencing auth_user with ON DELETE
// CASCADE). They never create, alter or drop a Django table. The layout
// and naming are Migrations'; the versions are their own, starting at 1.
func DjangoMigrations(d Dialect) (fs.FS, error) {
	if !d.valid() {
		return nil, fmt.Errorf("sqlstore: DjangoMigrations: unsupported dialect %v", d)
	}
	return fs.Sub(djangoMigrationFiles, path.Join("migrations_django", d.String()))
}

// loadDjangoMigrations reads and parses the Django schema's migrations of
// d, sorted by version.
func loadDjangoMigrations(d Dialect) ([]migration, error) {
	fsys, err := DjangoMigrations(d)
	if err != nil {
		return nil, err
	}
	return parseMigrations(fsys, ".")
}

// Migrate creates restauth's own tables in the Django database (see
// DjangoMigrations), applying the migrations that
// restauth_django_migrations does not record yet. Like Store.Migrate it
// is idempotent and safe when several processes run it at once. It never
// creates or alters a Django table: Django's tables come from Django's
// "manage.py migrate", and CheckDjangoTables verifies them. The Django
// tables the migrations reference (auth_user) must exist.
func (d *DjangoStore) Migrate(ctx context.Context) error {
	ms, err := loadDjangoMigrations(d.s.dialect)
	if err != nil {
		return err
	}
	return d.s.migrateSet(ctx, ms, djangoMigrationsTable)
}
