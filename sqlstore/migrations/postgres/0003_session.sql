-- restauth schema, version 3 (PostgreSQL): server-side sessions
-- (SessionStore, a gorilla/sessions Store).
--
-- The ID uses the "C" collation (byte-wise comparison and uniqueness);
-- VARCHAR(64) rejects longer values and the CHECK refuses the empty ID
-- (the store only ever writes 32 characters from [a-z0-9]). data holds
-- the gob-encoded session values. expires is BIGINT microseconds since the
-- Unix epoch, UTC (see times.go); it is indexed for the cleanup.

-- +goose Up
CREATE TABLE restauth_session (
    id      VARCHAR(64) COLLATE "C" NOT NULL CHECK (id <> ''),
    data    BYTEA       NOT NULL,
    expires BIGINT      NOT NULL,
    CONSTRAINT restauth_session_pkey PRIMARY KEY (id)
);

CREATE INDEX restauth_session_expires_idx ON restauth_session (expires);
