package redisstore_test

import (
	"context"
	"log"
	"net/http"
	"os"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/memstore"
	"github.com/restauth/restauth/redisstore"
)

// Example wires Redis in for rate limits and sessions, so that every
// instance of the application shares them. It needs a Redis server, so it
// is compiled but not run.
func Example() {
	ctx := context.Background()
	store, err := redisstore.Open(ctx, os.Getenv("REDIS_URL")) // redis://host:6379/0
	if err != nil {
		log.Fatal(err)
	}
	defer store.Close()

	auth, err := core.New(core.Config{
		Store:     memstore.New(), // users: sqlstore in production
		SecretKey: []byte(os.Getenv("SECRET_KEY")),
		Methods:   []core.Method{core.MethodSession},
		Session:   core.SessionConfig{Store: store.SessionStore()},
		Throttle:  core.ThrottleConfig{Store: store.ThrottleStore()},
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(http.ListenAndServe(":8080", auth.Handler()))
}
