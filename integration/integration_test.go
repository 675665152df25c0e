package integration_test

import (
	"os"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/echoauth/echoauthtest"
	"github.com/restauth/restauth/ginauth/ginauthtest"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// adapters are the web adapters, each with the servers of the authtest
// suites.
var adapters = []struct {
	name          string
	server, perms authtest.Server
}{
	{"Gin", ginauthtest.Server, ginauthtest.RequireServer},
	{"Echo", echoauthtest.Server, echoauthtest.RequireServer},
}

// storageGroups are the groups of authtest.RunWithStore that run here:
// the extension points (extra user and registration fields, custom JWT
// claims, email-only accounts, events), whose data the store keeps and
// the application reads through the adapter, and the revocation bound
// (two instances of the application on one database). Every group runs through
// each adapter on memstore (the adapters' tests) and through net/http on
// each database (sqlstore's tests).
var storageGroups = []string{"Extensions", "Revocation"}

// forEach runs f for each adapter on each database, as subtests
// <adapter>/<database>; databases whose server is not named skip.
func forEach(t *testing.T, f func(t *testing.T, server, perms authtest.Server, newStore func(t *testing.T) core.Store)) {
	for _, a := range adapters {
		t.Run(a.name, func(t *testing.T) {
			for _, db := range sqltest.All() {
				t.Run(db.Name, func(t *testing.T) {
					db.RequireServer(t)
					f(t, a.server, a.perms, func(t *testing.T) core.Store { return sqltest.Open(t, db.URL(t)) })
				})
			}
		})
	}
}

// TestExtensions runs the extension points of the conformance suite
// through each adapter on each database.
func TestExtensions(t *testing.T) {
	forEach(t, func(t *testing.T, server, _ authtest.Server, newStore func(t *testing.T) core.Store) {
		authtest.RunWithStore(t, server, newStore, storageGroups...)
	})
}

// TestRequire runs the authorization suite (RequireUser, RequireStaff,
// Require with a predicate) through each adapter on each database: the
// staff flags it reads are kept by the store.
func TestRequire(t *testing.T) {
	forEach(t, func(t *testing.T, _, perms authtest.Server, newStore func(t *testing.T) core.Store) {
		authtest.RunRequireWithStore(t, perms, newStore)
	})
}
