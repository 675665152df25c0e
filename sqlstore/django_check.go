package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrDjangoSchema is wrapped by the error CheckDjangoTables (and so
// OpenDjango) returns when the database lacks a Django table or column
// restauth uses.
var ErrDjangoSchema = errors.New("sqlstore: the database lacks Django tables or columns restauth uses")

// djangoTable is a Django table restauth reads or writes, the columns it
// uses, and the Django app that creates it.
type djangoTable struct {
	name    string
	columns []string
	app     string // the INSTALLED_APPS entry whose migrations create the table
}

// djangoTables returns the tables CheckDjangoTables requires. The
// socialaccount tables and django_admin_log are optional (DeleteUser
// cleans them when they exist) and not checked.
func djangoTables() []djangoTable {
	return []djangoTable{
		{"auth_user", []string{"id", "password", "last_login", "is_superuser", "username", "first_name",
			"last_name", "email", "is_staff", "is_active", "date_joined"}, "django.contrib.auth"},
		{"auth_user_groups", []string{"user_id"}, "django.contrib.auth"},
		{"auth_user_user_permissions", []string{"user_id"}, "django.contrib.auth"},
		{"authtoken_token", []string{"key", "created", "user_id"}, "rest_framework.authtoken"},
		{"account_emailaddress", []string{"id", "email", "verified", "primary", "user_id"}, "allauth.account"},
		{"account_emailconfirmation", []string{"id", "email_address_id"}, "allauth.account"},
		{"token_blacklist_outstandingtoken", []string{"id", "jti", "token", "created_at", "expires_at", "user_id"},
			"rest_framework_simplejwt.token_blacklist"},
		{"token_blacklist_blacklistedtoken", []string{"id", "blacklisted_at", "token_id"},
			"rest_framework_simplejwt.token_blacklist"},
		{"django_session", []string{"session_key", "session_data", "expire_date"}, "django.contrib.sessions"},
	}
}

// CheckDjangoTables verifies that every Django table restauth uses exists
// with the columns it uses: auth_user (and its group and permission
// links, which DeleteUser clears), authtoken_token, account_emailaddress
// and account_emailconfirmation, token_blacklist_outstandingtoken and
// token_blacklist_blacklistedtoken, django_session. It reads the tables'
// column lists only (SELECT * … WHERE 1 = 0) and never creates or alters
// anything. Every problem is listed in one error wrapping
// ErrDjangoSchema, naming the table or column and the Django app that
// provides it; a failing database is an error wrapping
// core.ErrUnavailable instead.
func (d *DjangoStore) CheckDjangoTables(ctx context.Context) error {
	var problems []string
	for _, t := range djangoTables() {
		exists, err := d.tableExists(ctx, d.s.db, t.name)
		if err != nil {
			return wrap("check django tables", err)
		}
		if !exists {
			problems = append(problems, fmt.Sprintf("table %s is missing (%s not in INSTALLED_APPS, or not migrated? run manage.py migrate)", t.name, t.app))
			continue
		}
		missing, err := d.missingColumns(ctx, t)
		if err != nil {
			return wrap("check django tables", err)
		}
		for _, c := range missing {
			problems = append(problems, fmt.Sprintf("table %s has no column %s (%s not fully migrated? run manage.py migrate)", t.name, c, t.app))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrDjangoSchema, strings.Join(problems, "; "))
}

// missingColumns returns the columns of t the table lacks, read from the
// result columns of a query that returns no row.
func (d *DjangoStore) missingColumns(ctx context.Context, t djangoTable) ([]string, error) {
	rows, err := d.s.db.QueryContext(ctx, "SELECT * FROM "+t.name+" WHERE 1 = 0")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	have := make(map[string]bool, len(cols))
	for _, c := range cols {
		have[strings.ToLower(c)] = true
	}
	var missing []string
	for _, c := range t.columns {
		if !have[c] {
			missing = append(missing, c)
		}
	}
	return missing, rows.Err()
}
