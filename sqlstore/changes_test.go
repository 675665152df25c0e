package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/password"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// feedBound is the RevocationStaleness of the change feed tests: the feed
// is read every 75ms, real time.
const feedBound = 300 * time.Millisecond

// feedInstance is one app server with its own store (its own pool) on a
// shared database, real clock.
type feedInstance struct {
	*instance
	store *sqlstore.Store
}

// newFeedInstance opens url again and serves JWT, DB tokens and sessions
// on it, with RevocationStaleness feedBound.
func newFeedInstance(t *testing.T, url string) *feedInstance {
	t.Helper()
	store := sqltest.Open(t, url)
	h, err := password.NewArgon2(password.FastArgon2Params())
	if err != nil {
		t.Fatal(err)
	}
	policy, err := password.NewPolicy(password.WithHasher(h))
	if err != nil {
		t.Fatal(err)
	}
	auth, err := core.New(core.Config{
		Store: store, Passwords: policy, SecretKey: []byte("two-instances-share-this-secret-key-0123456789"),
		Methods:             []core.Method{core.MethodJWT, core.MethodToken, core.MethodSession},
		Session:             core.SessionConfig{Store: store.SessionStore()},
		RevocationStaleness: feedBound,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := auth.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	srv := httptest.NewServer(auth.Handler())
	t.Cleanup(srv.Close)
	return &feedInstance{instance: &instance{auth: auth, srv: srv}, store: store}
}

// login logs username in on in and returns its DB token and JWT access
// token.
func (in *feedInstance) login(t *testing.T, username string) (key, access string) {
	t.Helper()
	res := in.post(t, "/api/auth/login/", `{"username":"`+username+`","password":"Secret-pass-123"}`, "")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login %s: %d", username, res.StatusCode)
	}
	var body struct{ Access, Key string }
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body.Key, body.Access
}

// refusedWithin requests path with header on in until it answers 401, and
// returns how long that took from since. A credential still accepted the
// bound after since (when the change had committed) fails t: the bound is
// a guarantee, not a tendency.
func (in *feedInstance) refusedWithin(t *testing.T, what string, since time.Time, header [2]string) time.Duration {
	t.Helper()
	for {
		asked := time.Now()
		if in.get(t, "/api/auth/user/", header) == http.StatusUnauthorized {
			return time.Since(since)
		}
		if asked.Sub(since) >= feedBound {
			t.Fatalf("%s: still accepted %v after the change (RevocationStaleness %v)", what, asked.Sub(since), feedBound)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// TestChangeFeedInstances runs two instances, each with its own pool on
// one database (two Opens of one URL: for SQLite, one file), with a real
// clock: a logout (DB token and JWT), a password change and a
// deactivation on instance A, or a write to the store behind both
// instances (as the CLI or a script does), are refused on instance B
// within RevocationStaleness, while B serves the credentials from memory
// until then. It logs the largest delay.
func TestChangeFeedInstances(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			url := db.URL(t)
			a, b := newFeedInstance(t, url), newFeedInstance(t, url)
			users := map[string]*core.User{}
			for _, name := range []string{"amy", "ben", "cat", "dan", "eve"} {
				u, err := a.auth.CreateUser(t.Context(), core.NewUser{Username: name, Email: name + "@example.com", Password: "Secret-pass-123", EmailVerified: true})
				if err != nil {
					t.Fatal(err)
				}
				users[name] = u
			}
			warm := func(header [2]string) {
				t.Helper()
				for range 3 {
					if got := b.get(t, "/api/auth/user/", header); got != http.StatusOK {
						t.Fatalf("B before the change: %d", got)
					}
				}
			}
			var worst time.Duration
			record := func(what string, d time.Duration) {
				t.Logf("%s: refused on B after %v", what, d)
				worst = max(worst, d)
			}

			key, access := a.login(t, "amy")
			tokenH, jwtH := [2]string{"Authorization", "Token " + key}, [2]string{"Authorization", "Bearer " + access}
			warm(tokenH)
			warm(jwtH)
			a.post(t, "/api/auth/logout/", "", "", tokenH[0], tokenH[1])
			record("token logout on A", b.refusedWithin(t, "token after logout on A", time.Now(), tokenH))
			a.post(t, "/api/auth/logout/", "", "", jwtH[0], jwtH[1])
			record("JWT logout on A", b.refusedWithin(t, "JWT after logout on A", time.Now(), jwtH))

			mine, _ := a.login(t, "ben")
			other, otherAccess := b.login(t, "ben")
			warm([2]string{"Authorization", "Token " + other})
			warm([2]string{"Authorization", "Bearer " + otherAccess})
			res := a.post(t, "/api/auth/password/change/", `{"old_password":"Secret-pass-123","new_password1":"N3w-secret-pass","new_password2":"N3w-secret-pass"}`,
				"", "Authorization", "Token "+mine)
			if res.StatusCode != http.StatusOK {
				t.Fatalf("password change on A: %d", res.StatusCode)
			}
			changed := time.Now()
			record("password change on A (token)", b.refusedWithin(t, "other token after a password change", changed, [2]string{"Authorization", "Token " + other}))
			record("password change on A (JWT)", b.refusedWithin(t, "other JWT after a password change", changed, [2]string{"Authorization", "Bearer " + otherAccess}))

			key, access = b.login(t, "cat")
			warm([2]string{"Authorization", "Token " + key})
			warm([2]string{"Authorization", "Bearer " + access})
			if err := a.auth.Deactivate(t.Context(), users["cat"].ID); err != nil {
				t.Fatal(err)
			}
			changed = time.Now()
			record("Deactivate on A (token)", b.refusedWithin(t, "token after Deactivate on A", changed, [2]string{"Authorization", "Token " + key}))
			record("Deactivate on A (JWT)", b.refusedWithin(t, "JWT after Deactivate on A", changed, [2]string{"Authorization", "Bearer " + access}))

			// Behind both instances: a third pool writes, as the CLI does.
			cli := sqltest.Open(t, url)
			key, access = b.login(t, "dan")
			warm([2]string{"Authorization", "Token " + key})
			warm([2]string{"Authorization", "Bearer " + access})
			if err := cli.SetActive(t.Context(), users["dan"].ID, false); err != nil {
				t.Fatal(err)
			}
			changed = time.Now()
			record("SetActive in the store (token)", b.refusedWithin(t, "token after SetActive in the store", changed, [2]string{"Authorization", "Token " + key}))
			record("SetActive in the store (JWT)", b.refusedWithin(t, "JWT after SetActive in the store", changed, [2]string{"Authorization", "Bearer " + access}))

			// And B serves a credential from memory beyond the bound
			// while nothing changes: no read fails it when the user's row
			// is gone behind the feed's back (a hand-written DELETE that
			// adds no change is seen only at the maximum age).
			key, _ = b.login(t, "eve")
			warm([2]string{"Authorization", "Token " + key})
			deleteWithoutChange(t, cli, users["eve"].ID)
			time.Sleep(2 * feedBound)
			if got := b.get(t, "/api/auth/user/", [2]string{"Authorization", "Token " + key}); got != http.StatusOK {
				t.Errorf("B after 2×bound with a fresh feed and no change: %d, want 200 from memory", got)
			}
			t.Logf("largest delay before instance B refused a credential changed elsewhere: %v (RevocationStaleness %v)", worst, feedBound)
		})
	}
}

// deleteWithoutChange deletes user id's row as a script unaware of the
// change feed would: no change is added.
func deleteWithoutChange(t *testing.T, s *sqlstore.Store, id int64) {
	t.Helper()
	if _, err := s.DB().ExecContext(t.Context(), s.DB().Rebind("DELETE FROM restauth_user WHERE id = ?"), id); err != nil {
		t.Fatal(err)
	}
}

// TestChangeFeedGap holds a transaction that wrote a change (a
// deactivation, as a script following the feed's rules writes it) while a
// later change commits and is read by instance B: the earlier change,
// committed afterwards out of Seq order, is still enforced on B within
// the bound. A reader that asked only for Seqs above the highest it had
// read would never see it, and serve the user from memory for minutes.
// SQLite serialises writers, so the case cannot arise there.
func TestChangeFeedGap(t *testing.T) {
	for _, db := range []sqltest.DB{sqltest.Postgres(), sqltest.MySQL()} {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			url := db.URL(t)
			a, b := newFeedInstance(t, url), newFeedInstance(t, url)
			var ids []int64
			for _, name := range []string{"amy", "bob"} {
				u, err := a.auth.CreateUser(t.Context(), core.NewUser{Username: name, Email: name + "@example.com", Password: "Secret-pass-123", EmailVerified: true})
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, u.ID)
			}
			amy, _ := b.login(t, "amy")
			bob, _ := b.login(t, "bob")
			amyH, bobH := [2]string{"Authorization", "Token " + amy}, [2]string{"Authorization", "Token " + bob}
			for _, h := range [][2]string{amyH, bobH} {
				if got := b.get(t, "/api/auth/user/", h); got != http.StatusOK {
					t.Fatalf("B before the changes: %d", got)
				}
			}

			raw := a.store.DB()
			tx, err := raw.BeginTxx(t.Context(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback() //nolint:errcheck // no-op after Commit
			if _, err := tx.ExecContext(t.Context(), raw.Rebind("UPDATE restauth_user SET is_active = ? WHERE id = ?"), false, ids[1]); err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(t.Context(), raw.Rebind("INSERT INTO restauth_changes (user_id, created) VALUES (?, ?)"), ids[1], time.Now().UnixMicro()); err != nil {
				t.Fatal(err)
			}

			// A later change commits first; B reads it (a Seq above the
			// one held uncommitted).
			a.post(t, "/api/auth/logout/", "", "", amyH[0], amyH[1])
			b.refusedWithin(t, "amy after logout on A", time.Now(), amyH)
			time.Sleep(feedBound) // several more reads of the feed past the gap
			if got := b.get(t, "/api/auth/user/", bobH); got != http.StatusOK {
				t.Fatalf("bob on B before the held change commits: %d", got)
			}

			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			d := b.refusedWithin(t, "bob after the held change committed", time.Now(), bobH)
			t.Logf("a change committed out of Seq order was enforced on B after %v (RevocationStaleness %v)", d, feedBound)
		})
	}
}

