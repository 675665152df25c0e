-- restauth schema, version 1 (MySQL 8 / MariaDB 10.5+).
--
-- MySQL DDL commits implicitly, so this file cannot run in a transaction:
-- every statement is IF NOT EXISTS, and a migration interrupted half-way
-- completes when run again.
--
-- The canonical keys and the digest are VARBINARY: uniqueness and lookups
-- compare bytes. A *_bin collation is not enough: utf8mb4_bin is PAD SPACE,
-- so 'bob' and 'bob ' collide in a unique index. Their byte lengths are four
-- times the character limits of the other dialects (utf8mb4), and stay under
-- InnoDB's 3072-byte index limit. The other text columns are VARCHAR
-- utf8mb4, whose lengths count characters; strict sql_mode (forced by Open)
-- rejects longer values. Times are BIGINT microseconds since the Unix epoch,
-- UTC (see times.go), independent of the session time_zone.

-- +goose Up
CREATE TABLE IF NOT EXISTS restauth_user (
    id             BIGINT          NOT NULL AUTO_INCREMENT,
    username       VARCHAR(150)    NOT NULL,
    username_key   VARBINARY(2400) NOT NULL,
    email          VARCHAR(254)    NOT NULL DEFAULT '',
    email_key      VARBINARY(2400) NULL,
    password       VARCHAR(255)    NOT NULL,
    first_name     VARCHAR(150)    NOT NULL DEFAULT '',
    last_name      VARCHAR(150)    NOT NULL DEFAULT '',
    is_active      BOOLEAN         NOT NULL DEFAULT TRUE,
    email_verified BOOLEAN         NOT NULL DEFAULT FALSE,
    date_joined    BIGINT          NOT NULL,
    last_login     BIGINT          NULL,
    token_epoch    BIGINT          NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY restauth_user_username_key_uniq (username_key),
    UNIQUE KEY restauth_user_email_key_uniq (email_key),
    CONSTRAINT restauth_user_email_key_check CHECK (email_key <> '')
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS restauth_token (
    digest  VARBINARY(64) NOT NULL,
    user_id BIGINT        NOT NULL,
    created BIGINT        NOT NULL,
    expires BIGINT        NULL,
    PRIMARY KEY (digest),
    KEY restauth_token_user_id_idx (user_id),
    CONSTRAINT restauth_token_user_id_fk FOREIGN KEY (user_id)
        REFERENCES restauth_user (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
