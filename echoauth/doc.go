// Package echoauth mounts restauth on an Echo v4 router.
//
// restauth is REST authentication wire-compatible with Django's
// dj-rest-auth: single-page and mobile clients written for dj-rest-auth
// work unchanged. All of the protocol (request decoding, credential checks,
// response bodies and status codes) lives in package core; this package
// only maps it onto Echo, in Echo's conventions:
//
//   - [Register] builds the core service and mounts its endpoints
//     (login/, logout/, user/, ...) under Config.Prefix on an *echo.Echo or
//     *echo.Group, with and without the trailing slash and without
//     redirects; other paths under the prefix answer
//     404 {"detail":"Not found."};
//   - [Auth.Middleware] and [Auth.MiddlewareWithConfig] protect the
//     application's own routes, with a [middleware.Skipper] like Echo's
//     own middleware;
//   - [User] and [Principal] read the authenticated caller in a handler.
//
// Rejections are written by core in dj-rest-auth's JSON shape, so the
// middleware returns nil rather than an *echo.HTTPError and Echo's
// HTTPErrorHandler never rewrites them.
package echoauth
