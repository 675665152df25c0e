package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
)

// Schema names the table layout a database is used with.
type Schema string

const (
	// SchemaRestauth is restauth's own restauth_* tables (Open). It is
	// the default.
	SchemaRestauth Schema = "restauth"
	// SchemaDjango is an existing Django project's own tables, shared
	// with the Django application (OpenDjango).
	SchemaDjango Schema = "django"
)

// SessionStorage is a server-side session store of this package:
// SessionStore on restauth's tables, DjangoSessionStore on Django's.
type SessionStorage interface {
	sessions.Store
	// Cleanup deletes the expired sessions and reports how many.
	Cleanup(ctx context.Context) (int, error)
	// StartCleanup runs Cleanup every interval on a goroutine until stop
	// is called.
	StartCleanup(interval time.Duration) (stop func())
}

var (
	_ SessionStorage = (*SessionStore)(nil)
	_ SessionStorage = (*DjangoSessionStore)(nil)
)

// Database is a database opened with a schema chosen at run time (a
// server reading RESTAUTH_DATABASE_SCHEMA), with what a server wires from
// it into core.Config.
type Database struct {
	// Store is the core.Store: a *Store or a *DjangoStore.
	Store core.Store
	// Sessions keeps server-side sessions in the same database.
	Sessions SessionStorage
	// Throttle keeps rate-limit counters in the same database.
	Throttle *ThrottleStore

	close func() error
}

// OpenDatabase opens url with schema: SchemaRestauth (or "") is Open, and
// SchemaDjango is OpenDjango with django (its SecretKey is required;
// ignored otherwise). The caller closes the Database.
func OpenDatabase(ctx context.Context, url string, schema Schema, django DjangoConfig, drivers ...Driver) (*Database, error) {
	switch schema {
	case "", SchemaRestauth:
		s, err := Open(ctx, url, drivers...)
		if err != nil {
			return nil, err
		}
		return &Database{Store: s, Sessions: s.SessionStore(), Throttle: s.ThrottleStore(), close: s.Close}, nil
	case SchemaDjango:
		d, err := OpenDjango(ctx, url, django, drivers...)
		if err != nil {
			return nil, err
		}
		return &Database{Store: d, Sessions: d.SessionStore(), Throttle: d.ThrottleStore(), close: d.Close}, nil
	}
	return nil, fmt.Errorf("sqlstore: unknown schema %q: want %q or %q", schema, SchemaRestauth, SchemaDjango)
}

// Close closes the database.
func (d *Database) Close() error { return d.close() }
