-- restauth schema, version 7 (PostgreSQL): the change feed
-- (core.ChangeFeed), one row per write that revoked or altered a login,
-- written in the same statement as the write (a data-modifying WITH).
-- Every instance reads the rows after the last one it read, once per
-- RevocationStaleness/4, and drops what it cached for the user, login
-- (family) or DB token a row names.
--
-- seq is an identity column: it never goes back, and rows may commit out
-- of seq order (the reader handles it). A user change has family and
-- token_digest ''; a revoked login names its family, a deleted DB token
-- its digest ("C" collation: byte-wise). created is BIGINT microseconds
-- since the Unix epoch, UTC (the store's clock), indexed for pruning.
--
-- The trigger notifies the channel restauth_changes with the payload
-- "<schema> <seq>" when the inserting transaction commits, whoever
-- inserted the row: instances listening (LISTEN) read the feed at once
-- instead of at their next poll. The schema lets a listener ignore the
-- changes of another restauth schema in the same database.

-- +goose Up
CREATE TABLE restauth_changes (
    seq          BIGINT      GENERATED ALWAYS AS IDENTITY,
    user_id      BIGINT      NOT NULL,
    family       VARCHAR(64) COLLATE "C" NOT NULL DEFAULT '',
    token_digest VARCHAR(64) COLLATE "C" NOT NULL DEFAULT '',
    created      BIGINT      NOT NULL,
    CONSTRAINT restauth_changes_pkey PRIMARY KEY (seq)
);

CREATE INDEX restauth_changes_created_idx ON restauth_changes (created);

CREATE FUNCTION restauth_changes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_notify('restauth_changes', TG_TABLE_SCHEMA || ' ' || NEW.seq); RETURN NULL; END
    $$;

CREATE TRIGGER restauth_changes_notify AFTER INSERT ON restauth_changes
    FOR EACH ROW EXECUTE FUNCTION restauth_changes_notify();
