// Package integration holds the tests that cross modules: the suites of
// core/authtest through each web adapter (ginauth, echoauth) on each SQL
// database of sqlstore (SQLite always; PostgreSQL and MySQL when
// RESTAUTH_TEST_POSTGRES_URL and RESTAUTH_TEST_MYSQL_URL name servers,
// see sqlstore/sqltest). The adapters' own tests use the in-memory store
// and sqlstore's use net/http, so neither adapter depends on sqlstore or
// a database driver; this module joins them.
//
// It is not an API: nothing here is meant to be imported, and the module
// is not published for users to install.
package integration
