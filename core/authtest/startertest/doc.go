// Package startertest checks a restauth starter (an example server, or an
// application built like one) end to end, as its users meet it: through
// the RESTAUTH_* environment, its management commands and real HTTP,
// playing clients written for dj-rest-auth against it in every mode.
//
// A starter's test calls [Run] with its run function; tests that need the
// server itself call [Start]. The account flows ([TokenClientFlow],
// [JWTClientFlow], [SessionClientFlow], [AccountsClientFlow]) work against
// any running server.
//
// The adapter and store conformance suites are in the parent package,
// core/authtest.
package startertest
