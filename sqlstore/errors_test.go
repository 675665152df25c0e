package sqlstore

import "testing"

func TestMySQLDuplicateKey(t *testing.T) {
	for msg, want := range map[string]string{
		"Duplicate entry 'alice' for key 'restauth_user_username_key_uniq'":                   "restauth_user_username_key_uniq",
		"Duplicate entry 'alice' for key 'restauth_user.restauth_user_email_key_uniq'":        "restauth_user.restauth_user_email_key_uniq",
		"Duplicate entry 'x' for key 'restauth_user_email_key_uniq'' for key 'PRIMARY'":       "PRIMARY",
		"Duplicate entry 'a for key 'restauth_user_email_key_uniq'' for key 'username_key_u'": "username_key_u",
		"something else": "",
	} {
		if got := mysqlDuplicateKey(msg); got != want {
			t.Errorf("mysqlDuplicateKey(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestSQLiteConstraintColumn(t *testing.T) {
	for msg, want := range map[string]string{
		"constraint failed: UNIQUE constraint failed: restauth_user.username_key (2067)": "restauth_user.username_key",
		"UNIQUE constraint failed: restauth_token.digest":                                "restauth_token.digest",
		"no such table": "",
	} {
		if got := sqliteConstraintColumn(msg); got != want {
			t.Errorf("sqliteConstraintColumn(%q) = %q, want %q", msg, got, want)
		}
	}
}

func TestUniqueByName(t *testing.T) {
	for name, want := range map[string]violation{
		"restauth_user.username_key":                    dupUsername,
		"restauth_user_username_key_uniq":               dupUsername,
		"restauth_user.restauth_user_username_key_uniq": dupUsername,
		"restauth_user.email_key":                       dupEmail,
		"restauth_user_email_key_uniq":                  dupEmail,
		"restauth_token.digest":                         dupDigest,
		"restauth_token_pkey":                           dupDigest,
		"PRIMARY":                                       dupDigest,
		"restauth_token.PRIMARY":                        dupDigest,
		"something_else":                                dupOther,
	} {
		if got := uniqueByName(name); got != want {
			t.Errorf("uniqueByName(%q) = %v, want %v", name, got, want)
		}
	}
}
