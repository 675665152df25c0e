// Package core is the framework-agnostic heart of restauth: REST
// authentication for Go web apps, wire-compatible with Django's
// dj-rest-auth, so that a SPA or mobile client written for dj-rest-auth
// works unchanged against a Go server.
//
// # How the pieces fit
//
// An application builds one [Auth] with [New] from a [Config]. The only
// required field is [Config.Store], which persists users and credentials:
// sqlstore (SQLite, PostgreSQL, MySQL) in production, core/memstore in
// tests, or any type that implements [Store]. Everything else has a
// documented default, and New refuses an invalid or unsafe configuration
// with an error instead of starting.
//
// The Auth serves two things:
//
//   - the endpoints (login, logout, user details, password change and
//     reset, registration, token refresh …) under [Config.Prefix], as
//     net/http handlers: mount [Auth.Handler] on a mux, or let an adapter
//     (ginauth, echoauth) mount [Auth.Routes] on a router;
//   - middleware for the application's own routes: [Auth.RequireUser]
//     rejects anonymous callers, [Auth.OptionalUser] lets them through;
//     both reject invalid credentials. [Auth.Guard] and [Auth.Check] are
//     the same decision for adapters. A handler behind them reads the
//     caller with [UserFrom] or [PrincipalFrom].
//
// Requests authenticate with the methods of [Config.Methods], tried in
// order like DRF's authentication classes: DB tokens ([MethodToken],
// "Authorization: Token <key>"), SimpleJWT-compatible JWTs ([MethodJWT],
// Bearer or HttpOnly cookies, see [JWTConfig]) and server-side sessions
// with Django's CSRF rules ([MethodSession], see [SessionConfig]). The
// first method decides whether an anonymous request gets 401 with its
// challenge or 403.
//
// Account flows that send mail (password reset, email verification) are
// configured in [AccountConfig]; rate limits, the client IP behind
// proxies and the device cookies that keep the per-account lock from
// being turned against an account's owner in [ThrottleConfig].
// Passwords are hashed in Django's formats by core/password.
//
// Accounts can be managed from code as well: [Auth.CreateUser],
// [Auth.SetUserPassword], [Auth.Deactivate], [Auth.RevokeCredentials].
//
// # Answers
//
// Every answer uses dj-rest-auth's shapes and texts: {"detail": …},
// field-keyed lists, {"non_field_errors": […]} and SimpleJWT's
// {"detail","code","messages"}. An application that adds its own
// endpoints can answer in the same dialect with [DecodeBody], [NewForm],
// [Error] and [WriteJSON]. A failing store is answered 503 with
// Retry-After, never treated as an anonymous request.
//
// # Store authors
//
// The contract is [Store] and its optional capabilities, found by type
// assertion: [RefreshStore] (JWT refresh tokens), [LoginTokenStore] (a
// token login in one write) and [ThrottleStore] (rate-limit counters).
// Their doc comments state the edge semantics; core/storekit holds the
// checks every store applies, and core/storetest and core/authtest are the
// conformance suites a store must pass.
//
// core never imports a web framework, sqlx or a database driver.
package core
