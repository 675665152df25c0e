package sqlstore

import (
	"database/sql"
	"time"
)

// Hooks into unexported state for the tests of package sqlstore_test.
// Those open real databases through the driver packages, which import
// sqlstore, so they cannot be tests of package sqlstore itself.

const (
	PoolSize        = poolSize
	MigrationsTable = migrationsTable
)

// MigrationVersions lists the versions of d's embedded migrations.
func MigrationVersions(d Dialect) ([]int64, error) {
	ms, err := loadMigrations(d)
	var vs []int64
	for _, m := range ms {
		vs = append(vs, m.version)
	}
	return vs, err
}

// FromMicros is fromMicros.
func FromMicros(v int64) time.Time { return fromMicros(v) }

// Queries are the texts of some of s's statements, as s runs them.
type Queries struct {
	UserByToken, InsertUser, InsertToken, InsertSession string
}

// StoreQueries returns some of s's statements.
func StoreQueries(s *Store) Queries {
	return Queries{
		UserByToken:   s.q.userByToken,
		InsertUser:    s.q.insertUser,
		InsertToken:   s.q.insertToken,
		InsertSession: s.q.insertSession,
	}
}

// HasStmtCache reports whether s keeps prepared statements.
func HasStmtCache(s *Store) bool { return s.stmts != nil }

// CachedStmt returns the statement s keeps for query, or nil.
func CachedStmt(s *Store, query string) *sql.Stmt {
	if s.stmts == nil {
		return nil
	}
	return s.stmts.lookup(query)
}

// StmtCacheLen returns how many statements s keeps.
func StmtCacheLen(s *Store) int { return s.stmts.len() }

// SetStmtCache turns s's statement cache on (a new one) or off.
func SetStmtCache(s *Store, on bool) {
	s.stmts = nil
	if on {
		s.stmts = newStmtCache(s.db.DB)
	}
}
