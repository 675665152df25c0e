// Package memstore is an in-memory core.Store and core.RefreshStore for
// tests and examples, and an in-memory server-side gorilla/sessions Store
// (SessionStore) for tests and single-instance deployments.
//
// It is safe for concurrent use and exactly as strict as the SQL stores:
// uniqueness on the canonical username and email keys, times in UTC cut to
// microseconds, the same value limits (refresh IDs at most 64 characters,
// never empty), and copies in and out. A refresh rotation is decided and
// written under the store's mutex, so of concurrent rotations of one token
// exactly one succeeds. Writes that revoke or alter a login append to a
// change feed (core.ChangeFeed, core.ChangeNotifier) under the same lock.
// It passes the conformance suite in core/storetest,
// and SessionStore passes its session suite (storetest.RunSessionStore).
// Nothing is persisted.
package memstore
