package postgres

import "github.com/jackc/pgx/v5"

// ParseURL exposes parseURL to the tests of package postgres_test.
func ParseURL(raw string) (*pgx.ConnConfig, error) { return parseURL(raw) }
