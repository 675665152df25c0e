// Package authtest is the HTTP conformance suite of restauth: one set of
// wire-level checks (statuses, exact body bytes, headers) that every way of
// serving restauth must pass, so that the Gin adapter, the Echo adapter and
// a plain net/http mount behave identically and stay compatible with
// dj-rest-auth clients.
//
// An adapter provides a [Server] that mounts restauth and two application
// routes behind its middleware, then calls [Run] from a test:
//
//	func TestConformance(t *testing.T) {
//		authtest.Run(t, func(t *testing.T, cfg core.Config) (http.Handler, *core.Auth) {
//			e := gin.New()
//			a, err := ginauth.Register(e, cfg)
//			if err != nil {
//				t.Fatal(err)
//			}
//			// ... app routes, see Server ...
//			return e, a.Core()
//		})
//	}
//
// Stores run the same suite on their backend with [RunWithStore].
//
// Every request goes through a real HTTP server (httptest.NewServer); each
// top-level group of cases gets a fresh store and server. Hashing uses
// cheap argon2 parameters, so the suite runs in seconds.
//
// Every exchange is also held to the OpenAPI document the server under
// test serves at <prefix>openapi.json (package openapicheck): the path,
// method, status, body, required headers and cookies of each answer must
// be ones the document describes, and a request it calls invalid must be
// refused with a 4xx.
package authtest
