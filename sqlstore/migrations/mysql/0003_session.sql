-- restauth schema, version 3 (MySQL 8 / MariaDB 10.5+): server-side
-- sessions (SessionStore, a gorilla/sessions Store).
--
-- MySQL DDL commits implicitly: the statement is IF NOT EXISTS, with the
-- index declared inside CREATE TABLE, so an interrupted migration
-- completes when run again.
--
-- The ID is VARBINARY, compared and unique by bytes (utf8mb4_bin is PAD
-- SPACE: 'a' and 'a ' would collide); the store only ever writes 32 ASCII
-- characters from [a-z0-9], and the CHECK refuses the empty ID. data holds
-- the gob-encoded session values (LONGBLOB: the store caps them, 64 KiB by
-- default, before any SQL runs). expires is BIGINT microseconds since the
-- Unix epoch, UTC (see times.go); it is indexed for the cleanup.

-- +goose Up
CREATE TABLE IF NOT EXISTS restauth_session (
    id      VARBINARY(64) NOT NULL,
    data    LONGBLOB      NOT NULL,
    expires BIGINT        NOT NULL,
    PRIMARY KEY (id),
    KEY restauth_session_expires_idx (expires),
    CONSTRAINT restauth_session_id_check CHECK (id <> '')
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
