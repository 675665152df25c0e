-- restauth schema, version 4 (SQLite): rate-limit counters (ThrottleStore),
-- one row per key holding its current fixed window. Keys are
-- "<scope>:<hash>", never raw identifiers. Times are INTEGER microseconds
-- since the Unix epoch, UTC.

-- +goose Up
CREATE TABLE restauth_throttle (
    name          TEXT    NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 128),
    window_start INTEGER NOT NULL,
    expires      INTEGER NOT NULL,
    count        INTEGER NOT NULL
) STRICT;

CREATE INDEX restauth_throttle_expires_idx ON restauth_throttle (expires);
