package integration_test

import (
	"context"
	"sync"
	"testing"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// djangoConformanceGroups are the groups of the conformance suite whose
// behaviour the Django schema keeps unchanged. Left out, because Django's
// tables decide otherwise (docs/django.md, "Where restauth's rules
// differ"):
//   - Login, Logout, PasswordChange: they expect a key per login; DRF
//     keeps one per user, shared by the user's logins, so a second login
//     returns the same key and any logout ends it;
//   - Hostile: many of its cases check restauth's own storage rules
//     (token digests, a key per login, token lifetimes, canonical
//     Unicode keys), which Django's tables replace; and its store
//     wrappers hide core.TokenKeyStore. The Django schema's own hostile
//     cases are TestDjangoHostile (threat-model group O).
//
// Revocation and StoreFailure run: their store wrappers forward
// core.TokenKeyStore. Revocation's change-feed cases skip (the schema has
// no feed, see docs/django.md).
var djangoConformanceGroups = []string{
	"LoginHashing", "TokenHeader", "UserDetails", "Paths", "Middleware", "Headers",
	"Registration", "PasswordReset", "JWTLogin", "JWTAuth", "JWTTokenEndpoints", "JWTLogout",
	"JWTInterop", "JWTVerifiedCache", "Throttling", "Sessions", "LoginCSRF", "Combined", "Extensions",
	"Revocation", "StoreFailure",
}

// TestDjangoConformance runs the conformance suite through each adapter
// on an empty Django database of each kind (Django's own DDL, no rows):
// in the Django schema the wire behaviour is restauth's, except where
// Django's tables decide (docs/django.md).
func TestDjangoConformance(t *testing.T) {
	f := loadFixture(t)
	forEachDjango(t, func(t *testing.T, server authtest.Server, db sqltest.DB) {
		var mu sync.Mutex
		var last *sqlstore.DjangoStore
		newStore := func(t *testing.T) core.Store {
			store, err := sqlstore.OpenDjango(context.Background(), db.DjangoEmptyURL(t), sqlstore.DjangoConfig{SecretKey: []byte(f.SecretKey)}, db.Driver)
			if err != nil {
				t.Fatalf("OpenDjango: %v", err)
			}
			t.Cleanup(func() { store.Close() })
			mu.Lock()
			last = store
			mu.Unlock()
			return store
		}
		newSessions := func(t *testing.T) sessions.Store {
			mu.Lock()
			defer mu.Unlock()
			return last.SessionStore()
		}
		authtest.RunWithSessionStore(t, server, newStore, newSessions, djangoConformanceGroups...)
	})
}
