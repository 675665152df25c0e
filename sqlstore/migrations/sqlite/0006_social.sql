-- restauth schema, version 6 (SQLite): social accounts, the links between
-- users and identities at external providers (core.SocialAccountStore),
-- like allauth's socialaccount_socialaccount.
--
-- One identity (provider, uid) belongs to one user: the UNIQUE key decides
-- between concurrent links. Both compare with the BINARY collation (byte
-- for byte). extra_data is the JSON object the provider returned, kept as
-- text exactly as written. Times are INTEGER microseconds since the Unix
-- epoch, UTC; last_login is NULL until the first login through the
-- identity. Deleting a user deletes its social accounts.

-- +goose Up
CREATE TABLE restauth_social_account (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL,
    provider    TEXT    NOT NULL CHECK (provider <> '' AND length(provider) <= 200),
    uid         TEXT    NOT NULL CHECK (uid <> '' AND length(uid) <= 191),
    extra_data  TEXT    NOT NULL DEFAULT '{}' CHECK (length(CAST(extra_data AS BLOB)) <= 65535),
    last_login  INTEGER NULL,
    date_joined INTEGER NOT NULL,
    CONSTRAINT restauth_social_account_uid_uniq UNIQUE (provider, uid),
    CONSTRAINT restauth_social_account_user_id_fk FOREIGN KEY (user_id)
        REFERENCES restauth_user (id) ON DELETE CASCADE
) STRICT;

CREATE INDEX restauth_social_account_user_id_idx ON restauth_social_account (user_id);
