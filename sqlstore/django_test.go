package sqlstore_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// Helpers of the Django schema's tests (django_*_test.go). The Django
// databases themselves come from sqltest (DjangoURL, DjangoEmptyURL,
// OpenDjango), which the integration tests use too.

// The fixture's DRF token keys (fixture-expectations.json).
const (
	djAliceKey = "b538b4d176ca36d3a35a0ec92c484cbe78d89fe0"
	djBobKey   = "5579c78f439f9faf1251d8bef8723ffe0c2ed567"
)

// forEachDjango runs fn as a subtest on a fresh Django database holding
// the fixture's rows, on every available database, with a DjangoStore
// opened on it and its URL.
func forEachDjango(t *testing.T, fn func(t *testing.T, s *sqlstore.DjangoStore, url string)) {
	t.Helper()
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			url := db.DjangoURL(t)
			fn(t, sqltest.OpenDjango(t, url), url)
		})
	}
}

// djFixtureTime parses a UTC time of the fixture ("2026-12-06 18:38:31.003312").
func djFixtureTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse("2006-01-02 15:04:05.999999", s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// djCount runs a COUNT(*) query ("?" placeholders) on s's pool.
func djCount(t *testing.T, s *sqlstore.DjangoStore, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().GetContext(t.Context(), &n, s.DB().Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// djExec runs a statement ("?" placeholders) on s's pool.
func djExec(t *testing.T, s *sqlstore.DjangoStore, query string, args ...any) sql.Result {
	t.Helper()
	res, err := s.DB().ExecContext(t.Context(), s.DB().Rebind(query), args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return res
}

// djQuote quotes a column name that is a keyword (key, primary).
func djQuote(s *sqlstore.DjangoStore, name string) string {
	if s.Dialect() == sqlstore.MySQL {
		return "`" + name + "`"
	}
	return `"` + name + `"`
}
