package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/restauth/restauth/bench/internal/fixture"
	"github.com/restauth/restauth/core/password"
)

// benchPair measures two operations alternately, one of each per
// iteration, so that a change in the machine's load (other processes,
// frequency scaling) hits both alike, and reports each one's time per
// operation and their ratio base/subject: for request handlers the
// subject's throughput relative to the base (≥ 1 is faster), for login
// versus a hash the other way round. The iteration's own ns/op is the sum.
func benchPair(b *testing.B, baseName string, base func(), subjectName string, subject func(), ratioName string, invert bool) {
	base()
	subject()
	var tBase, tSubject time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		base()
		t1 := time.Now()
		subject()
		tSubject += time.Since(t1)
		tBase += t1.Sub(t0)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tBase.Nanoseconds())/n, baseName+"-ns/op")
	b.ReportMetric(float64(tSubject.Nanoseconds())/n, subjectName+"-ns/op")
	ratio := float64(tBase) / float64(tSubject)
	if invert {
		ratio = 1 / ratio
	}
	b.ReportMetric(ratio, ratioName)
}

// handlerOp serves r through h once, failing the benchmark on another
// status than want.
func handlerOp(b *testing.B, h http.Handler, r *http.Request, want int) func() {
	return func() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, fresh(r))
		if rec.Code != want {
			b.Fatalf("%s: status %d, want %d: %s", r.URL.Path, rec.Code, want, rec.Body)
		}
	}
}

// BenchmarkTarget measures the targets' ratios in-process, each pair
// interleaved:
//
//   - jwt/<framework>: the JWT-protected route (HS256 bearer, memstore)
//     against the bare route; metric jwt/bare-throughput, target ≥ 0.90;
//   - peer/<framework>/<store>: the same route in restauth's default JWT
//     mode against the framework's peer (gin-jwt, echo-jwt); metric
//     jwt/peer-throughput, target > 1 on SQLite (issue 17);
//   - user/<framework>: GET user/ on SQLite (token) against the bare
//     single-row query on SQLite; metric user/query-throughput, target ≥ 0.80;
//   - login/<store>: a login at production cost against one password
//     check of the default policy; metric login/hash-time, target ≤ 1.10.
func BenchmarkTarget(b *testing.B) {
	for _, f := range frameworks {
		b.Run("jwt/"+string(f), func(b *testing.B) {
			bare := build(b, fixture.Spec{Framework: f, Mode: fixture.ModeBare})
			app := build(b, fixture.Spec{Framework: f, Mode: fixture.ModeJWT})
			benchPair(b,
				"bare", handlerOp(b, bare.Handler, authedGET(fixture.HelloPath, fixture.Credential{}), http.StatusOK),
				"jwt", handlerOp(b, app.Handler, authedGET(fixture.HelloPath, login(b, app)), http.StatusOK),
				"jwt/bare-throughput", false)
		})
	}
	for _, f := range frameworks {
		for _, st := range stores {
			b.Run("peer/"+string(f)+"/"+string(st), func(b *testing.B) {
				peer := build(b, fixture.Spec{Framework: f, Mode: fixture.ModePeerJWT})
				app := build(b, fixture.Spec{Framework: f, Mode: fixture.ModeJWT, Store: st})
				benchPair(b,
					fixture.PeerName(f), handlerOp(b, peer.Handler, authedGET(fixture.HelloPath, login(b, peer)), http.StatusOK),
					"jwt", handlerOp(b, app.Handler, authedGET(fixture.HelloPath, login(b, app)), http.StatusOK),
					"jwt/peer-throughput", false)
			})
		}
	}
	for _, f := range frameworks {
		b.Run("user/"+string(f), func(b *testing.B) {
			query := build(b, fixture.Spec{Framework: f, Mode: fixture.ModeQuery, Store: fixture.SQLite})
			app := build(b, fixture.Spec{Framework: f, Mode: fixture.ModeToken, Store: fixture.SQLite})
			benchPair(b,
				"query", handlerOp(b, query.Handler, authedGET(fixture.QueryPath, fixture.Credential{}), http.StatusOK),
				"user", handlerOp(b, app.Handler, authedGET(fixture.UserPath, login(b, app)), http.StatusOK),
				"user/query-throughput", false)
		})
	}
	for _, st := range stores {
		b.Run("login/"+string(st), func(b *testing.B) {
			app := build(b, fixture.Spec{Framework: fixture.Gin, Mode: fixture.ModeToken, Store: st, Hasher: fixture.ProductionHash})
			policy, err := password.NewPolicy() // the same default policy, its own limiter
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			encoded, err := policy.Make(ctx, fixture.Password)
			if err != nil {
				b.Fatal(err)
			}
			reqs := newLoginRequests(app.Username)
			benchPair(b,
				"hash", func() {
					if ok, _, err := policy.Check(ctx, fixture.Password, encoded); !ok || err != nil {
						b.Fatalf("check: %v %v", ok, err)
					}
				},
				"login", func() {
					rec := httptest.NewRecorder()
					app.Handler.ServeHTTP(rec, reqs.next())
					if rec.Code != http.StatusOK {
						b.Fatalf("login: status %d: %s", rec.Code, rec.Body)
					}
				},
				"login/hash-time", true)
		})
	}
}
