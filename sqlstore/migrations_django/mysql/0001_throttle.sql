-- restauth's own tables in a Django database, version 1 (MySQL 8 /
-- MariaDB 10.5+): rate-limit counters (ThrottleStore). The same table as
-- the native schema's 0004_throttle.sql, so sqlstore.ThrottleStore runs
-- unchanged. Keys are compared by bytes. Times are BIGINT microseconds
-- since the Unix epoch, UTC. IF NOT EXISTS with the index inside CREATE
-- TABLE, so an interrupted migration completes when run again (MySQL
-- commits DDL implicitly).
--
-- Migrations in this directory create restauth_-prefixed tables only and
-- never touch Django's; their versions are recorded in
-- restauth_django_migrations.

-- +goose Up
CREATE TABLE IF NOT EXISTS restauth_throttle (
    name        VARBINARY(128) NOT NULL,
    window_start BIGINT         NOT NULL,
    expires      BIGINT         NOT NULL,
    count        INT            NOT NULL,
    PRIMARY KEY (name),
    KEY restauth_throttle_expires_idx (expires)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
