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
	// bareTarget is a minimum ratio to the bare handler of the row's
	// framework (see bareRow) when that is not the baseline (user/).
	bareTarget float64
	// peer names the row of the framework's peer library (gin-jwt,
	// echo-jwt) a JWT row is also divided by; peerTarget, if set, is the
	// minimum ratio to it (1: at least as fast as the peer).
	peer       string
	peerTarget float64
	// instances, when above 1, serves the row from that many processes
	// of server sharing one database (and SECRET_KEY, and Redis
	// sessions): the load generator spreads its connections over them
	// round-robin, as a load balancer in front of several instances would,
	// and the row's server CPU is theirs summed.
	instances int
	note      string
}

// Names of the rows other rows are compared with.
const (
	ginBare  = "gin bare"
	echoBare = "echo bare"
	ginPeer  = "gin-jwt (peer)"
	echoPeer = "echo-jwt (peer)"
)

// bareRow names the bare handler of sc's framework: the limit every row
// of the "ratios" table is divided by.
func bareRow(sc scenario) string {
	if servers[sc.server].Framework == fixture.Echo {
		return echoBare
	}
	return ginBare
}

// comparison is one ratio of a row: its throughput over base's, with the
// minimum (0: none).
type comparison struct {
	base   string
	target float64
}

// comparisons lists the ratios a row is reported with, in order: the
// baseline, the bare handler sent the same request, the framework's bare
// handler when it is not the baseline but a target is set against it, and
// the peer.
func (sc scenario) comparisons() []comparison {
	var cs []comparison
	if sc.baseline != "" {
		cs = append(cs, comparison{sc.baseline, sc.target})
	}
	if sc.sameRequest != "" {
		cs = append(cs, comparison{sc.sameRequest, sc.target})
	}
	if bare := bareRow(sc); sc.bareTarget > 0 && bare != sc.baseline {
		cs = append(cs, comparison{bare, sc.bareTarget})
	}
	if sc.peer != "" {
		cs = append(cs, comparison{sc.peer, sc.peerTarget})
	}
	return cs
}

// Targets of issue 17 for restauth's default JWT mode on SQLite: the
// protected route at 0.85× the bare handler and ahead of the peer, user/
// at 0.75× the bare handler.
const (
	sqliteJWTTarget  = 0.85
	sqliteUserTarget = 0.75
	aheadOfPeer      = 1.00
)

// getScenarios are the closed-loop GET rows, in report order. Bare
// handlers first: they are the limits the others are compared with.
var getScenarios = []scenario{
	{name: ginBare, server: "gin-bare", path: fixture.HelloPath, note: "the limit"},
	{name: "gin bare + JWT header", server: "gin-bare", path: fixture.HelloPath, credentialOf: "gin-jwt", note: "the limit, sent the JWT row's request"},
	{name: ginPeer, server: "gin-peer-jwt", path: fixture.HelloPath, auth: true, baseline: ginBare, note: "appleboy/gin-jwt v2, HS256 bearer, no store"},
	{name: "gin jwt HS256 bearer", server: "gin-jwt", path: fixture.HelloPath, auth: true, baseline: ginBare, sameRequest: "gin bare + JWT header", target: 0.90, peer: ginPeer},
	{name: "gin jwt HS256, no cache", server: "gin-jwt-nocache", path: fixture.HelloPath, auth: true, baseline: ginBare, sameRequest: "gin bare + JWT header", peer: ginPeer},
	{name: "gin jwt HS256 cookie", server: "gin-jwt-cookie", path: fixture.HelloPath, auth: true, baseline: ginBare, peer: ginPeer},
	{name: "gin jwt EdDSA bearer", server: "gin-jwt-eddsa", path: fixture.HelloPath, auth: true, baseline: ginBare, peer: ginPeer},
	{name: "gin jwt stateless", server: "gin-jwt-stateless", path: fixture.HelloPath, auth: true, baseline: ginBare, peer: ginPeer},
	{name: "gin jwt on sqlite", server: "gin-jwt-sqlite", path: fixture.HelloPath, auth: true, baseline: ginBare, target: sqliteJWTTarget, peer: ginPeer, peerTarget: aheadOfPeer},
	{name: "gin jwt on postgres", server: "gin-jwt-postgres", path: fixture.HelloPath, auth: true, baseline: ginBare, peer: ginPeer},
	{name: "gin jwt on sqlite, 2 instances", server: "gin-jwt-sqlite", instances: 2, path: fixture.HelloPath, auth: true, baseline: ginBare, peer: ginPeer},
	{name: "gin jwt on postgres, 2 instances", server: "gin-jwt-postgres", instances: 2, path: fixture.HelloPath, auth: true, baseline: ginBare, peer: ginPeer},
	{name: "gin token", server: "gin-token", path: fixture.HelloPath, auth: true, baseline: ginBare},
	{name: "gin token on sqlite", server: "gin-token-sqlite", path: fixture.HelloPath, auth: true, baseline: ginBare},
	{name: "gin session", server: "gin-session", path: fixture.HelloPath, auth: true, baseline: ginBare},
	{name: "gin session on sqlite", server: "gin-session-sqlite", path: fixture.HelloPath, auth: true, baseline: ginBare, peer: ginPeer},
	{name: "gin session on redis", server: "gin-session-redis", path: fixture.HelloPath, auth: true, baseline: ginBare, peer: ginPeer},
	{name: echoBare, server: "echo-bare", path: fixture.HelloPath, note: "the limit"},
	{name: "echo bare + JWT header", server: "echo-bare", path: fixture.HelloPath, credentialOf: "echo-jwt", note: "the limit, sent the JWT row's request"},
	{name: echoPeer, server: "echo-peer-jwt", path: fixture.HelloPath, auth: true, baseline: echoBare, note: "labstack/echo-jwt v4, HS256 bearer, no store"},
	{name: "echo jwt HS256 bearer", server: "echo-jwt", path: fixture.HelloPath, auth: true, baseline: echoBare, sameRequest: "echo bare + JWT header", target: 0.90, peer: echoPeer},
	{name: "echo jwt HS256, no cache", server: "echo-jwt-nocache", path: fixture.HelloPath, auth: true, baseline: echoBare, sameRequest: "echo bare + JWT header", peer: echoPeer},
	{name: "echo jwt on sqlite", server: "echo-jwt-sqlite", path: fixture.HelloPath, auth: true, baseline: echoBare, target: sqliteJWTTarget, peer: echoPeer, peerTarget: aheadOfPeer},
	{name: "echo token", server: "echo-token", path: fixture.HelloPath, auth: true, baseline: echoBare},
	{name: "echo session", server: "echo-session", path: fixture.HelloPath, auth: true, baseline: echoBare},
	{name: "sqlite bare 1-row query", server: "gin-query-sqlite", path: fixture.QueryPath, note: "baseline of user/"},
	{name: "sqlite GET user/ (token)", server: "gin-token-sqlite", path: fixture.UserPath, auth: true, baseline: "sqlite bare 1-row query", target: 0.80, bareTarget: sqliteUserTarget},
	{name: "sqlite GET user/ (jwt)", server: "gin-jwt-sqlite", path: fixture.UserPath, auth: true, baseline: "sqlite bare 1-row query", bareTarget: sqliteUserTarget},
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
