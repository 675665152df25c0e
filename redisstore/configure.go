package redisstore

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/restauth/restauth/core"
)

// Configure moves cfg's shared, short-lived state to the Redis server at
// rawURL, for applications that choose Redis at run time (the starters'
// RESTAUTH_REDIS_URL): it opens a Store (Open, with opts), sets
// cfg.Throttle.Store to its ThrottleStore, when cfg.Methods include
// core.MethodSession cfg.Session.Store to its SessionStore, and when
// cfg.Store has a change feed (core.ChangeFeed: sqlstore, memstore)
// cfg.ChangeNotifier to its ChangeNotifier, so that the feed's wake-ups
// travel over Redis pub/sub (changes reach every instance within
// milliseconds, on SQLite and MySQL too); and it returns the Store, to be
// closed once the service built from cfg has shut down (after
// Auth.Close). Call it once the store and the methods are set (after
// envconfig's Settings.Apply).
//
// rawURL is Open's, plus one query parameter of restauth's: prefix=P
// sets the key prefix (WithPrefix; percent-encoded like any query value),
// so that several applications or deployments can share a Redis
// database: "redis://cache:6379/0?prefix=shop:". Options in opts apply
// after it.
//
// An empty rawURL changes nothing and returns a Closer that does nothing,
// so that callers need no branch:
//
//	redisState, err := redisstore.Configure(ctx, &cfg, settings.RedisURL)
//	if err != nil {
//		return err
//	}
//	defer redisState.Close()
//
// If Redis cannot be reached (Open pings it under ctx), Configure fails
// and leaves cfg unchanged: an application configured for Redis does not
// start without it. On success it logs, through cfg.Logger, what moved to
// Redis and the server's address, never the URL's password. Users,
// tokens, refresh tokens and the change feed's rows stay in cfg.Store.
func Configure(ctx context.Context, cfg *core.Config, rawURL string, opts ...Option) (io.Closer, error) {
	if cfg == nil {
		return nil, errors.New("redisstore: Configure: nil config")
	}
	if rawURL == "" {
		return nopCloser{}, nil
	}
	rawURL, opts = prefixFromURL(rawURL, opts)
	s, err := Open(ctx, rawURL, opts...)
	if err != nil {
		return nil, err
	}
	cfg.Throttle.Store = s.ThrottleStore()
	sessions := slices.Contains(cfg.Methods, core.MethodSession)
	if sessions {
		cfg.Session.Store = s.SessionStore()
	}
	_, feed := cfg.Store.(core.ChangeFeed)
	if feed {
		cfg.ChangeNotifier = s.ChangeNotifier()
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	addr := ""
	if c, ok := s.client.(*redis.Client); ok {
		addr = c.Options().Addr
	}
	moved := []string{"rate limits"}
	if sessions {
		moved = append(moved, "sessions")
	}
	if feed {
		moved = append(moved, "change-feed wake-ups")
	}
	msg := "restauth: " + strings.Join(moved[:len(moved)-1], ", ")
	if len(moved) > 1 {
		msg += " and "
	}
	msg += moved[len(moved)-1] + " in Redis"
	attrs := []any{"addr", addr, "prefix", s.prefix}
	if feed {
		attrs = append(attrs, "channel", s.notifier.Channel())
	}
	logger.Info(msg, attrs...)
	return s, nil
}

// prefixFromURL removes the prefix query parameter from rawURL and
// returns opts with WithPrefix of its value first. A URL that does not
// parse is returned as is, for Open to refuse without echoing it.
func prefixFromURL(rawURL string, opts []Option) (string, []Option) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL, opts
	}
	q := u.Query()
	if !q.Has("prefix") {
		return rawURL, opts
	}
	prefix := q.Get("prefix")
	q.Del("prefix")
	u.RawQuery = q.Encode()
	return u.String(), append([]Option{WithPrefix(prefix)}, opts...)
}

// nopCloser is the Closer of a Configure that opened nothing.
type nopCloser struct{}

func (nopCloser) Close() error { return nil }
