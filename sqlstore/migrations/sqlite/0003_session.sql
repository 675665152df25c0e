-- restauth schema, version 3 (SQLite): server-side sessions
-- (SessionStore, a gorilla/sessions Store).
--
-- The ID is TEXT with the BINARY collation (exact, byte-wise); the CHECK
-- mirrors VARCHAR(64) of the other dialects and refuses the empty ID (the
-- store only ever writes 32 characters from [a-z0-9]). data holds the
-- gob-encoded session values. expires is INTEGER microseconds since the
-- Unix epoch, UTC (see times.go); it is indexed for the cleanup.

-- +goose Up
CREATE TABLE restauth_session (
    id      TEXT    NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    data    BLOB    NOT NULL,
    expires INTEGER NOT NULL
) STRICT;

CREATE INDEX restauth_session_expires_idx ON restauth_session (expires);
