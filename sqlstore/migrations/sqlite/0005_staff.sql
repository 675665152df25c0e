-- restauth schema, version 5 (SQLite): Django's is_staff and is_superuser
-- on restauth_user (core.User.IsStaff, IsSuperuser), false for existing
-- users. Declared as is_active is: 0 or 1, nothing else.

-- +goose Up
ALTER TABLE restauth_user ADD COLUMN is_staff INTEGER NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1));

ALTER TABLE restauth_user ADD COLUMN is_superuser INTEGER NOT NULL DEFAULT 0 CHECK (is_superuser IN (0, 1));
