-- restauth schema, version 4 (PostgreSQL): rate-limit counters
-- (ThrottleStore), one row per key holding its current fixed window. Keys
-- are "<scope>:<hash>", never raw identifiers, compared byte-wise ("C").
-- Times are BIGINT microseconds since the Unix epoch, UTC.

-- +goose Up
CREATE TABLE restauth_throttle (
    name          VARCHAR(128) COLLATE "C" NOT NULL CHECK (name <> ''),
    window_start BIGINT  NOT NULL,
    expires      BIGINT  NOT NULL,
    count        INTEGER NOT NULL,
    CONSTRAINT restauth_throttle_pkey PRIMARY KEY (name)
);

CREATE INDEX restauth_throttle_expires_idx ON restauth_throttle (expires);
