-- restauth's own tables in a Django database, version 1 (PostgreSQL):
-- rate-limit counters (ThrottleStore). The same table as the native
-- schema's 0004_throttle.sql, so sqlstore.ThrottleStore runs unchanged.
-- Keys are compared byte-wise ("C"). Times are BIGINT microseconds since
-- the Unix epoch, UTC.
--
-- Migrations in this directory create restauth_-prefixed tables only and
-- never touch Django's; their versions are recorded in
-- restauth_django_migrations.

-- +goose Up
CREATE TABLE restauth_throttle (
    name          VARCHAR(128) COLLATE "C" NOT NULL CHECK (name <> ''),
    window_start BIGINT  NOT NULL,
    expires      BIGINT  NOT NULL,
    count        INTEGER NOT NULL,
    CONSTRAINT restauth_throttle_pkey PRIMARY KEY (name)
);

CREATE INDEX restauth_throttle_expires_idx ON restauth_throttle (expires);
