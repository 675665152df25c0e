package sqlstore

import (
	"net/url"

	"github.com/jackc/pgx/v5"
)

// parsePostgresURL parses a postgres:// or postgresql:// URL with pgx, so
// every libpq parameter pgx knows works (sslmode, connect_timeout, …);
// unknown query parameters become run-time parameters, e.g.
// search_path=app.
func parsePostgresURL(raw string) (*target, error) {
	t := &target{dialect: Postgres}
	t.redact.addFromURL(raw)
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		if _, uerr := url.Parse(raw); uerr != nil {
			// The password's extent is unknown: quote nothing.
			return nil, errMalformedURL("postgres")
		}
		return nil, t.redact.wrap("sqlstore: invalid postgres URL", err)
	}
	t.redact.add(cfg.Password)
	t.pgConfig = cfg
	return t, nil
}
