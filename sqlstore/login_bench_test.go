package sqlstore_test

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// BenchmarkLoginWrites measures a token login's writes on every available
// database: RecordLogin then CreateToken (two commits) against
// CreateLoginToken (one transaction).
func BenchmarkLoginWrites(b *testing.B) {
	for _, db := range sqltest.All() {
		for _, combined := range []bool{false, true} {
			name := db.Name + "/separate"
			if combined {
				name = db.Name + "/combined"
			}
			b.Run(name, func(b *testing.B) {
				if db.Env != "" {
					sqltest.RequireEnv(b, db.Env)
				}
				s := sqltest.Open(b, db.URL(b))
				u := &core.User{Username: "alice", IsActive: true, DateJoined: time.Now()}
				if err := s.CreateUser(b.Context(), u); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					digest := storekit.TokenDigest(rand.Text())
					tok := &core.Token{Digest: digest, UserID: u.ID, Created: time.Now()}
					now := time.Now()
					if combined {
						if err := s.CreateLoginToken(b.Context(), tok, now); err != nil {
							b.Fatal(err)
						}
						continue
					}
					if err := s.RecordLogin(b.Context(), u.ID, now); err != nil {
						b.Fatal(err)
					}
					if err := s.CreateToken(b.Context(), tok); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
