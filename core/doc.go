// Package core is the framework-agnostic heart of restauth: REST authentication
// for Go web apps, wire-compatible with Django's dj-rest-auth.
//
// It holds the configuration ([Config]), the user model ([User]), the storage
// contract ([Store]), the authenticators that turn a request into a user
// ([Authenticator]), and the HTTP protocol layer: one [http.Handler] per
// endpoint, written once on net/http types and mounted by the framework
// adapters (ginauth, echoauth) or directly with [Auth.Handler].
//
// Where things happen:
//
//   - login:           handler_login.go
//   - logout:          handler_logout.go
//   - user details:    handler_user.go
//   - Token header:    auth_token.go
//   - request bodies:  request.go, form.go
//   - error bodies:    errors.go, messages.go
//   - storage contract: store.go
//
// core never imports a web framework, sqlx or a database driver.
package core
