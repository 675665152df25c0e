package mysql_test

import (
	"context"
	"crypto/tls"
	"database/sql"
	"log"

	gomysql "github.com/go-sql-driver/mysql"
	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/mysql"
)

// Open MySQL or MariaDB. Both URL spellings work; the session is forced
// to a strict sql_mode, UTC and utf8mb4. The program links
// go-sql-driver/mysql and neither of the other drivers.
func ExampleOpen() {
	ctx := context.Background()
	for _, url := range []string{
		"mysql://app:secret@db.internal:3306/app",
		"mysql://app:secret@tcp(db.internal:3306)/app?timeout=5s",
	} {
		store, err := mysql.Open(ctx, url)
		if err != nil {
			log.Fatal(err)
		}
		store.Close()
	}
}

// Build the pool yourself, here with the application's own TLS
// configuration, keeping the settings Open would force, and hand it to
// sqlstore.New.
func ExampleConfig() {
	cfg, err := mysql.Config("mysql://app:secret@db.internal:3306/app")
	if err != nil {
		log.Fatal(err)
	}
	cfg.TLS = &tls.Config{ServerName: "db.internal", MinVersion: tls.VersionTLS13}
	connector, err := gomysql.NewConnector(cfg)
	if err != nil {
		log.Fatal(err)
	}
	db := sqlx.NewDb(sql.OpenDB(connector), "mysql")
	defer db.Close()

	store, err := sqlstore.New(db, mysql.Driver())
	if err != nil {
		log.Fatal(err)
	}
	if err := store.Migrate(context.Background()); err != nil {
		log.Fatal(err)
	}
}
