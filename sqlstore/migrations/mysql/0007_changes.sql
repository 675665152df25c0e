-- restauth schema, version 7 (MySQL 8 / MariaDB 10.5+): the change feed
-- (core.ChangeFeed), one row per write that revoked or altered a login,
-- written in the same transaction as the write. Every instance reads the
-- rows after the last one it read, once per RevocationStaleness/4, and
-- drops what it cached for the user, login (family) or DB token a row
-- names.
--
-- MySQL DDL commits implicitly: the statement is IF NOT EXISTS (the index
-- declared inside it), so an interrupted migration completes when run
-- again. seq is AUTO_INCREMENT (persisted across restarts by MySQL 8 and
-- MariaDB 10.2.4+, so it never goes back); rows may commit out of seq
-- order (the reader handles it). A user change has family and
-- token_digest ''; a revoked login names its family, a deleted DB token
-- its digest (VARBINARY: bytes). created is BIGINT microseconds since the
-- Unix epoch, UTC (the store's clock), indexed for pruning.

-- +goose Up
CREATE TABLE IF NOT EXISTS restauth_changes (
    seq          BIGINT         NOT NULL AUTO_INCREMENT,
    user_id      BIGINT         NOT NULL,
    family       VARBINARY(256) NOT NULL DEFAULT '',
    token_digest VARBINARY(64)  NOT NULL DEFAULT '',
    created      BIGINT         NOT NULL,
    PRIMARY KEY (seq),
    KEY restauth_changes_created_idx (created)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
