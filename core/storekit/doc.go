// Package storekit holds what store implementations share: the checks
// every store applies before it writes or looks up a value, so that all
// stores refuse and find exactly the same values whatever their database,
// and the token digest core stores.
//
// An application never needs this package; the author of a core.Store (a
// new database, a cache in front of one) does. The contract itself, with
// its edge semantics, is core.Store and its optional capabilities; the
// conformance suites core/storetest and core/authtest check a store
// against it.
package storekit
