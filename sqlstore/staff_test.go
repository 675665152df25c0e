package sqlstore_test

import (
	"testing"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/authtest"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// TestRequireStaff runs the authorization suite of core/authtest on each
// available database: users created with CreateUser as staff pass
// RequireStaff, others get 403, stateless JWT users are loaded from SQL,
// and SetStaff applies from the next request.
func TestRequireStaff(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			authtest.RunRequireWithStore(t, authtest.NetHTTPRequire, func(t *testing.T) core.Store { return sqltest.Open(t, db.URL(t)) })
		})
	}
}

// TestMigrateStaffUpgrade upgrades a database of version 4 holding a
// user: 0005_staff.sql gives it is_staff and is_superuser false, and
// the user reads back whole. On MySQL, whose DDL commits on its own, a
// 0005 whose record was lost (an interrupted run) runs again cleanly.
func TestMigrateStaffUpgrade(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			url := db.URL(t)
			old := sqltest.Connect(t, url)
			if err := sqlstore.MigrateTo(t.Context(), old, 4); err != nil {
				t.Fatalf("migrate to 4: %v", err)
			}
			insert := old.DB().Rebind(`INSERT INTO restauth_user
				(username, username_key, email, password, is_active, date_joined, token_epoch)
				VALUES (?, ?, '', 'h', ?, 5, 2)`)
			if _, err := old.DB().ExecContext(t.Context(), insert, "Old", "old", true); err != nil {
				t.Fatalf("insert a version-4 user: %v", err)
			}

			s := sqltest.Open(t, url) // migrates to the latest version
			wantAllApplied(t, s)
			u, err := s.UserByUsername(t.Context(), "old")
			if err != nil {
				t.Fatal(err)
			}
			if u.IsStaff || u.IsSuperuser || !u.IsActive || u.Username != "Old" || u.TokenEpoch != 2 {
				t.Errorf("upgraded user = %+v, want active, not staff, not superuser", u)
			}
			if err := s.SetStaff(t.Context(), u.ID, true, true); err != nil {
				t.Fatal(err)
			}
			if u, err = s.UserByID(t.Context(), u.ID); err != nil || !u.IsStaff || !u.IsSuperuser {
				t.Errorf("after SetStaff: %+v, %v", u, err)
			}

			if db.Name != "MySQL" {
				return
			}
			if _, err := s.DB().ExecContext(t.Context(), "DELETE FROM "+sqlstore.MigrationsTable+" WHERE version = 5"); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(t.Context()); err != nil {
				t.Fatalf("re-running 0005 after its record was lost: %v", err)
			}
			wantAllApplied(t, s)
			if u, err = s.UserByID(t.Context(), u.ID); err != nil || !u.IsStaff || !u.IsSuperuser {
				t.Errorf("after re-running 0005: %+v, %v", u, err)
			}
		})
	}
}
