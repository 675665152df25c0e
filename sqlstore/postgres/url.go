package postgres

import (
	"errors"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/restauth/restauth/sqlstore/internal/redact"
)

// parseURL parses a postgres:// or postgresql:// URL with pgx. Its errors
// never contain the password.
func parseURL(raw string) (*pgx.ConnConfig, error) {
	scheme, _, _ := strings.Cut(raw, "://")
	if !strings.EqualFold(scheme, "postgres") && !strings.EqualFold(scheme, "postgresql") {
		// Not a URL: a keyword/value DSN's password would not be masked.
		return nil, errors.New("sqlstore: invalid postgres URL: want postgres://… or postgresql://…")
	}
	// pgx knows the schemes in lower case only, and reads anything else
	// as a keyword/value DSN.
	raw = strings.ToLower(scheme) + raw[len(scheme):]
	r := redact.FromURL(raw)
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		if _, uerr := url.Parse(raw); uerr != nil {
			// The password's extent is unknown: quote nothing.
			return nil, redact.Malformed("postgres")
		}
		return nil, r.Wrap("sqlstore: invalid postgres URL", err)
	}
	return cfg, nil
}
