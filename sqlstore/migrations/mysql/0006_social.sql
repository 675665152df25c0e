-- restauth schema, version 6 (MySQL 8 / MariaDB 10.5+): social accounts,
-- the links between users and identities at external providers
-- (core.SocialAccountStore), like allauth's socialaccount_socialaccount.
--
-- MySQL DDL commits implicitly: the statement is IF NOT EXISTS, with its
-- indexes inside it, so an interrupted migration completes when run again.
--
-- One identity (provider, uid) belongs to one user: the UNIQUE key decides
-- between concurrent links. Both are VARBINARY, compared and unique by
-- bytes (utf8mb4_bin is PAD SPACE: 'a' and 'a ' would collide); their
-- byte lengths are four times the character limits the store checks, and
-- the key stays under InnoDB's 3072 bytes. extra_data is the JSON object
-- the provider returned, kept as text exactly as written (TEXT: at most
-- 65535 bytes, which strict mode enforces). Times are BIGINT microseconds
-- since the Unix epoch, UTC; last_login is NULL until the first login
-- through the identity. Deleting a user deletes its social accounts.

-- +goose Up
CREATE TABLE IF NOT EXISTS restauth_social_account (
    id          BIGINT         NOT NULL AUTO_INCREMENT,
    user_id     BIGINT         NOT NULL,
    provider    VARBINARY(800) NOT NULL,
    uid         VARBINARY(764) NOT NULL,
    extra_data  TEXT           NOT NULL,
    last_login  BIGINT         NULL,
    date_joined BIGINT         NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY restauth_social_account_uid_uniq (provider, uid),
    KEY restauth_social_account_user_id_idx (user_id),
    CONSTRAINT restauth_social_account_provider_check CHECK (provider <> ''),
    CONSTRAINT restauth_social_account_uid_check CHECK (uid <> ''),
    CONSTRAINT restauth_social_account_user_id_fk FOREIGN KEY (user_id)
        REFERENCES restauth_user (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
