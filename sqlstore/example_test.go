package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/mysql"
	"github.com/restauth/restauth/sqlstore/postgres"
	"github.com/restauth/restauth/sqlstore/sqlite"
)

// Open the database a URL names, chosen at run time: the program links
// the drivers it passes, and no other. Here an SQLite file (created if
// missing) is opened and migrated. Usernames and emails are unique
// case-insensitively.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "restauth-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	url := "sqlite:" + filepath.Join(dir, "auth.db") // e.g. os.Getenv("RESTAUTH_DATABASE_URL")

	ctx := context.Background()
	store, err := sqlstore.Open(ctx, url, sqlite.Driver(), postgres.Driver(), mysql.Driver())
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
	fmt.Println(store.Dialect(), found.ID, found.Username, found.Email)

	err = store.CreateUser(ctx, &core.User{Username: "ALICE", PasswordHash: "!"})
	fmt.Println(errors.Is(err, core.ErrUsernameTaken))
	// Output:
	// sqlite 1 Alice Alice@Example.com
	// true
}

// A URL whose driver the program did not pass fails before connecting,
// naming the package to import. The error never quotes the URL.
func ExampleOpen_missingDriver() {
	_, err := sqlstore.Open(context.Background(), "postgres://app:secret@db.internal/app", sqlite.Driver())
	fmt.Println(errors.Is(err, sqlstore.ErrNoDriver))
	fmt.Println(err)
	// Output:
	// true
	// sqlstore: no driver for the database URL (postgres): import "github.com/restauth/restauth/sqlstore/postgres" and pass postgres.Driver()
}

// Deploy the schema in a separate step, then start the application with
// Connect, which does not migrate.
func ExampleConnect() {
	dir, err := os.MkdirTemp("", "restauth-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	url := "sqlite:" + filepath.Join(dir, "auth.db")
	ctx := context.Background()

	// Deployment step.
	migrator, err := sqlstore.Open(ctx, url, sqlite.Driver()) // migrates
	if err != nil {
		log.Fatal(err)
	}
	migrator.Close()

	// Application.
	store, err := sqlstore.Connect(ctx, url, sqlite.Driver())
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	_, err = store.UserByUsername(ctx, "nobody")
	fmt.Println(errors.Is(err, core.ErrNotFound))
	// Output:
	// true
}

// Use a pool the application already has, with the driver that matches
// it. The caller keeps ownership: Store.Close leaves the pool open.
func ExampleNew() {
	dir, err := os.MkdirTemp("", "restauth-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// sqlstore/sqlite links modernc.org/sqlite, which registers "sqlite".
	db, err := sqlx.Open("sqlite", filepath.Join(dir, "app.db")+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	store, err := sqlstore.New(db, sqlite.Driver())
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(context.Background()); err != nil {
		log.Fatal(err)
	}
	store.Close()
	fmt.Println(db.Ping() == nil)
	// Output:
	// true
}

// The migrations as files, for a migration tool. With goose
// (github.com/pressly/goose/v3), on a *sql.DB opened by the application:
//
//	provider, err := goose.NewProvider(goose.DialectPostgres, db, fsys)
//	…
//	_, err = provider.Up(ctx)
//
// and the application opens its Store with Connect, never Open.
func ExampleMigrations() {
	fsys, err := sqlstore.Migrations(sqlstore.Postgres)
	if err != nil {
		log.Fatal(err)
	}
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range names {
		fmt.Println(name)
	}
	// Output:
	// 0001_init.sql
	// 0002_refresh.sql
	// 0003_session.sql
	// 0004_throttle.sql
	// 0005_staff.sql
	// 0006_social.sql
	// 0007_changes.sql
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
	store, err := sqlite.Open(ctx, "sqlite:"+filepath.Join(dir, "app.db"))
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
