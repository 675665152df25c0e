package bench

import (
	"net/http"
	"testing"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// routeModes are the authentication set-ups of the protected app route.
var routeModes = []fixture.Spec{
	{Mode: fixture.ModeJWT, JWTAlg: "HS256"},
	{Mode: fixture.ModeJWT, JWTAlg: "HS256", NoTokenCache: true},
	{Mode: fixture.ModeJWT, JWTAlg: "HS256", Cookie: true},
	{Mode: fixture.ModeJWT, JWTAlg: "EdDSA"},
	{Mode: fixture.ModeJWT, JWTAlg: "EdDSA", Cookie: true},
	{Mode: fixture.ModeJWT, JWTAlg: "HS256", Stateless: true},
	{Mode: fixture.ModeToken},
	{Mode: fixture.ModeSession},
}

// BenchmarkRoute is GET /api/hello/ ({"message":"hello"}): bare, behind
// the framework's peer JWT middleware (gin/gin-jwt, echo/echo-jwt: HS256
// bearer, no store), then behind restauth's middleware in each mode and
// store, through Gin and Echo. The bare result is the limit of its
// framework; the target is jwt-HS256 ≥ 0.90× bare in throughput, i.e.
// ns/op ≤ bare/0.90, and the peer is the library an app would use
// instead.
func BenchmarkRoute(b *testing.B) {
	for _, f := range frameworks {
		bare := fixture.Spec{Framework: f, Mode: fixture.ModeBare}
		b.Run(bare.String(), func(b *testing.B) {
			app := build(b, bare)
			benchServe(b, app.Handler, authedGET(fixture.HelloPath, fixture.Credential{}), http.StatusOK)
		})
		peer := fixture.Spec{Framework: f, Mode: fixture.ModePeerJWT}
		b.Run(peer.String(), func(b *testing.B) {
			app := build(b, peer)
			benchServe(b, app.Handler, authedGET(fixture.HelloPath, login(b, app)), http.StatusOK)
		})
		for _, m := range routeModes {
			for _, st := range stores {
				s := m
				s.Framework, s.Store = f, st
				b.Run(s.String(), func(b *testing.B) {
					app := build(b, s)
					cred := login(b, app)
					benchServe(b, app.Handler, authedGET(fixture.HelloPath, cred), http.StatusOK)
				})
			}
		}
	}
}

// BenchmarkGuard is core's Guard alone (no router, no handler): what
// restauth adds to a request in each mode, framework aside.
func BenchmarkGuard(b *testing.B) {
	for _, m := range routeModes {
		for _, st := range stores {
			s := m
			s.Framework, s.Store = fixture.Gin, st
			b.Run(s.String(), func(b *testing.B) {
				app := build(b, s)
				r := authedGET(fixture.HelloPath, login(b, app))
				w := &nopWriter{h: http.Header{}}
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					if _, _, ok := app.Auth.Guard(w, fresh(r), true); !ok {
						b.Fatal("guard rejected the request")
					}
				}
			})
		}
	}
}

// nopWriter is a ResponseWriter that keeps nothing, so BenchmarkGuard
// counts only restauth's own allocations.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}
