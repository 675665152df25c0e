package memstore

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/restauth/restauth/core"
)

var (
	_ core.ChangeFeed     = (*Store)(nil)
	_ core.ChangeNotifier = (*Store)(nil)
)

// changeLog is the store's change feed (core.ChangeFeed): the changes in
// Seq order, each with the time it was written, guarded by Store.mu. A
// change is appended under the same lock as the write it records, so
// the two are atomic, and Seqs become visible in order (no gaps).
type changeLog struct {
	seq     int64
	entries []changeEntry
	// wake is closed at the next change (core.ChangeNotifier); nil until
	// someone waits.
	wake chan struct{}
}

// changeEntry is one change and when it was written.
type changeEntry struct {
	change core.Change
	at     time.Time
}

// logChangeLocked records a change of user id (family or digest set for a
// revoked login or a deleted DB token). The caller holds s.mu for writing.
func (s *Store) logChangeLocked(userID int64, family, digest string) {
	l := &s.changes
	l.seq++
	l.entries = append(l.entries, changeEntry{
		change: core.Change{Seq: l.seq, UserID: userID, Family: family, TokenDigest: digest},
		at:     time.Now(),
	})
	if l.wake != nil {
		close(l.wake)
		l.wake = nil
	}
}

// Changes implements core.ChangeFeed.
func (s *Store) Changes(ctx context.Context, after int64, limit int) ([]core.Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, fmt.Errorf("memstore: changes: limit %d is not positive", limit)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	es := s.changes.entries
	i := sort.Search(len(es), func(i int) bool { return es[i].change.Seq > after })
	out := make([]core.Change, 0, min(limit, len(es)-i))
	for ; i < len(es) && len(out) < limit; i++ {
		out = append(out, es[i].change)
	}
	return out, nil
}

// LatestChange implements core.ChangeFeed.
func (s *Store) LatestChange(ctx context.Context) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.changes.seq, nil
}

// PruneChanges implements core.ChangeFeed: the changes written before
// `before` go, except the latest one.
func (s *Store) PruneChanges(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	es := s.changes.entries
	n := 0
	for n < len(es)-1 && es[n].at.Before(before) {
		n++
	}
	s.changes.entries = append([]changeEntry(nil), es[n:]...)
	return n, nil
}

// WaitChange implements core.ChangeNotifier: it returns once a change
// with a Seq above seq is written to this store (at once if one was).
func (s *Store) WaitChange(ctx context.Context, seq int64) error {
	s.mu.Lock()
	if s.changes.seq > seq {
		s.mu.Unlock()
		return nil
	}
	if s.changes.wake == nil {
		s.changes.wake = make(chan struct{})
	}
	wake := s.changes.wake
	s.mu.Unlock()
	select {
	case <-wake:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
