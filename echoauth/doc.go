// Package echoauth mounts restauth on an Echo v4 router.
//
// restauth is REST authentication wire-compatible with Django's
// dj-rest-auth: single-page and mobile clients written for dj-rest-auth
// work unchanged. All of the protocol (request decoding, credential checks,
// response bodies and status codes) lives in package core; this package
// only maps it onto Echo, in Echo's conventions. The pieces fit together
// like this:
//
//   - [Register] validates a core.Config, builds the core service and
//     mounts its endpoints (login/, logout/, user/, and the token,
//     registration and password-reset ones the configuration enables)
//     under Config.Prefix on an *echo.Echo or *echo.Group, with and
//     without the trailing slash and without redirects; other paths under
//     the prefix answer 404 {"detail":"Not found."}. [New] and
//     [Auth.Mount] do the same in two steps for a core service the
//     application built itself.
//   - [Auth.RequireUser] and [Auth.OptionalUser] are middleware for the
//     application's own routes. Clients authenticate with what the
//     endpoints gave them: "Authorization: Token <key>", the JWT cookie or
//     bearer token, or the session cookie, as Config.Methods allows.
//     RequireUser rejects anonymous callers; OptionalUser lets them
//     through. Both reject invalid credentials, as DRF does.
//   - [Auth.RequireStaff] and [Auth.Require] also require the caller to
//     be staff, or to satisfy a predicate, as DRF's IsAdminUser and
//     permission classes do: a refused caller gets 403.
//   - [Auth.MiddlewareWithConfig] builds any of them with a
//     [middleware.Skipper], like Echo's own middleware, and an
//     ErrorHandler (see [MiddlewareConfig]).
//   - [User] and [Principal] read the authenticated caller in a handler;
//     core.UserFrom reads it from c.Request().Context().
//   - [Auth.Core] gives the core service, for account management
//     (CreateUser, Deactivate, SetUserPassword) and per-route method sets
//     (core's WithMethods, wrapped again with [New]).
//
// By default a rejection (401 with WWW-Authenticate or 403, 503 with
// Retry-After when a store fails) is written by core in dj-rest-auth's
// JSON shape, the same bytes as core's net/http middleware writes, and the
// middleware returns nil, so Echo's HTTPErrorHandler never sees it. An
// application that renders its errors itself sets
// MiddlewareConfig.ErrorHandler: it receives the rejection as an
// *echo.HTTPError wrapping the *core.Error core would have written (the
// status, dj-rest-auth's body as its JSON encoding, and the headers,
// already set on the response) and returns it to Echo's HTTPErrorHandler
// or answers itself. The auth endpoints always answer themselves.
package echoauth
