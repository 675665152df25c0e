package bench

import (
	"net/http"
	"testing"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// TestAppsAnswer checks, once per set-up and without any load, that every
// App the benchmarks measure answers as the benchmarks expect: the bare
// route and the query baseline 200, each protected route 200 with the
// login's credential and 401/403 without, user/ 200 with the bench
// user's details. It keeps `go test` fast and the benchmarks honest.
func TestAppsAnswer(t *testing.T) {
	for _, f := range frameworks {
		t.Run(string(f), func(t *testing.T) {
			serve(t, build(t, fixture.Spec{Framework: f, Mode: fixture.ModeBare}).Handler,
				authedGET(fixture.HelloPath, fixture.Credential{}), http.StatusOK)
			serve(t, build(t, fixture.Spec{Framework: f, Mode: fixture.ModeQuery, Store: fixture.SQLite}).Handler,
				authedGET(fixture.QueryPath, fixture.Credential{}), http.StatusOK)
			for _, m := range routeModes {
				for _, st := range stores {
					s := m
					s.Framework, s.Store = f, st
					t.Run(s.String(), func(t *testing.T) {
						app := build(t, s)
						cred := login(t, app)
						serve(t, app.Handler, authedGET(fixture.HelloPath, cred), http.StatusOK)
						serve(t, app.Handler, authedGET(fixture.UserPath, cred), http.StatusOK)
						denied := http.StatusUnauthorized
						if s.Mode == fixture.ModeSession {
							denied = http.StatusForbidden // no challenge: DRF's 403
						}
						serve(t, app.Handler, authedGET(fixture.HelloPath, fixture.Credential{}), denied)
					})
				}
			}
		})
	}
}
