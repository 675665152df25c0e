-- restauth schema, version 7 (SQLite): the change feed (core.ChangeFeed),
-- one row per write that revoked or altered a login, written in the same
-- transaction as the write. Every instance reads the rows after the last
-- one it read, once per RevocationStaleness/4, and drops what it cached
-- for the user, login (family) or DB token a row names.
--
-- seq is AUTOINCREMENT: it never goes back, even after the newest rows
-- were deleted (a plain INTEGER PRIMARY KEY would reuse them). A user
-- change has family and token_digest ''; a revoked login names its
-- family, a deleted DB token its digest. created is INTEGER microseconds
-- since the Unix epoch, UTC (the store's clock), indexed for pruning.

-- +goose Up
CREATE TABLE restauth_changes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL,
    family       TEXT    NOT NULL DEFAULT '' CHECK (length(family) <= 64),
    token_digest TEXT    NOT NULL DEFAULT '' CHECK (length(token_digest) <= 64),
    created      INTEGER NOT NULL
) STRICT;

CREATE INDEX restauth_changes_created_idx ON restauth_changes (created);
