// Package bench holds restauth's performance harness: Go benchmarks of the
// per-request hot paths through the Gin and Echo adapters (the
// *_bench_test.go files of this package) and, in cmd/loadtest, a load
// generator that drives separate server processes over loopback.
//
// Run the benchmarks with
//
//	go test -run x -bench . -benchmem ./...
//
// and the load test with
//
//	go run ./cmd/loadtest
//
// A plain `go test ./...` only compiles the benchmarks and runs the fast
// sanity tests: nothing here starts load. BENCHMARKS.md at the repository
// root records the method, the machine and the latest results.
package bench