// TestWaitChange checks the store's notifications (core.ChangeNotifier):
// on PostgreSQL, a waiter on one pool is woken by a change committed
// through another, but not by a change of another schema; it returns at
// once for a Seq already notified, fails after Close; on SQLite and
// MySQL it is unsupported.
func TestWaitChange(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			url := db.URL(t)
			writer, waiter := sqltest.Open(t, url), sqltest.Open(t, url)
			if db.Name != "Postgres" {
				if err := waiter.WaitChange(t.Context(), 0); !errors.Is(err, errors.ErrUnsupported) {
					t.Fatalf("WaitChange on %s = %v, want errors.ErrUnsupported", db.Name, err)
				}
				return
			}
			u := &core.User{Username: "alice", PasswordHash: "h", IsActive: true}
			if err := writer.CreateUser(t.Context(), u); err != nil {
				t.Fatal(err)
			}
			// The first call starts listening and returns when it does.
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			if err := waiter.WaitChange(ctx, 0); err != nil {
				t.Fatalf("WaitChange while starting to listen: %v", err)
			}

			// Another schema's change does not wake the waiter.
			elsewhere := sqltest.Open(t, db.URL(t))
			other := &core.User{Username: "bob", PasswordHash: "h", IsActive: true}
			if err := elsewhere.CreateUser(t.Context(), other); err != nil {
				t.Fatal(err)
			}
			woke := make(chan error, 1)
			go func() { woke <- waiter.WaitChange(ctx, 0) }()
			if err := elsewhere.SetActive(t.Context(), other.ID, false); err != nil {
				t.Fatal(err)
			}
			select {
			case err := <-woke:
				t.Fatalf("a change in another schema woke the waiter: %v", err)
			case <-time.After(500 * time.Millisecond):
			}

			start := time.Now()
			if err := writer.SetActive(t.Context(), u.ID, false); err != nil {
				t.Fatal(err)
			}
			if err := <-woke; err != nil {
				t.Fatalf("WaitChange after a change through another pool: %v", err)
			}
			t.Logf("notified after %v", time.Since(start))
			latest, err := writer.LatestChange(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			quick, cancelQuick := context.WithTimeout(t.Context(), 100*time.Millisecond)
			defer cancelQuick()
			if err := waiter.WaitChange(quick, latest-1); err != nil {
				t.Errorf("WaitChange for a Seq already notified: %v, want nil at once", err)
			}
			if err := waiter.WaitChange(quick, latest); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("WaitChange with nothing new = %v, want the context's deadline", err)
			}
			if err := waiter.Close(); err != nil {
				t.Fatal(err)
			}
			if err := waiter.WaitChange(t.Context(), latest); err == nil || errors.Is(err, errors.ErrUnsupported) {
				t.Errorf("WaitChange after Close = %v, want an error", err)
			}
		})
	}
}

