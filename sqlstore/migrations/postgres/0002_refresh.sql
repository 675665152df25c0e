-- restauth schema, version 2 (PostgreSQL): JWT refresh token families and
-- outstanding refresh tokens (core.RefreshStore).
--
-- IDs use the "C" collation (byte-wise comparison and uniqueness);
-- VARCHAR(64) rejects longer values and the CHECK refuses the empty ID.
-- Times are BIGINT microseconds since the Unix epoch, UTC (see times.go);
-- revoked and used are NULL while the family is live and the token
-- unused. Deleting a user deletes its families, and deleting a family
-- deletes its tokens.

-- +goose Up
CREATE TABLE restauth_refresh_family (
    id      VARCHAR(64) COLLATE "C" NOT NULL CHECK (id <> ''),
    user_id BIGINT      NOT NULL,
    created BIGINT      NOT NULL,
    revoked BIGINT      NULL,
    CONSTRAINT restauth_refresh_family_pkey PRIMARY KEY (id),
    CONSTRAINT restauth_refresh_family_user_id_fk FOREIGN KEY (user_id)
        REFERENCES restauth_user (id) ON DELETE CASCADE
);

CREATE INDEX restauth_refresh_family_user_id_idx ON restauth_refresh_family (user_id);

CREATE TABLE restauth_refresh_token (
    jti       VARCHAR(64) COLLATE "C" NOT NULL CHECK (jti <> ''),
    family_id VARCHAR(64) COLLATE "C" NOT NULL,
    user_id   BIGINT      NOT NULL,
    issued    BIGINT      NOT NULL,
    expires   BIGINT      NOT NULL,
    used      BIGINT      NULL,
    CONSTRAINT restauth_refresh_token_pkey PRIMARY KEY (jti),
    CONSTRAINT restauth_refresh_token_family_id_fk FOREIGN KEY (family_id)
        REFERENCES restauth_refresh_family (id) ON DELETE CASCADE
);

CREATE INDEX restauth_refresh_token_family_id_idx ON restauth_refresh_token (family_id);

CREATE INDEX restauth_refresh_token_expires_idx ON restauth_refresh_token (expires);

CREATE INDEX restauth_refresh_token_user_id_idx ON restauth_refresh_token (user_id);
