// Package ginauth mounts restauth on a Gin router.
//
// restauth is REST authentication wire-compatible with Django's
// dj-rest-auth: single-page and mobile clients written for dj-rest-auth
// work unchanged. All of the protocol (request decoding, credential checks,
// response bodies and status codes) lives in package core; this package
// only maps it onto Gin:
//
//   - [Register] builds the core service and mounts its endpoints
//     (login/, logout/, user/, ...) under Config.Prefix on a *gin.Engine
//     or *gin.RouterGroup, with and without the trailing slash and
//     without redirects; other paths under the prefix answer
//     404 {"detail":"Not found."};
//   - [Auth.RequireUser] and [Auth.Authenticate] are middleware that
//     protect the application's own routes;
//   - [User] and [Principal] read the authenticated caller in a handler.
//
// Errors are answered in dj-rest-auth's JSON shape by core before the
// middleware aborts the chain, so Gin's error handling never sees them.
package ginauth
