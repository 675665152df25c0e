-- restauth's own tables in a Django database, version 1 (SQLite):
-- rate-limit counters (ThrottleStore). The same table as the native
-- schema's 0004_throttle.sql, so sqlstore.ThrottleStore runs unchanged.
-- Times are INTEGER microseconds since the Unix epoch, UTC.
--
-- Migrations in this directory create restauth_-prefixed tables only and
-- never touch Django's; their versions are recorded in
-- restauth_django_migrations.

-- +goose Up
CREATE TABLE restauth_throttle (
    name          TEXT    NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 128),
    window_start INTEGER NOT NULL,
    expires      INTEGER NOT NULL,
    count        INTEGER NOT NULL
) STRICT;

CREATE INDEX restauth_throttle_expires_idx ON restauth_throttle (expires);
