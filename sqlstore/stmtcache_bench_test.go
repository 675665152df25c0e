package sqlstore_test

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// BenchmarkUserByToken measures the hot token lookup on every available
// database, with the statement cache (prepared) and without (unprepared),
// to decide per dialect whether the cache pays (Dialect.preparesStatements).
func BenchmarkUserByToken(b *testing.B) {
	for _, db := range sqltest.All() {
		for _, prepared := range []bool{true, false} {
			name := db.Name + "/unprepared"
			if prepared {
				name = db.Name + "/prepared"
			}
			b.Run(name, func(b *testing.B) {
				if db.Env != "" {
					sqltest.RequireEnv(b, db.Env)
				}
				s := sqltest.Open(b, db.URL(b))
				if prepared != sqlstore.HasStmtCache(s) {
					sqlstore.SetStmtCache(s, prepared)
				}
				u := &core.User{Username: "alice", IsActive: true, DateJoined: time.Now()}
				if err := s.CreateUser(b.Context(), u); err != nil {
					b.Fatal(err)
				}
				digest := storekit.TokenDigest(rand.Text())
				if err := s.CreateToken(b.Context(), &core.Token{Digest: digest, UserID: u.ID, Created: time.Now()}); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if _, _, err := s.UserByToken(b.Context(), digest); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
