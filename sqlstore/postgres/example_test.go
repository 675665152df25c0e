package postgres_test

import (
	"context"
	"log"
	"time"

	"github.com/restauth/restauth/sqlstore/postgres"
)

// Open PostgreSQL with a time limit on connecting and migrating. The URL
// is anything pgx accepts; query parameters it does not know, such as
// search_path, are sent as run-time parameters. The program links pgx and
// neither of the other drivers.
func ExampleOpen() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	store, err := postgres.Open(ctx, "postgres://app:secret@db.internal:5432/app?sslmode=verify-full&search_path=auth")
	if err != nil {
		log.Fatal(err) // the error never contains the password
	}
	defer store.Close()
}
