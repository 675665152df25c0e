-- restauth schema, version 2 (MySQL 8 / MariaDB 10.5+): JWT refresh token
-- families and outstanding refresh tokens (core.RefreshStore).
--
-- MySQL DDL commits implicitly: every statement is IF NOT EXISTS, so a
-- migration interrupted half-way completes when run again (the indexes are
-- declared inside CREATE TABLE for that reason).
--
-- IDs are VARBINARY, compared and unique by bytes (utf8mb4_bin is PAD
-- SPACE: 'a' and 'a ' would collide). 256 bytes hold 64 characters of
-- utf8mb4; the store refuses anything longer than 64 characters before any
-- SQL runs, and the CHECK refuses the empty ID. Times are BIGINT
-- microseconds since the Unix epoch, UTC (see times.go); revoked and used
-- are NULL while the family is live and the token unused. Deleting a user
-- deletes its families, and deleting a family deletes its tokens.

-- +goose Up
CREATE TABLE IF NOT EXISTS restauth_refresh_family (
    id      VARBINARY(256) NOT NULL,
    user_id BIGINT         NOT NULL,
    created BIGINT         NOT NULL,
    revoked BIGINT         NULL,
    PRIMARY KEY (id),
    KEY restauth_refresh_family_user_id_idx (user_id),
    CONSTRAINT restauth_refresh_family_id_check CHECK (id <> ''),
    CONSTRAINT restauth_refresh_family_user_id_fk FOREIGN KEY (user_id)
        REFERENCES restauth_user (id) ON DELETE CASCADE
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
