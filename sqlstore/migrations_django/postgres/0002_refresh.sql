-- restauth's own tables in a Django database, version 2 (PostgreSQL): JWT
-- refresh token families and refresh tokens (core.RefreshStore). Django
-- has no table for them: SimpleJWT's outstanding/blacklisted tokens are
-- kept as well (Django's own tables), these hold what rotation and reuse
-- detection need.
--
-- The columns and types are those of the native schema's
-- 0002_refresh.sql, so the same statements run on both, except that
-- families reference Django's auth_user instead of restauth_user, whose id
-- is an integer: user_id is INTEGER here (BIGINT in restauth_refresh_token,
-- which has no foreign key, as natively). Deleting a user (restauth's
-- DeleteUser, or Django's own delete) deletes its families, and deleting a
-- family deletes its tokens. IDs use the "C" collation. Times are BIGINT
-- microseconds since the Unix epoch, UTC.

-- +goose Up
CREATE TABLE restauth_refresh_family (
    id      VARCHAR(64) COLLATE "C" NOT NULL CHECK (id <> ''),
    user_id INTEGER     NOT NULL,
    created BIGINT      NOT NULL,
    revoked BIGINT      NULL,
    CONSTRAINT restauth_refresh_family_pkey PRIMARY KEY (id),
    CONSTRAINT restauth_refresh_family_user_id_fk FOREIGN KEY (user_id)
        REFERENCES auth_user (id) ON DELETE CASCADE
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
