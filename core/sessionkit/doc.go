// Package sessionkit holds what every restauth server-side session store
// shares: Django-shaped session IDs (32 characters from [a-z0-9], read from
// the request cookie only when well formed) and the gob encoding of session
// values with a size cap. memstore and sqlstore build on it; a third-party
// store can too.
package sessionkit
