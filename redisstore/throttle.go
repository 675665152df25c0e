package redisstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/restauth/restauth/core"
)

// ThrottleStore is a core.ThrottleStore in Redis, so that rate limits
// hold across every instance sharing it. Build it with Store.ThrottleStore.
//
// A key has one counter, in the fixed window of the last hits: the Redis
// hash "<prefix>throttle:<key>" holds the window's start (Unix
// milliseconds) and the count. Windows start at multiples of their length
// since the Unix epoch, by the now the caller passes; Redis's own clock
// only runs the TTL.
//
//   - Hit is one Lua script (EVALSHA; EVAL once after Redis lost its script
//     cache): it adds one in the window containing now, or restarts the
//     counter at 1 when the stored window is an older one, and returns the
//     new count and the end of now's window. Concurrent hits, from any
//     number of instances, are all counted, each seeing a count of its own.
//     A hit whose window is older than the stored one (an instance whose
//     clock lags, at a window's edge) is counted in the stored window
//     instead of restarting it: counts may err high, never low. So may
//     they when go-redis retries a hit whose reply a broken connection
//     lost.
//   - Count reads the counter (one HMGET) and returns it if it belongs to
//     the window containing now, else 0; it never writes.
//   - A window's counter expires from Redis the throttle grace
//     (WithThrottleGrace) after the window ends.
//
// key is used verbatim in the Redis key: core passes "<scope>:<hash>",
// never a raw identifier. An empty key, one over 1024 bytes, or a window
// under a millisecond is refused with an error wrapping
// core.ErrInvalidValue before anything is sent. A Redis failure wraps
// core.ErrUnavailable; core then counts in process until Redis answers
// again.
type ThrottleStore struct {
	store *Store
}

var _ core.ThrottleStore = (*ThrottleStore)(nil)

// ThrottleStore returns the rate-limit counters of s.
func (s *Store) ThrottleStore() *ThrottleStore { return &ThrottleStore{store: s} }

// maxThrottleKey bounds a throttle key, in bytes.
const maxThrottleKey = 1024

// hitScript is one hit. KEYS[1]: the counter. ARGV[1]: the start of the
// caller's window (Unix ms). ARGV[2]: the TTL of a counter started now
// (ms). Returns the count after the hit.
var hitScript = redis.NewScript(`
local stored = tonumber(redis.call('HGET', KEYS[1], 's'))
if stored and stored >= tonumber(ARGV[1]) then
  return redis.call('HINCRBY', KEYS[1], 'c', 1)
end
redis.call('HSET', KEYS[1], 's', ARGV[1], 'c', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`)

// Hit implements core.ThrottleStore; see ThrottleStore.
func (t *ThrottleStore) Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	w, err := throttleWindow(key, window, now)
	if err != nil {
		return 0, time.Time{}, err
	}
	ttl := (w.endNs-now.UnixNano()+int64(time.Millisecond)-1)/int64(time.Millisecond) + t.store.grace.Milliseconds()
	if ttl < 1 {
		ttl = 1
	}
	n, err := hitScript.Run(ctx, t.store.client, []string{t.store.key("throttle", key)}, w.startMs, ttl).Int64()
	if err != nil {
		return 0, time.Time{}, wrap("throttle hit", err)
	}
	return int(n), w.end, nil
}

// Count implements core.ThrottleStore; see ThrottleStore.
func (t *ThrottleStore) Count(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	w, err := throttleWindow(key, window, now)
	if err != nil {
		return 0, time.Time{}, err
	}
	vals, err := t.store.client.HMGet(ctx, t.store.key("throttle", key), "s", "c").Result()
	if err != nil {
		return 0, time.Time{}, wrap("throttle count", err)
	}
	start, _ := vals[0].(string)
	count, _ := vals[1].(string)
	if start != strconv.FormatInt(w.startMs, 10) {
		return 0, w.end, nil // no counter, or one of another window
	}
	n, err := strconv.Atoi(count)
	if err != nil {
		return 0, time.Time{}, wrap("throttle count", errors.New("stored counter is not a number"))
	}
	return n, w.end, nil
}

// fixedWindow is the window containing a hit.
type fixedWindow struct {
	startMs int64     // start, Unix milliseconds (floor)
	endNs   int64     // end, Unix nanoseconds
	end     time.Time // end, in the location of now
}

// Bounds of the times whose Unix nanoseconds fit an int64.
var (
	minThrottleTime = time.Unix(0, -1<<63+int64(24*time.Hour))
	maxThrottleTime = time.Unix(0, 1<<63-1-int64(24*time.Hour))
)

// throttleWindow validates a call and returns the fixed window of length
// window containing now, counted from the Unix epoch.
func throttleWindow(key string, window time.Duration, now time.Time) (fixedWindow, error) {
	switch {
	case key == "" || len(key) > maxThrottleKey:
		return fixedWindow{}, fmt.Errorf("%w: throttle key empty or over %d bytes", core.ErrInvalidValue, maxThrottleKey)
	case window < time.Millisecond:
		return fixedWindow{}, fmt.Errorf("%w: throttle window under a millisecond", core.ErrInvalidValue)
	case now.Before(minThrottleTime) || now.After(maxThrottleTime):
		return fixedWindow{}, fmt.Errorf("%w: throttle time out of range", core.ErrInvalidValue)
	}
	ns, w := now.UnixNano(), int64(window)
	rem := ns % w
	if rem < 0 {
		rem += w
	}
	start := ns - rem
	startMs := start / int64(time.Millisecond)
	if start%int64(time.Millisecond) < 0 {
		startMs--
	}
	if start > math.MaxInt64-w {
		return fixedWindow{}, fmt.Errorf("%w: throttle window ends out of range", core.ErrInvalidValue)
	}
	end := start + w
	return fixedWindow{startMs: startMs, endNs: end, end: time.Unix(0, end).In(now.Location())}, nil
}
