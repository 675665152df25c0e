package sqltest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/sqlstore"
)

// RunDriver checks db's Driver on a fresh database of db (skipping t when
// db's server is not named): that its schemes are lower case and include
// the scheme of db's URLs, that open (the driver package's Open
// convenience) connects and migrates, and that Classify reads the
// database's own errors: a taken unique key as UniqueViolation with the
// constraint's name, a missing referenced row as ForeignKeyViolation, and
// anything else, nil included, as OtherError.
func RunDriver(t *testing.T, db DB, open func(ctx context.Context, url string) (*sqlstore.Store, error)) {
	t.Helper()
	db.RequireServer(t)
	d := db.Driver
	url := db.URL(t)
	scheme, _, _ := strings.Cut(url, ":")
	if !slices.Contains(d.Schemes(), strings.ToLower(scheme)) {
		t.Errorf("Schemes() = %q, lacks %q", d.Schemes(), scheme)
	}
	for _, s := range d.Schemes() {
		if s != strings.ToLower(s) {
			t.Errorf("scheme %q is not lower case", s)
		}
	}

	s, err := open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if s.Dialect() != d.Dialect() {
		t.Errorf("store dialect %v, driver's %v", s.Dialect(), d.Dialect())
	}
	ctx := t.Context()
	insertUser := s.DB().Rebind(`INSERT INTO restauth_user (username, username_key, email, password, date_joined)
		VALUES (?, ?, '', 'h', 0)`)
	if _, err := s.DB().ExecContext(ctx, insertUser, "alice", "alice"); err != nil {
		t.Fatal(err)
	}
	_, err = s.DB().ExecContext(ctx, insertUser, "Alice", "alice")
	if kind, name := d.Classify(err); kind != sqlstore.UniqueViolation || !strings.Contains(name, "username_key") {
		t.Errorf("duplicate username_key: Classify(%v) = %v, %q; want UniqueViolation naming username_key", err, kind, name)
	}
	insertToken := s.DB().Rebind("INSERT INTO restauth_token (digest, user_id, created) VALUES (?, ?, ?)")
	_, err = s.DB().ExecContext(ctx, insertToken, "d1", 1<<40, time.Now().UnixMicro())
	if kind, _ := d.Classify(err); kind != sqlstore.ForeignKeyViolation {
		t.Errorf("token of a missing user: Classify(%v) = %v, want ForeignKeyViolation", err, kind)
	}
	_, err = s.DB().ExecContext(ctx, "SELECT no_such_column FROM restauth_user")
	if kind, _ := d.Classify(err); err == nil || kind != sqlstore.OtherError {
		t.Errorf("bad column: Classify(%v) = %v, want OtherError", err, kind)
	}
	if kind, _ := d.Classify(nil); kind != sqlstore.OtherError {
		t.Errorf("Classify(nil) = %v, want OtherError", kind)
	}
}
