// Package bench holds restauth's performance harness: Go benchmarks of the
// per-request hot paths through the Gin and Echo adapters (the
// *_bench_test.go files of this package) and, in cmd/loadtest, a load
// generator that drives separate server processes over loopback.
//
// bench is a module of the workspace; from the repository root,
//
//	go run ./bench/cmd/loadtest -rounds 3                  # the load test behind BENCHMARKS.md, about 9 minutes
//	go run ./bench/cmd/loadtest -duration 1s -warmup 200ms # every scenario once, under a minute: a check that it runs
//	go test -run x -bench . -benchmem ./bench/...          # the in-process Go benchmarks, about 2 minutes
//
// (from bench/ itself, drop the ./bench prefix). The load test's
// PostgreSQL rows run when -postgres, RESTAUTH_BENCH_POSTGRES_URL or
// RESTAUTH_TEST_POSTGRES_URL names a database on this machine, and the
// Redis session row when -redis, RESTAUTH_BENCH_REDIS_URL or
// RESTAUTH_TEST_REDIS_URL names a Redis server on it. A plain
// `go test ./bench/...` starts no load: it compiles the benchmarks, checks
// once that every benchmarked app answers as expected (the peers
// included) and holds the middleware to its allocation budget.
//
// The JWT rows are compared with the peer of their framework, on the same
// route and JSON: github.com/appleboy/gin-jwt/v2 on Gin and
// github.com/labstack/echo-jwt/v4 on Echo (fixture.ModePeerJWT), in the
// load test ("gin-jwt (peer)", "echo-jwt (peer)") and in the Go benchmarks
// (BenchmarkRoute/gin/gin-jwt, BenchmarkRoute/echo/echo-jwt and the
// paired BenchmarkTarget/peer/...).
//
// BENCHMARKS.md at the repository root describes what is measured and
// against which baselines, and records the latest results and verdicts;
// NOTES.md in this directory keeps the profiling findings (F1–F16) behind
// the code and the earlier runs.
package bench
