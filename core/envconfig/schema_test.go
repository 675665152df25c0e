package envconfig

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/restauth/restauth/core"
)

// TestDatabaseSchema: RESTAUTH_DATABASE_SCHEMA is restauth by default,
// django only with an explicit RESTAUTH_SECRET_KEY (Django's SECRET_KEY:
// a generated key would match nothing the Django side signed), and then
// Apply hashes with Django's argon2 parameters, so that neither side
// re-hashes the other's passwords.
func TestDatabaseSchema(t *testing.T) {
	discard := slog.New(slog.NewTextHandler(io.Discard, nil))
	dir := t.TempDir()
	base := map[string]string{VarDatabaseURL: "sqlite:" + dir + "/db.sqlite3"}
	s, err := Load(env(base), ModeToken, discard)
	if err != nil || s.DatabaseSchema != SchemaRestauth {
		t.Fatalf("default: %q, %v", s.DatabaseSchema, err)
	}

	django := map[string]string{VarDatabaseURL: base[VarDatabaseURL], VarDatabaseSchema: "Django"}
	if _, err := Load(env(django), ModeToken, discard); err == nil || !strings.Contains(err.Error(), VarSecretKey) {
		t.Errorf("django without a secret key: %v, want an error naming %s", err, VarSecretKey)
	}
	django[VarSecretKey] = strings.Repeat("d", 50)
	s, err = Load(env(django), ModeToken, discard)
	if err != nil || s.DatabaseSchema != SchemaDjango {
		t.Fatalf("django: %q, %v", s.DatabaseSchema, err)
	}
	var cfg core.Config
	if err := s.Apply(&cfg); err != nil {
		t.Fatal(err)
	}
	hash, err := cfg.Passwords.Make(context.Background(), "a password")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "argon2$argon2id$v=19$m=102400,t=2,p=8$") {
		t.Errorf("django schema hashes %.40s…, want Django's parameters", hash)
	}
	var own core.Config
	s.DatabaseSchema = SchemaRestauth
	if err := s.Apply(&own); err != nil || own.Passwords != nil {
		t.Errorf("restauth schema: Passwords %v, %v (want the default, nil until core.New)", own.Passwords, err)
	}

	django[VarDatabaseSchema] = "rails"
	if _, err := Load(env(django), ModeToken, discard); err == nil || !strings.Contains(err.Error(), VarDatabaseSchema) {
		t.Errorf("unknown schema: %v", err)
	}
}
