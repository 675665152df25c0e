package sqlstore

import "context"

// MigrateTo applies the embedded migrations up to version only, as a
// release that had no later ones did, for tests of upgrades.
func MigrateTo(ctx context.Context, s *Store, version int64) error {
	ms, err := loadMigrations(s.dialect)
	if err != nil {
		return err
	}
	var upTo []migration
	for _, m := range ms {
		if m.version <= version {
			upTo = append(upTo, m)
		}
	}
	switch s.dialect {
	case SQLite:
		return s.migrateSQLite(ctx, upTo, migrationsTable)
	case Postgres:
		return s.migratePostgres(ctx, upTo, migrationsTable)
	}
	return s.migrateMySQL(ctx, upTo, migrationsTable)
}
