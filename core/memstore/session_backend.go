package memstore

import (
	"context"
	"sync"

	"github.com/restauth/restauth/core/sessionkit"
)

// memBackend is SessionStore's sessionkit.Backend: a map under a lock.
// It never fails.
type memBackend struct {
	mu       sync.RWMutex
	sessions map[string]storedSession // by ID
}

// storedSession is one session: its encoded values and its expiry in Unix
// microseconds.
type storedSession struct {
	data    []byte
	expires int64
}

var _ sessionkit.Backend = (*memBackend)(nil)

// Load implements sessionkit.Backend.
func (b *memBackend) Load(_ context.Context, id string, now int64) ([]byte, bool, error) {
	b.mu.RLock()
	e, found := b.sessions[id]
	b.mu.RUnlock()
	if !found || e.expires <= now {
		return nil, false, nil
	}
	return e.data, true, nil
}

// Insert implements sessionkit.Backend.
func (b *memBackend) Insert(_ context.Context, id string, data []byte, expires int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, taken := b.sessions[id]; taken {
		return sessionkit.ErrIDTaken
	}
	b.sessions[id] = storedSession{data: data, expires: expires}
	return nil
}

// Update implements sessionkit.Backend.
func (b *memBackend) Update(_ context.Context, id string, data []byte, expires, now int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok := b.sessions[id]; !ok || old.expires <= now {
		return sessionkit.ErrGone
	}
	b.sessions[id] = storedSession{data: data, expires: expires}
	return nil
}

// Delete implements sessionkit.Backend.
func (b *memBackend) Delete(_ context.Context, id string) error {
	b.mu.Lock()
	delete(b.sessions, id)
	b.mu.Unlock()
	return nil
}

// DeleteExpired implements sessionkit.Backend; a done ctx returns its
// error unwrapped.
func (b *memBackend) DeleteExpired(ctx context.Context, now int64) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for id, e := range b.sessions {
		if e.expires <= now {
			delete(b.sessions, id)
			n++
		}
	}
	return n, nil
}
