package redisstore

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/restauth/restauth/core/sessionkit"
)

// redisSessions is SessionStore's sessionkit.Backend: one hash per
// session with the fields d (the encoded values) and e (the expiry, Unix
// microseconds), and a TTL. Every failure wraps core.ErrUnavailable.
type redisSessions struct {
	store *Store
	owner *SessionStore // for its clock
}

var _ sessionkit.Backend = redisSessions{}

// maxSessionTTL caps the TTL of a session key, in milliseconds: a hundred
// years, far below what would overflow Redis's expiry arithmetic.
const maxSessionTTL = 100 * 365 * 24 * int64(time.Hour/time.Millisecond)

// sessionTTL is the TTL, in milliseconds, of a session expiring at
// expires seen at now (Unix microseconds): at least 1, at most
// maxSessionTTL, rounded up.
func sessionTTL(expires, now int64) int64 {
	if expires <= now {
		return 1
	}
	d := expires - now
	if d < 0 /* overflowed */ || d/1000 >= maxSessionTTL {
		return maxSessionTTL
	}
	return (d + 999) / 1000
}

// insertScript stores a new session unless its key exists. KEYS[1]: the
// session. ARGV: data, expires, TTL (ms). Returns 1 if stored, 0 if taken.
var insertScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'd', ARGV[1], 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`)

// updateScript rewrites a session only while it is live. KEYS[1]: the
// session. ARGV: data, expires, TTL (ms), now. Returns 1 if rewritten, 0
// if the session is not stored or expired at now.
var updateScript = redis.NewScript(`
local e = tonumber(redis.call('HGET', KEYS[1], 'e'))
if not e or e <= tonumber(ARGV[4]) then
  return 0
end
redis.call('HSET', KEYS[1], 'd', ARGV[1], 'e', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`)

// Load implements sessionkit.Backend with one HMGET.
func (b redisSessions) Load(ctx context.Context, id string, now int64) ([]byte, bool, error) {
	vals, err := b.store.client.HMGet(ctx, b.store.key("session", id), "d", "e").Result()
	if err != nil {
		return nil, false, wrap("load session", err)
	}
	data, okData := vals[0].(string)
	e, okExp := vals[1].(string)
	if !okData || !okExp {
		return nil, false, nil // not stored (or not a session of this store)
	}
	expires, err := strconv.ParseInt(e, 10, 64)
	if err != nil || expires <= now {
		return nil, false, nil
	}
	return []byte(data), true, nil
}

// Insert implements sessionkit.Backend. The Backend is not told the
// time, so the TTL is counted from the store's clock read here, after the
// Engine's: at most microseconds short, which rounding up to a millisecond
// absorbs.
func (b redisSessions) Insert(ctx context.Context, id string, data []byte, expires int64) error {
	n, err := insertScript.Run(ctx, b.store.client, []string{b.store.key("session", id)},
		data, expires, sessionTTL(expires, b.owner.now().UnixMicro())).Int64()
	if err != nil {
		return wrap("insert session", err)
	}
	if n == 0 {
		return sessionkit.ErrIDTaken
	}
	return nil
}

// Update implements sessionkit.Backend.
func (b redisSessions) Update(ctx context.Context, id string, data []byte, expires, now int64) error {
	n, err := updateScript.Run(ctx, b.store.client, []string{b.store.key("session", id)},
		data, expires, sessionTTL(expires, now), now).Int64()
	if err != nil {
		return wrap("update session", err)
	}
	if n == 0 {
		return sessionkit.ErrGone
	}
	return nil
}

// Delete implements sessionkit.Backend with one DEL.
func (b redisSessions) Delete(ctx context.Context, id string) error {
	if err := b.store.client.Del(ctx, b.store.key("session", id)).Err(); err != nil {
		return wrap("delete session", err)
	}
	return nil
}

// DeleteExpired implements sessionkit.Backend: Redis deletes expired
// sessions by their TTL, so there is nothing to do; a done ctx still
// returns an error (wrapping core.ErrUnavailable).
func (b redisSessions) DeleteExpired(ctx context.Context, _ int64) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, wrap("clean up sessions", err)
	}
	return 0, nil
}
