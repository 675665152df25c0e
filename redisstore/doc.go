// Package redisstore keeps restauth's shared, short-lived state in Redis:
// rate-limit counters (a core.ThrottleStore) and server-side sessions (a
// gorilla/sessions Store for core.MethodSession), for deployments whose
// instances outgrow one database; and it carries the wake-ups of the
// change feed between instances over pub/sub (a core.ChangeNotifier for
// core.Config.ChangeNotifier). Users, tokens, refresh tokens and the
// change feed's rows stay in the core.Store (sqlstore or your own);
// redisstore does not implement core.Store.
//
// A Store wraps a go-redis client: New takes a redis.UniversalClient the
// application built (a single server, Sentinel, Cluster or Ring), Open
// builds one from a redis:// URL and pings it.
//
//	store, err := redisstore.Open(ctx, "redis://127.0.0.1:6379/0")
//	…
//	auth, err := core.New(core.Config{
//		Store:          users, // a sqlstore.Store, say
//		Methods:        []core.Method{core.MethodSession},
//		Session:        core.SessionConfig{Store: store.SessionStore()},
//		Throttle:       core.ThrottleConfig{Store: store.ThrottleStore()},
//		ChangeNotifier: store.ChangeNotifier(),
//		…
//	})
//
// Configure does that wiring for an application that picks Redis at run
// time, from a URL that may be empty (the starters' RESTAUTH_REDIS_URL):
//
//	redisState, err := redisstore.Configure(ctx, &cfg, settings.RedisURL)
//	…
//	defer redisState.Close()
//
// # Change-feed wake-ups
//
// On SQLite and MySQL each instance learns of a logout, password change
// or deactivation made elsewhere at its next read of the change feed,
// every RevocationStaleness/4. With Store.ChangeNotifier as
// core.Config.ChangeNotifier, each instance publishes the feed's latest
// Seq on a pub/sub channel after its own such writes (in the background;
// never delaying or failing a request), and every instance reads the feed
// as soon as a Seq above what it read arrives: within milliseconds. The
// rows stay in the database, written in the same transaction as each
// write; a message lost or never sent (Redis down, a script writing the
// tables) costs latency, never the bound. The channel is the prefix
// followed by "changes" unless WithChangeChannel names another: one per
// database. Close the core.Auth before the Store (Auth.Close publishes
// what is due). See docs/design.md §10.
//
// # Keys
//
// Every key starts with the Store's prefix (WithPrefix, default
// "restauth:"): rate-limit counters are "<prefix>throttle:<key>", a hash of
// the window start and the count, and sessions "<prefix>session:<id>", a
// hash of the encoded values and the expiry. Each operation touches one
// key, so a Cluster spreads them over its slots. Every key carries a TTL:
// Redis itself deletes ended windows and expired sessions, so there is no
// cleanup to run.
//
// # Failures
//
// An error from Redis (unreachable, closed client, cancelled context)
// wraps core.ErrUnavailable and the go-redis error, so errors.Is finds
// context.Canceled and the like. restauth then answers 503 for sessions,
// and counts rate limits in process until Redis answers again. Errors
// never contain keys, session IDs or the URL's password.
package redisstore
