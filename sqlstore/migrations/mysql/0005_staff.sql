-- restauth schema, version 5 (MySQL 8 / MariaDB 10.5+): Django's is_staff
-- and is_superuser on restauth_user (core.User.IsStaff, IsSuperuser),
-- false for existing users.
--
-- MySQL DDL commits implicitly, so a migration interrupted half-way must
-- complete when run again, and MySQL 8 has no ADD COLUMN IF NOT EXISTS
-- (MariaDB alone does): each column is added by a statement prepared only
-- while information_schema does not list it yet, and "DO 0" otherwise.
-- The statements run on one connection (Migrate; goose runs them in one
-- transaction), which the session variable @restauth_ddl needs.

-- +goose Up
SET @restauth_ddl = IF(
    (SELECT COUNT(*) FROM information_schema.columns
     WHERE table_schema = DATABASE() AND table_name = 'restauth_user' AND column_name = 'is_staff') = 0,
    'ALTER TABLE restauth_user ADD COLUMN is_staff BOOLEAN NOT NULL DEFAULT FALSE',
    'DO 0');

PREPARE restauth_stmt FROM @restauth_ddl;

EXECUTE restauth_stmt;

DEALLOCATE PREPARE restauth_stmt;

SET @restauth_ddl = IF(
    (SELECT COUNT(*) FROM information_schema.columns
     WHERE table_schema = DATABASE() AND table_name = 'restauth_user' AND column_name = 'is_superuser') = 0,
    'ALTER TABLE restauth_user ADD COLUMN is_superuser BOOLEAN NOT NULL DEFAULT FALSE',
    'DO 0');

PREPARE restauth_stmt FROM @restauth_ddl;

EXECUTE restauth_stmt;

DEALLOCATE PREPARE restauth_stmt;
