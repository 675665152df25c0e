package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// frameworks are the adapters every per-request benchmark runs through.
var frameworks = []fixture.Framework{fixture.Gin, fixture.Echo}

// stores are the persistences of the per-request benchmarks.
var stores = []fixture.StoreKind{fixture.Mem, fixture.SQLite}

// build makes the App of s for tb and closes it at the end of the test.
func build(tb testing.TB, s fixture.Spec) *fixture.App {
	tb.Helper()
	app, err := fixture.Build(context.Background(), s)
	if err != nil {
		tb.Fatalf("building %v: %v", s, err)
	}
	tb.Cleanup(func() {
		if err := app.Close(); err != nil {
			tb.Errorf("closing %v: %v", s, err)
		}
	})
	return app
}

// login logs the bench user in, in-process, and returns its credential.
func login(tb testing.TB, app *fixture.App) fixture.Credential {
	tb.Helper()
	cred, err := fixture.Login(context.Background(), fixture.HandlerDoer(app.Handler), "", app.Spec, app.Username)
	if err != nil {
		tb.Fatalf("%v: %v", app.Spec, err)
	}
	return cred
}

// authedGET is GET path carrying cred, as a browser or client sends it.
func authedGET(path string, cred fixture.Credential) *http.Request {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Accept", "application/json")
	cred.Apply(r)
	return r
}

// fresh returns a shallow copy of r for one request. A handler may
// replace *r in place (gorilla/sessions caches its registry that way:
// *r = *r.WithContext(…)), so reusing one *http.Request would carry state
// from one iteration to the next; the copy shares only the immutable
// header map and URL.
func fresh(r *http.Request) *http.Request {
	c := new(http.Request)
	*c = *r
	return c
}

// serve runs r through h once and fails unless the status is want.
func serve(tb testing.TB, h http.Handler, r *http.Request, want int) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, fresh(r))
	if rec.Code != want {
		tb.Fatalf("%s %s: status %d, want %d: %s", r.Method, r.URL.Path, rec.Code, want, rec.Body)
	}
}

// benchServe measures h answering r with status want; each request is a
// shallow copy of r with a fresh recorder (their allocations are in every
// result, bare included).
func benchServe(b *testing.B, h http.Handler, r *http.Request, want int) {
	serve(b, h, r, want) // warm caches, check once before timing
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, fresh(r))
		if rec.Code != want {
			b.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body)
		}
	}
}

// loginRequests makes POST login/ requests for the bench user. restauth
// throttles logins per client IP, so the requests come from a fresh
// address every perIP logins, as a crowd of users would; the per-IP
// bookkeeping is measured, the 429 is not.
type loginRequests struct {
	body string
	n    int
}

// perIP stays under any plausible per-IP login limit.
const perIP = 50

func newLoginRequests(username string) *loginRequests {
	return &loginRequests{body: fixture.LoginBody(username)}
}

// next returns the next login request.
func (l *loginRequests) next() *http.Request {
	ip := l.n / perIP
	l.n++
	r := httptest.NewRequest(http.MethodPost, fixture.LoginPath, io.NopCloser(strings.NewReader(l.body)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Accept", "application/json")
	r.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:40000", ip>>16&0xff, ip>>8&0xff, ip&0xff)
	return r
}
