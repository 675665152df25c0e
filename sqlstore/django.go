package sqlstore

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/sqlstore/internal/redact"
)

// DefaultDjangoSessionBackend is the _auth_user_backend that sessions
// restauth creates in a Django database name (Django ignores a session
// whose backend is not in its AUTHENTICATION_BACKENDS).
const DefaultDjangoSessionBackend = "django.contrib.auth.backends.ModelBackend"

// DjangoConfig configures a DjangoStore: what must match the Django
// project whose database restauth shares.
type DjangoConfig struct {
	// SecretKey is the Django project's SECRET_KEY, as bytes. Required:
	// it signs session data (django_session) and the session auth hash,
	// exactly as Django does, so that either side reads the other's
	// sessions. Give core.Config.SecretKey the same value, so that
	// password-reset and email-confirmation links are accepted by both.
	SecretKey []byte
	// SessionBackend is the _auth_user_backend written into the sessions
	// restauth creates. It must be listed in the project's
	// AUTHENTICATION_BACKENDS. Default DefaultDjangoSessionBackend.
	SessionBackend string
}

// DjangoStore is a core.Store on an existing Django project's database:
// it reads and writes Django's own tables (auth_user, authtoken_token,
// account_emailaddress, token_blacklist_outstandingtoken and
// token_blacklist_blacklistedtoken, django_session) and never creates or
// alters them. What Django has no table for (refresh families, rate-limit
// counters) lives in restauth's own restauth_-prefixed tables, created by
// its own migrations (DjangoMigrations). docs/django.md describes every
// difference from restauth's own schema.
//
// It is safe for concurrent use. Build it with OpenDjango.
type DjangoStore struct {
	s   *Store // the connection, dialect, statements and helpers
	cfg DjangoConfig
	q   djangoQueries
}

var _ core.Store = (*DjangoStore)(nil)

// OpenDjango connects to the Django database at url (the URL forms are
// Open's), checks that Django's tables exist with the columns restauth
// uses, refusing with an error that names what is missing, and applies
// restauth's own migrations for the Django schema. It never creates or
// alters a Django table.
func OpenDjango(ctx context.Context, url string, cfg DjangoConfig, drivers ...Driver) (*DjangoStore, error) {
	if len(cfg.SecretKey) == 0 {
		return nil, errors.New("sqlstore: OpenDjango: DjangoConfig.SecretKey (Django's SECRET_KEY) is required")
	}
	if cfg.SessionBackend == "" {
		cfg.SessionBackend = DefaultDjangoSessionBackend
	}
	s, err := Connect(ctx, url, drivers...)
	if err != nil {
		return nil, err
	}
	d := &DjangoStore{s: s, cfg: cfg, q: newDjangoQueries(s.dialect)}
	if err := d.CheckDjangoTables(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		s.Close()
		return nil, redact.FromURL(url).Wrap("sqlstore: open django", err)
	}
	return d, nil
}

// DB returns the underlying pool.
func (d *DjangoStore) DB() *sqlx.DB { return d.s.db }

// Dialect returns the database's dialect.
func (d *DjangoStore) Dialect() Dialect { return d.s.dialect }

// Close closes the pool.
func (d *DjangoStore) Close() error { return d.s.Close() }

// ThrottleStore returns a core.ThrottleStore on restauth's own
// restauth_throttle table in the Django database.
func (d *DjangoStore) ThrottleStore() *ThrottleStore { return d.s.ThrottleStore() }
