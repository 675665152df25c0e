-- restauth schema, version 5 (PostgreSQL): Django's is_staff and
-- is_superuser on restauth_user (core.User.IsStaff, IsSuperuser), false
-- for existing users. Adding a column with a constant default rewrites
-- no rows (PostgreSQL 11+).

-- +goose Up
ALTER TABLE restauth_user
    ADD COLUMN is_staff     BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN is_superuser BOOLEAN NOT NULL DEFAULT FALSE;
