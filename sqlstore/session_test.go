package sqlstore_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/sessionkit"
	"github.com/restauth/restauth/core/storetest"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// sessionBackend opens session stores on the database at url, each on a
// Store of its own (a process of its own); Break closes them all.
func sessionBackend(url string, now func() time.Time) storetest.SessionBackend {
	var opened []*sqlstore.Store
	return storetest.SessionBackend{
		Open: func(t *testing.T) sessions.Store {
			s := sqltest.Open(t, url)
			opened = append(opened, s)
			return s.SessionStore(sqlstore.WithSessionClock(now))
		},
		Break: func(t *testing.T) {
			for _, s := range opened {
				if err := s.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
			}
		},
	}
}

// TestSessionStore runs the session suite on every available database,
// with two Stores (two connection pools) on one database as two instances.
func TestSessionStore(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			storetest.RunSessionStore(t, func(t *testing.T, now func() time.Time) storetest.SessionBackend {
				return sessionBackend(db.URL(t), now)
			})
		})
	}
}

// TestSessionStoreSQLiteMemory runs the suite on "sqlite::memory:", whose
// pool is its single connection: instances are SessionStores of one Store.
func TestSessionStoreSQLiteMemory(t *testing.T) {
	storetest.RunSessionStore(t, func(t *testing.T, now func() time.Time) storetest.SessionBackend {
		s := sqltest.Open(t, "sqlite::memory:")
		return storetest.SessionBackend{
			Open:  func(*testing.T) sessions.Store { return s.SessionStore(sqlstore.WithSessionClock(now)) },
			Break: func(*testing.T) { s.Close() },
		}
	})
}

// TestSessionStoreMySQLWithoutFoundRows runs the suite on a pool without
// clientFoundRows, built with New: an update that changes nothing reports
// zero rows, which must not read as a deleted session.
func TestSessionStoreMySQLWithoutFoundRows(t *testing.T) {
	sqltest.RequireEnv(t, sqltest.EnvMySQL)
	storetest.RunSessionStore(t, func(t *testing.T, now func() time.Time) storetest.SessionBackend {
		s := newMySQLWithoutFoundRows(t)
		return storetest.SessionBackend{
			Open:  func(*testing.T) sessions.Store { return s.SessionStore(sqlstore.WithSessionClock(now)) },
			Break: func(*testing.T) { s.DB().Close() },
		}
	})
}

// TestSessionCorruptData: a row whose data no longer decodes reads as no
// session, without an error, on every database.
func TestSessionCorruptData(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			s := sqltest.Open(t, db.URL(t))
			ss := s.SessionStore()
			id := sessionkit.NewID()
			if _, err := s.DB().ExecContext(t.Context(), sqlstore.StoreQueries(s).InsertSession, id, []byte("not gob"), sessionkit.Expiry(time.Now(), 60)); err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.AddCookie(&http.Cookie{Name: "sessionid", Value: id})
			sess, err := ss.New(r, "sessionid")
			if err != nil || !sess.IsNew || sess.ID != "" {
				t.Errorf("New over corrupt data = IsNew %v, ID %q, %v; want a new session, no error", sess.IsNew, sess.ID, err)
			}
		})
	}
}

// TestSessionCleanupErrorHandler: StartCleanup reports the errors of its
// periodic Cleanup to the handler.
func TestSessionCleanupErrorHandler(t *testing.T) {
	s := sqltest.Open(t, sqltest.SQLiteURL(t))
	errs := make(chan error, 100)
	ss := s.SessionStore(sqlstore.WithSessionCleanupErrorHandler(func(err error) { errs <- err }))
	s.Close()
	stop := ss.StartCleanup(time.Millisecond)
	defer stop()
	select {
	case err := <-errs:
		if !errors.Is(err, core.ErrUnavailable) {
			t.Errorf("reported %v, want core.ErrUnavailable", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no cleanup error reported within 10s")
	}
}

// TestSessionStoreOptions: the session table comes with Open's
// migrations and the options apply.
func TestSessionStoreOptions(t *testing.T) {
	s := sqltest.Open(t, sqltest.SQLiteURL(t))
	ss := s.SessionStore(sqlstore.WithSessionCookieOptions(sessions.Options{Path: "/api", MaxAge: 60}), sqlstore.WithSessionMaxSize(100))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	sess, err := ss.New(r, "sessionid")
	if err != nil {
		t.Fatal(err)
	}
	if sess.Options.Path != "/api" || sess.Options.MaxAge != 60 || sess.Options.HttpOnly {
		t.Errorf("Options = %+v, want the configured ones", *sess.Options)
	}
	sess.Values["big"] = string(make([]byte, 200))
	if err := ss.Save(r, httptest.NewRecorder(), sess); !errors.Is(err, sqlstore.ErrSessionTooLarge) {
		t.Errorf("Save over WithSessionMaxSize(100) = %v, want ErrSessionTooLarge", err)
	}
	delete(sess.Values, "big")
	if err := ss.Save(r, httptest.NewRecorder(), sess); err != nil {
		t.Fatal(err)
	}
	var expires int64
	if err := s.DB().GetContext(t.Context(), &expires, "SELECT expires FROM restauth_session WHERE id = ?", sess.ID); err != nil {
		t.Fatal(err)
	}
	if d := time.Until(sqlstore.FromMicros(expires)); d < 50*time.Second || d > 70*time.Second {
		t.Errorf("stored expiry in %v, want about 60s", d)
	}
}
