package bench

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// loginModes are the login answers measured: a DB token, a JWT pair with
// cookies, a session.
var loginModes = []fixture.Spec{
	{Mode: fixture.ModeToken},
	{Mode: fixture.ModeJWT, JWTAlg: "HS256"},
	{Mode: fixture.ModeSession},
}

// loginStatus is what a successful login answers in mode m.
func loginStatus(m fixture.Mode) int {
	if m == fixture.ModeSession {
		return http.StatusNoContent
	}
	return http.StatusOK
}

// benchLogin measures successful logins of the bench user through app.
func benchLogin(b *testing.B, app *fixture.App) {
	reqs := newLoginRequests(app.Username)
	want := loginStatus(app.Spec.Mode)
	serve(b, app.Handler, reqs.next(), want)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		app.Handler.ServeHTTP(rec, reqs.next())
		if rec.Code != want {
			b.Fatalf("login: status %d, want %d: %s", rec.Code, want, rec.Body)
		}
	}
}

// BenchmarkLogin is POST login/ with a deliberately cheap hasher
// (password.FastArgon2Params): everything login costs besides the hash.
// Compare with BenchmarkHasher/argon2id-fast/verify, the hash it includes.
func BenchmarkLogin(b *testing.B) {
	for _, f := range frameworks {
		for _, m := range loginModes {
			for _, st := range stores {
				s := m
				s.Framework, s.Store, s.Hasher = f, st, fixture.FastHash
				b.Run(s.String(), func(b *testing.B) { benchLogin(b, build(b, s)) })
			}
		}
	}
}

// BenchmarkLoginProduction is POST login/ at production cost (argon2id
// m=19 MiB, t=2, p=1, through the default limiter). The target is
// ≤ 1.1× BenchmarkHasher/argon2id-default/verify.
func BenchmarkLoginProduction(b *testing.B) {
	for _, s := range []fixture.Spec{
		{Framework: fixture.Gin, Mode: fixture.ModeToken, Store: fixture.Mem},
		{Framework: fixture.Gin, Mode: fixture.ModeToken, Store: fixture.SQLite},
		{Framework: fixture.Gin, Mode: fixture.ModeJWT, Store: fixture.SQLite},
		{Framework: fixture.Echo, Mode: fixture.ModeToken, Store: fixture.SQLite},
	} {
		s.Hasher = fixture.ProductionHash
		b.Run(s.String(), func(b *testing.B) { benchLogin(b, build(b, s)) })
	}
}
