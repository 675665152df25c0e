// Package sessionkit holds what every restauth server-side session store
// shares: Django-shaped session IDs (32 characters from [a-z0-9], read from
// the request cookie only when well formed), the encoding of session
// values with a size cap, and Engine, the gorilla/sessions Get/New/Save
// and cleanup logic over a Backend that only stores bytes. memstore and
// sqlstore are Backends; a third-party store can be one too.
package sessionkit
