// Package ginauth mounts restauth on a Gin router.
//
// restauth is REST authentication wire-compatible with Django's
// dj-rest-auth: single-page and mobile clients written for dj-rest-auth
// work unchanged. All of the protocol (request decoding, credential checks,
// response bodies and status codes) lives in package core; this package
// only maps it onto Gin. The pieces fit together like this:
//
//   - [Register] validates a core.Config, builds the core service and
//     mounts its endpoints (login/, logout/, user/, and the token,
//     registration and password-reset ones the configuration enables)
//     under Config.Prefix on a *gin.Engine or *gin.RouterGroup. [New] and
//     [Auth.Mount] do the same in two steps for a core service the
//     application built itself, e.g. to share it with a net/http mux.
//   - Each endpoint is registered for the methods it serves (its Allow
//     header), with and without the trailing slash, so Gin never redirects
//     it; fallback routes under the prefix answer other methods with 405
//     and the endpoint's Allow header, and unknown paths with
//     404 {"detail":"Not found."}. Application routes under the same
//     prefix keep precedence.
//   - [Auth.RequireUser] and [Auth.OptionalUser] are middleware for the
//     application's own routes. Clients authenticate with what the
//     endpoints gave them: "Authorization: Token <key>", the JWT cookie or
//     bearer token, or the session cookie, as Config.Methods allows.
//     RequireUser rejects anonymous callers; OptionalUser lets them
//     through. Both reject invalid credentials, as DRF does.
//   - [Auth.RequireStaff] and [Auth.Require] also require the caller to
//     be staff, or to satisfy a predicate, as DRF's IsAdminUser and
//     permission classes do: a refused caller gets 403.
//   - [User] and [Principal] read the authenticated caller in a handler
//     (also on a c.Copy() handed to a goroutine); core.UserFrom reads it
//     from c.Request.Context().
//   - [Auth.Core] gives the core service, for account management
//     (CreateUser, Deactivate, SetUserPassword) and per-route method sets
//     (core's WithMethods, wrapped again with [New]).
//
// Rejections (401 with WWW-Authenticate or 403, 503 with Retry-After when
// a store fails) are written by core in dj-rest-auth's JSON shape before
// the middleware aborts the chain, so Gin's error handling never sees
// them; they are the same bytes as core's net/http middleware writes.
package ginauth
