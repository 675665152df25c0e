-- restauth's own tables in a Django database, version 2 (SQLite): JWT
-- refresh token families and refresh tokens (core.RefreshStore). Django
-- has no table for them: SimpleJWT's outstanding/blacklisted tokens are
-- kept as well (Django's own tables), these hold what rotation and reuse
-- detection need.
--
-- The columns and types are those of the native schema's
-- 0002_refresh.sql, so the same statements run on both; the only
-- difference is that families reference Django's auth_user (id integer)
-- instead of restauth_user. Deleting a user (restauth's DeleteUser, or
-- Django's own delete) deletes its families, and deleting a family
-- deletes its tokens. Times are INTEGER microseconds since the Unix epoch,
-- UTC.

-- +goose Up
CREATE TABLE restauth_refresh_family (
    id      TEXT    NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
    user_id INTEGER NOT NULL,
    created INTEGER NOT NULL,
    revoked INTEGER NULL,
    CONSTRAINT restauth_refresh_family_user_id_fk FOREIGN KEY (user_id)
        REFERENCES auth_user (id) ON DELETE CASCADE
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
