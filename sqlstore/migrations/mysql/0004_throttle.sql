-- restauth schema, version 4 (MySQL 8 / MariaDB 10.5+): rate-limit
-- counters (ThrottleStore), one row per key holding its current fixed
-- window. Keys are "<scope>:<hash>" (ASCII), compared by bytes. Times are
-- BIGINT microseconds since the Unix epoch, UTC. IF NOT EXISTS with the
-- index inside CREATE TABLE, so an interrupted migration completes when
-- run again.

-- +goose Up
CREATE TABLE IF NOT EXISTS restauth_throttle (
    name        VARBINARY(128) NOT NULL,
    window_start BIGINT         NOT NULL,
    expires      BIGINT         NOT NULL,
    count        INT            NOT NULL,
    PRIMARY KEY (name),
    KEY restauth_throttle_expires_idx (expires)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
