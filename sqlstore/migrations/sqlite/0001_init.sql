-- restauth schema, version 1 (SQLite).
--
-- STRICT tables: a value of the wrong type is an error, not a silent
-- conversion. TEXT compares with the BINARY collation, so the UNIQUE keys
-- below decide on the exact canonical key. Times are INTEGER microseconds
-- since the Unix epoch, UTC (see times.go). The CHECK limits mirror the
-- VARCHAR lengths of the other dialects, counted in characters.

-- +goose Up
CREATE TABLE restauth_user (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    username       TEXT    NOT NULL CHECK (length(username) <= 150),
    username_key   TEXT    NOT NULL CHECK (length(username_key) <= 600),
    email          TEXT    NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    email_key      TEXT    NULL CHECK (email_key <> '' AND length(email_key) <= 600),
    password       TEXT    NOT NULL CHECK (length(password) <= 255),
    first_name     TEXT    NOT NULL DEFAULT '' CHECK (length(first_name) <= 150),
    last_name      TEXT    NOT NULL DEFAULT '' CHECK (length(last_name) <= 150),
    is_active      INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
    email_verified INTEGER NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1)),
    date_joined    INTEGER NOT NULL,
    last_login     INTEGER NULL,
    token_epoch    INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT restauth_user_username_key_uniq UNIQUE (username_key),
    CONSTRAINT restauth_user_email_key_uniq UNIQUE (email_key)
) STRICT;

CREATE TABLE restauth_token (
    digest  TEXT    NOT NULL PRIMARY KEY CHECK (length(digest) <= 64),
    user_id INTEGER NOT NULL,
    created INTEGER NOT NULL,
    expires INTEGER NULL,
    CONSTRAINT restauth_token_user_id_fk FOREIGN KEY (user_id)
        REFERENCES restauth_user (id) ON DELETE CASCADE
) STRICT;

CREATE INDEX restauth_token_user_id_idx ON restauth_token (user_id);
