package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/sqlstore"
)

// Open an SQLite file (created if missing), migrate it, and use the store.
// Usernames and emails are unique case-insensitively.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "restauth-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "auth.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	alice := &core.User{
		Username:     "Alice",
		Email:        "Alice@Example.com",
		PasswordHash: "!", // unusable password
		IsActive:     true,
		DateJoined:   time.Now(),
	}
	if err := store.CreateUser(ctx, alice); err != nil {
		log.Fatal(err)
	}
	found, err := store.UserByEmail(ctx, "alice@example.COM")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(found.ID, found.Username, found.Email)

	err = store.CreateUser(ctx, &core.User{Username: "ALICE", PasswordHash: "!"})
	fmt.Println(errors.Is(err, core.ErrUsernameTaken))
	// Output:
	// 1 Alice Alice@Example.com
	// true
}

// Open PostgreSQL with a time limit on connecting and migrating. The URL
// is anything pgx accepts; query parameters it does not know, such as
// search_path, are sent as run-time parameters.
func ExampleOpen_postgres() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	store, err := sqlstore.Open(ctx, "postgres://app:secret@db.internal:5432/app?sslmode=verify-full&search_path=auth")
	if err != nil {
		log.Fatal(err) // the error never contains the password
	}
	defer store.Close()
}

// Open MySQL or MariaDB. Both URL spellings work; the session is forced
// to a strict sql_mode, UTC and utf8mb4.
func ExampleOpen_mysql() {
	ctx := context.Background()
	for _, url := range []string{
		"mysql://app:secret@db.internal:3306/app",
		"mysql://app:secret@tcp(db.internal:3306)/app?timeout=5s",
	} {
		store, err := sqlstore.Open(ctx, url)
		if err != nil {
			log.Fatal(err)
		}
		store.Close()
	}
}

// Deploy the schema in a separate step, then start the application without
// migrating.
func ExampleWithoutMigrate() {
	ctx := context.Background()
	url := os.Getenv("RESTAUTH_DATABASE_URL")

	// Deployment step.
	migrator, err := sqlstore.Open(ctx, url) // migrates
	if err != nil {
		log.Fatal(err)
	}
	migrator.Close()

	// Application.
	store, err := sqlstore.Open(ctx, url, sqlstore.WithoutMigrate())
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
}

// Use a pool the application already has. The caller keeps ownership:
// Store.Close leaves the pool open.
func ExampleNew() {
	db, err := sqlx.Open("sqlite", "app.db?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	store, err := sqlstore.New(db, sqlstore.SQLite)
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(context.Background()); err != nil {
		log.Fatal(err)
	}
}

// Server-side sessions in the application's database: several instances
// on one database share sessions and logouts. Expired rows are deleted
// every ten minutes.
func ExampleStore_SessionStore() {
	dir, err := os.MkdirTemp("", "restauth-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	sessions := store.SessionStore()
	defer sessions.StartCleanup(10 * time.Minute)()

	// Login: Save gives the new session its ID and sets the cookie.
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/login", nil)
	sess, err := sessions.Get(r, "sessionid")
	if err != nil {
		log.Fatal(err) // wraps core.ErrUnavailable: answer 503
	}
	sess.Values["_auth_user_id"] = int64(42)
	w := httptest.NewRecorder()
	if err := sess.Save(r, w); err != nil {
		log.Fatal(err)
	}
	cookie := w.Result().Cookies()[0]
	fmt.Println(cookie.Name, len(cookie.Value), cookie.MaxAge, cookie.HttpOnly, cookie.SameSite == http.SameSiteLaxMode)

	// Another request (possibly on another instance) carries the cookie.
	r = httptest.NewRequestWithContext(ctx, http.MethodGet, "/me", nil)
	r.AddCookie(&http.Cookie{Name: "sessionid", Value: cookie.Value})
	sess, err = sessions.Get(r, "sessionid")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sess.IsNew, sess.Values["_auth_user_id"])

	// Logout deletes the row: the cookie is worthless from now on.
	sess.Options.MaxAge = -1
	if err := sess.Save(r, httptest.NewRecorder()); err != nil {
		log.Fatal(err)
	}
	r = httptest.NewRequestWithContext(ctx, http.MethodGet, "/me", nil)
	r.AddCookie(&http.Cookie{Name: "sessionid", Value: cookie.Value})
	sess, err = sessions.Get(r, "sessionid")
	fmt.Println(sess.IsNew, sess.ID == "", err)
	// Output:
	// sessionid 32 1209600 true true
	// false 42
	// true true <nil>
}
