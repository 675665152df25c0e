// Package memstore is an in-memory core.Store for tests and examples.
//
// It is safe for concurrent use and exactly as strict as the SQL stores:
// uniqueness on the canonical username and email keys, times in UTC cut to
// microseconds, the same value limits, and copies in and out. It passes the
// conformance suite in core/storetest. Nothing is persisted.
package memstore
