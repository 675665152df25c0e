package sqlstore

import (
	"testing"
	"time"

	"github.com/restauth/restauth/core"
)

// BenchmarkUserByToken measures the hot token lookup on every available
// database, with the statement cache (prepared) and without (unprepared),
// to decide per dialect whether the cache pays (Dialect.preparesStatements).
func BenchmarkUserByToken(b *testing.B) {
	for _, db := range testDBs() {
		for _, prepared := range []bool{true, false} {
			name := db.name + "/unprepared"
			if prepared {
				name = db.name + "/prepared"
			}
			b.Run(name, func(b *testing.B) {
				if db.env != "" {
					requireEnv(b, db.env)
				}
				s := openStore(b, db.url(b))
				if prepared && s.stmts == nil {
					s.stmts = newStmtCache(s.db.DB)
				} else if !prepared {
					s.stmts = nil
				}
				u := &core.User{Username: "alice", IsActive: true, DateJoined: time.Now()}
				if err := s.CreateUser(b.Context(), u); err != nil {
					b.Fatal(err)
				}
				_, digest := core.NewTokenKey()
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
