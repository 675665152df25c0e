//go:build !race

package password

// katFull: see kat_test.go.
const katFull = true