// TestChangeFeedMigration: the feed's table exists after Migrate, starts
// empty, and a change written by hand (a script following the rules)
// reads back.
func TestChangeFeedMigration(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			s := sqltest.Open(t, db.URL(t))
			if latest, err := s.LatestChange(t.Context()); err != nil || latest != 0 {
				t.Fatalf("LatestChange of a new database = %d, %v", latest, err)
			}
			q := s.DB().Rebind("INSERT INTO restauth_changes (user_id, family, created) VALUES (?, ?, ?)")
			if _, err := s.DB().ExecContext(t.Context(), q, 7, strings.Repeat("f", 32), time.Now().UnixMicro()); err != nil {
				t.Fatal(err)
			}
			cs, err := s.Changes(t.Context(), 0, 10)
			if err != nil || len(cs) != 1 || cs[0].UserID != 7 || cs[0].Family != strings.Repeat("f", 32) || cs[0].TokenDigest != "" || cs[0].Seq <= 0 {
				t.Errorf("Changes = %+v, %v", cs, err)
			}
		})
	}
}

// getUntil requests path with header on in until it answers want or
// within has passed, and returns the last status.
func (in *instance) getUntil(t *testing.T, path string, header [2]string, want int, within time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		got := in.get(t, path, header)
		if got == want || time.Now().After(deadline) {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
}
