package bench

import (
	"net/http"
	"testing"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// userModes are the authentication set-ups of GET user/.
var userModes = []fixture.Spec{
	{Mode: fixture.ModeToken},
	{Mode: fixture.ModeJWT, JWTAlg: "HS256"},
	{Mode: fixture.ModeSession},
}

// BenchmarkUser is GET /api/auth/user/: authenticate, load the user (one
// store read in every mode here) and answer its details.
func BenchmarkUser(b *testing.B) {
	for _, f := range frameworks {
		for _, m := range userModes {
			for _, st := range stores {
				s := m
				s.Framework, s.Store = f, st
				b.Run(s.String(), func(b *testing.B) {
					app := build(b, s)
					benchServe(b, app.Handler, authedGET(fixture.UserPath, login(b, app)), http.StatusOK)
				})
			}
		}
	}
}

// BenchmarkUserQuery is the baseline of BenchmarkUser on SQLite: a bare
// handler running one SELECT of the user by primary key and writing the
// same details JSON. The target is user/ on SQLite ≥ 0.8× this.
func BenchmarkUserQuery(b *testing.B) {
	for _, f := range frameworks {
		s := fixture.Spec{Framework: f, Mode: fixture.ModeQuery, Store: fixture.SQLite}
		b.Run(s.String(), func(b *testing.B) {
			app := build(b, s)
			benchServe(b, app.Handler, authedGET(fixture.QueryPath, fixture.Credential{}), http.StatusOK)
		})
	}
}
