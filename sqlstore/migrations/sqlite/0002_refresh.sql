-- restauth schema, version 2 (SQLite): JWT refresh token families and
-- outstanding refresh tokens (core.RefreshStore).
--
-- IDs are TEXT with the BINARY collation (exact, byte-wise); the CHECK
-- limits mirror VARCHAR(64) of the other dialects, counted in characters,
-- and refuse the empty ID. Times are INTEGER microseconds since the Unix
-- epoch, UTC (see times.go); revoked and used are NULL while the family is
-- live and the token unused. Deleting a user deletes its families, and
-- deleting a family deletes its tokens.

-- +goose Up
CREATE TABLE restauth_refresh_family (
    id      TEXT    NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    user_id INTEGER NOT NULL,
    created INTEGER NOT NULL,
    revoked INTEGER NULL,
    CONSTRAINT restauth_refresh_family_user_id_fk FOREIGN KEY (user_id)
        REFERENCES restauth_user (id) ON DELETE CASCADE
) STRICT;

CREATE INDEX restauth_refresh_family_user_id_idx ON restauth_refresh_family (user_id);

CREATE TABLE restauth_refresh_token (
    jti       TEXT    NOT NULL PRIMARY KEY CHECK (length(jti) BETWEEN 1 AND 64),
    family_id TEXT    NOT NULL,
    user_id   INTEGER NOT NULL,
    issued    INTEGER NOT NULL,
    expires   INTEGER NOT NULL,
    used      INTEGER NULL,
    CONSTRAINT restauth_refresh_token_family_id_fk FOREIGN KEY (family_id)
        REFERENCES restauth_refresh_family (id) ON DELETE CASCADE
) STRICT;

CREATE INDEX restauth_refresh_token_family_id_idx ON restauth_refresh_token (family_id);

CREATE INDEX restauth_refresh_token_expires_idx ON restauth_refresh_token (expires);

CREATE INDEX restauth_refresh_token_user_id_idx ON restauth_refresh_token (user_id);
