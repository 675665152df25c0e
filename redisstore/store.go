package redisstore

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/restauth/restauth/core"
)

// Defaults of the options.
const (
	// DefaultPrefix starts every key the Store writes.
	DefaultPrefix = "restauth:"
	// DefaultThrottleGrace is how long a rate-limit counter outlives its
	// window in Redis (see WithThrottleGrace).
	DefaultThrottleGrace = 5 * time.Second
)

// Store is restauth's state in one Redis deployment: ThrottleStore and
// SessionStore return views on it, and ChangeNotifier carries the change
// feed's wake-ups between instances. It is safe for concurrent use. Build
// it with New or Open.
type Store struct {
	client   redis.UniversalClient
	prefix   string
	grace    time.Duration
	channel  *string // WithChangeChannel; nil: prefix + "changes"
	notifier *ChangeNotifier
	owned    bool // Open made the client: Close closes it
}

// Option configures New and Open.
type Option func(*Store)

// WithPrefix sets the prefix of every key (default DefaultPrefix), so
// that several applications, or the tests of one, can share a Redis
// database. New refuses an empty prefix.
func WithPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// WithThrottleGrace sets how long a rate-limit counter stays in Redis after
// its window ended by the clock of the instance that started the window
// (default DefaultThrottleGrace). It covers instances whose clocks
// disagree: a counter expired too early would let a lagging instance
// start the window again at 1. 0 expires counters at the end of their
// window; New refuses a negative grace.
func WithThrottleGrace(d time.Duration) Option {
	return func(s *Store) { s.grace = d }
}

// New returns a Store on client, configured by opts. It sends nothing to
// Redis. The caller owns client: Close leaves it open. New fails if
// client is nil or an option is invalid.
func New(client redis.UniversalClient, opts ...Option) (*Store, error) {
	if isNil(client) {
		return nil, errors.New("redisstore: New: nil client")
	}
	s := &Store{client: client, prefix: DefaultPrefix, grace: DefaultThrottleGrace}
	for _, opt := range opts {
		if opt != nil {
			opt(s)
		}
	}
	switch {
	case s.prefix == "":
		return nil, errors.New("redisstore: New: empty key prefix")
	case s.grace < 0:
		return nil, errors.New("redisstore: New: negative throttle grace")
	case s.channel != nil && *s.channel == "":
		return nil, errors.New("redisstore: New: empty change channel")
	}
	channel := s.prefix + "changes"
	if s.channel != nil {
		channel = *s.channel
	}
	s.notifier = newChangeNotifier(client, channel)
	return s, nil
}

// isNil reports a nil client, including a typed nil pointer of the
// go-redis client types.
func isNil(c redis.UniversalClient) bool {
	switch c := c.(type) {
	case nil:
		return true
	case *redis.Client:
		return c == nil
	case *redis.ClusterClient:
		return c == nil
	case *redis.Ring:
		return c == nil
	}
	return false
}

// Open connects to the Redis server at rawURL, parsed by redis.ParseURL
// ("redis://[user:password@]host[:port][/db][?options]", "rediss://…" for
// TLS, "unix://…"), and pings it under ctx. For Sentinel, Cluster or Ring,
// build the client and call New. The Store owns the client: Close closes
// it. Errors never include the URL's password; a failed ping wraps
// core.ErrUnavailable.
func Open(ctx context.Context, rawURL string, opts ...Option) (*Store, error) {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			// url.Error quotes the whole URL, password included.
			return nil, errors.New("redisstore: Open: malformed URL (percent-encode special characters in the user name and password)")
		}
		return nil, redactedError("redisstore: Open: "+err.Error(), rawURL, err)
	}
	client := redis.NewClient(o)
	s, err := New(client, opts...)
	if err != nil {
		client.Close()
		return nil, err
	}
	s.owned = true
	if err := client.Ping(ctx).Err(); err != nil {
		client.Close()
		return nil, redactedError("redisstore: Open: ping: "+err.Error(), rawURL, wrap("ping", err))
	}
	return s, nil
}

// Client returns the go-redis client, for health checks and the
// application's own keys.
func (s *Store) Client() redis.UniversalClient { return s.client }

// Close stops the change notifier's subscription, if it was started,
// and closes the client if Open made it; a client given to New stays
// open, as its caller owns it. The Store must not be used after Close:
// close it after the core.Auth built on it (Auth.Close publishes the
// wake-ups still due).
func (s *Store) Close() error {
	s.notifier.close()
	if !s.owned {
		return nil
	}
	return s.client.Close()
}

// key returns the Redis key of name in kind ("throttle", "session").
func (s *Store) key(kind, name string) string {
	return s.prefix + kind + ":" + name
}

// wrap marks a failed Redis call: the result wraps core.ErrUnavailable
// and err.
func wrap(op string, err error) error {
	return &redisError{op: op, err: err}
}

// redisError is a failed Redis call.
type redisError struct {
	op  string
	err error
}

// Error returns "redisstore: <op>: <go-redis error>".
func (e *redisError) Error() string { return "redisstore: " + e.op + ": " + e.err.Error() }

// Unwrap returns core.ErrUnavailable and the go-redis error.
func (e *redisError) Unwrap() []error { return []error{core.ErrUnavailable, e.err} }

// redactedError returns an error whose text is msg with the password of
// rawURL masked, wrapping err.
func redactedError(msg, rawURL string, err error) error {
	if u, perr := url.Parse(rawURL); perr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			for _, spelling := range []string{pw, url.QueryEscape(pw), url.PathEscape(pw)} {
				msg = strings.ReplaceAll(msg, spelling, "xxxxx")
			}
		}
	}
	return &maskedError{msg: msg, err: err}
}

// maskedError carries a redacted message and the original error.
type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }
