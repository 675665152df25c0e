package main

import (
	"time"

	"github.com/restauth/restauth/bench/internal/fixture"
)

// scenario is one row of the report: GET path on a server, at the
// configured concurrency, with the bench user's credential when auth is
// set.
type scenario struct {
	name   string
	server string
	path   string
	auth   bool
	// credentialOf names another server whose bench user's credential
	// this row sends although its own server ignores it: a bare handler
	// given the very request bytes of an authenticated row, so that the
	// server's cost of reading a longer request (net/http's, not
	// restauth's) is in both sides of the ratio.
	credentialOf string
	// baseline names the scenario this one's throughput is divided by,
	// and target the minimum ratio, when there is one. sameRequest names
	// a second baseline, a bare row sending this row's request bytes
	// (see credentialOf); the target is judged against both.
	baseline    string
	sameRequest string
	target      float64
	note        string
}

// getScenarios are the closed-loop GET rows, in report order. Bare
// handlers first: they are the limits the others are compared with.
var getScenarios = []scenario{
	{name: "gin bare", server: "gin-bare", path: fixture.HelloPath, note: "the limit"},
	{name: "gin bare + JWT header", server: "gin-bare", path: fixture.HelloPath, credentialOf: "gin-jwt", note: "the limit, sent the JWT row's request"},
	{name: "gin jwt HS256 bearer", server: "gin-jwt", path: fixture.HelloPath, auth: true, baseline: "gin bare", sameRequest: "gin bare + JWT header", target: 0.90},
	{name: "gin jwt HS256, no cache", server: "gin-jwt-nocache", path: fixture.HelloPath, auth: true, baseline: "gin bare", sameRequest: "gin bare + JWT header"},
	{name: "gin jwt HS256 cookie", server: "gin-jwt-cookie", path: fixture.HelloPath, auth: true, baseline: "gin bare"},
	{name: "gin jwt EdDSA bearer", server: "gin-jwt-eddsa", path: fixture.HelloPath, auth: true, baseline: "gin bare"},
	{name: "gin jwt stateless", server: "gin-jwt-stateless", path: fixture.HelloPath, auth: true, baseline: "gin bare"},
	{name: "gin jwt on sqlite", server: "gin-jwt-sqlite", path: fixture.HelloPath, auth: true, baseline: "gin bare"},
	{name: "gin token", server: "gin-token", path: fixture.HelloPath, auth: true, baseline: "gin bare"},
	{name: "gin session", server: "gin-session", path: fixture.HelloPath, auth: true, baseline: "gin bare"},
	{name: "echo bare", server: "echo-bare", path: fixture.HelloPath, note: "the limit"},
	{name: "echo bare + JWT header", server: "echo-bare", path: fixture.HelloPath, credentialOf: "echo-jwt", note: "the limit, sent the JWT row's request"},
	{name: "echo jwt HS256 bearer", server: "echo-jwt", path: fixture.HelloPath, auth: true, baseline: "echo bare", sameRequest: "echo bare + JWT header", target: 0.90},
	{name: "echo jwt HS256, no cache", server: "echo-jwt-nocache", path: fixture.HelloPath, auth: true, baseline: "echo bare", sameRequest: "echo bare + JWT header"},
	{name: "echo token", server: "echo-token", path: fixture.HelloPath, auth: true, baseline: "echo bare"},
	{name: "echo session", server: "echo-session", path: fixture.HelloPath, auth: true, baseline: "echo bare"},
	{name: "sqlite bare 1-row query", server: "gin-query-sqlite", path: fixture.QueryPath, note: "baseline of user/"},
	{name: "sqlite GET user/ (token)", server: "gin-token-sqlite", path: fixture.UserPath, auth: true, baseline: "sqlite bare 1-row query", target: 0.80},
	{name: "postgres bare 1-row query", server: "gin-query-postgres", path: fixture.QueryPath, note: "baseline of user/"},
	{name: "postgres GET user/ (token)", server: "gin-token-postgres", path: fixture.UserPath, auth: true, baseline: "postgres bare 1-row query"},
}

// loginServer serves the login-latency and flood scenarios: token mode
// on SQLite at production password cost.
const loginServer = "gin-login"

// loginScenarioName and floodScenarioName name the two special rows
// (selected with -run like the others).
const (
	loginScenarioName = "login latency vs one hash"
	floodScenarioName = "login flood"
)

// loginTarget and the flood targets.
const (
	loginTarget      = 1.10                  // login p50 ≤ 1.1 × hash p50
	floodRSSTarget   = 512 << 20             // peak RSS of the server
	floodP99Target   = 50 * time.Millisecond // authenticated GET user/ during the flood
	throttlePerIPUse = 50                    // logins per source address (restauth throttles per IP)
)
