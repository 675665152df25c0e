module example.com/outoftree

go 1.26.0

// Only restauth's modules, by the version a user would get: the framework
// and every other dependency come from what they require (go mod tidy).
require (
	github.com/restauth/restauth v0.1.0
	github.com/restauth/restauth/echoauth v0.1.0
	github.com/restauth/restauth/ginauth v0.1.0
)
