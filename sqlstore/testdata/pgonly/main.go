// Command pgonly is a PostgreSQL-only program: deps_test.go checks that
// it links neither the SQLite nor the MySQL driver.
package main

import (
	"context"
	"log"
	"os"

	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/postgres"
)

func main() {
	store, err := sqlstore.Open(context.Background(), os.Getenv("RESTAUTH_DATABASE_URL"), postgres.Driver())
	if err != nil {
		log.Fatal(err)
	}
	store.Close()
}
