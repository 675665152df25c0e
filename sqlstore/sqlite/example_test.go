package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/restauth/restauth/sqlstore/sqlite"
)

// Open an SQLite file, created and migrated if needed. The program links
// modernc.org/sqlite and neither of the other drivers.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "restauth-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	store, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(dir, "auth.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()
	fmt.Println(store.Dialect(), store.DB().Stats().MaxOpenConnections)
	// Output:
	// sqlite 16
}
