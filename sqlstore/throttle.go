package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storekit"
)

// ThrottleStore is a core.ThrottleStore in the store's database, so that
// rate limits hold across every instance sharing it. Each Hit is one short
// transaction on the key's row.
type ThrottleStore struct {
	store *Store
	hits  atomic.Int64 // every pruneEvery-th hit prunes ended windows
}

// pruneEvery keeps the table small without a background goroutine.
const pruneEvery = 1000

// ThrottleStore returns the rate-limit counters of this database.
func (s *Store) ThrottleStore() *ThrottleStore { return &ThrottleStore{store: s} }

// windowStart returns the fixed window of length w containing now, in
// Unix microseconds.
func windowStart(now time.Time, w time.Duration) (start, end time.Time) {
	start = now.Truncate(w)
	return start, start.Add(w)
}

// Hit implements core.ThrottleStore with one atomic upsert per hit. Under
// concurrency the returned count may already include hits of other
// requests in the same window (never fewer than this one's).
func (t *ThrottleStore) Hit(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	const op = "throttle hit"
	if key == "" || !storekit.Storable(key, 128) {
		return 0, time.Time{}, fmt.Errorf("%w: throttle key", core.ErrInvalidValue)
	}
	start, end := windowStart(now, window)
	s := t.store
	var (
		count int
		err   error
	)
	for attempt := 0; attempt < 5; attempt++ {
		if s.dialect == MySQL {
			if _, err = s.exec(ctx, s.q.throttleUpsert, key, toMicros(start), toMicros(end)); err == nil {
				err = s.queryRow(ctx, s.q.throttleCount, []any{key, toMicros(start)}, &count)
			}
		} else {
			err = s.queryRow(ctx, s.q.throttleUpsert, []any{key, toMicros(start), toMicros(end)}, &count)
		}
		if err == nil || !s.isDeadlock(err) {
			break
		}
	}
	if err != nil {
		return 0, time.Time{}, wrap(op, err)
	}
	if t.hits.Add(1)%pruneEvery == 0 {
		_, _ = t.Prune(ctx, now) // best effort; the next round tries again
	}
	return count, end, nil
}

// isDeadlock reports a lost deadlock, which concurrent upserts of one new
// key can raise on MySQL ("Deadlock found", 1213); the statement is
// simply retried.
func (s *Store) isDeadlock(err error) bool {
	kind, _ := s.driver.Classify(err)
	return kind == Deadlock
}

// Count implements core.ThrottleStore.
func (t *ThrottleStore) Count(ctx context.Context, key string, window time.Duration, now time.Time) (int, time.Time, error) {
	start, end := windowStart(now, window)
	var count int
	err := t.store.queryRow(ctx, t.store.q.throttleCount, []any{key, toMicros(start)}, &count)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, end, nil
	}
	if err != nil {
		return 0, time.Time{}, wrap("throttle count", err)
	}
	return count, end, nil
}

// Prune deletes the counters of windows that ended by now and reports how
// many. Hit also calls it every thousand hits.
func (t *ThrottleStore) Prune(ctx context.Context, now time.Time) (int, error) {
	res, err := t.store.db.ExecContext(ctx, t.store.q.throttlePrune, toMicros(now))
	if err != nil {
		return 0, wrap("throttle prune", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap("throttle prune", err)
	}
	return int(n), nil
}
