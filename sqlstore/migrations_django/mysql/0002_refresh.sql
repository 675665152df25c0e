-- restauth's own tables in a Django database, version 2 (MySQL 8 /
-- MariaDB 10.5+): JWT refresh token families and refresh tokens
-- (core.RefreshStore). Django has no table for them: SimpleJWT's
-- outstanding/blacklisted tokens are kept as well (Django's own tables),
-- these hold what rotation and reuse detection need.
--
-- The columns and types are those of the native schema's
-- 0002_refresh.sql, so the same statements run on both, except that
-- families reference Django's auth_user instead of restauth_user; a
-- foreign key needs the referenced column's exact type, int(11), so
-- user_id is INT here (BIGINT in restauth_refresh_token, which has no
-- foreign key, as natively). Deleting a user (restauth's DeleteUser, or
-- Django's own delete) deletes its families, and deleting a family
-- deletes its tokens. IDs are VARBINARY, compared by bytes. Times are
-- BIGINT microseconds since the Unix epoch, UTC. Every statement is IF
-- NOT EXISTS, so a migration interrupted half-way completes when run
-- again.

-- +goose Up
CREATE TABLE IF NOT EXISTS restauth_refresh_family (
    id      VARBINARY(256) NOT NULL,
    user_id INT            NOT NULL,
    created BIGINT         NOT NULL,
    revoked BIGINT         NULL,
    PRIMARY KEY (id),
    KEY restauth_refresh_family_user_id_idx (user_id),
    CONSTRAINT restauth_refresh_family_id_check CHECK (id <> ''),
    CONSTRAINT restauth_refresh_family_user_id_fk FOREIGN KEY (user_id)
        REFERENCES auth_user (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS restauth_refresh_token (
    jti       VARBINARY(256) NOT NULL,
    family_id VARBINARY(256) NOT NULL,
    user_id   BIGINT         NOT NULL,
    issued    BIGINT         NOT NULL,
    expires   BIGINT         NOT NULL,
    used      BIGINT         NULL,
    PRIMARY KEY (jti),
    KEY restauth_refresh_token_family_id_idx (family_id),
    KEY restauth_refresh_token_expires_idx (expires),
    KEY restauth_refresh_token_user_id_idx (user_id),
    CONSTRAINT restauth_refresh_token_jti_check CHECK (jti <> ''),
    CONSTRAINT restauth_refresh_token_family_id_fk FOREIGN KEY (family_id)
        REFERENCES restauth_refresh_family (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
