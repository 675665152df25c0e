package redisstore_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/storetest"
	"github.com/restauth/restauth/redisstore"
)

// TestSessionConformance runs core's session store suite. Each store the
// suite opens is on a Store with a client of its own (another instance);
// Break closes them all. The cleanup cases skip: Redis expires sessions
// itself and SessionStore has no Cleanup.
func TestSessionConformance(t *testing.T) {
	redisURL(t)
	storetest.RunSessionStore(t, func(t *testing.T, now func() time.Time) storetest.SessionBackend {
		prefix := testPrefix(t)
		var opened []*redisstore.Store
		return storetest.SessionBackend{
			Open: func(t *testing.T) sessions.Store {
				s := openStore(t, prefix)
				opened = append(opened, s)
				return s.SessionStore(redisstore.WithSessionClock(now))
			},
			Break: func(t *testing.T) {
				for _, s := range opened {
					if err := s.Close(); err != nil {
						t.Fatalf("Close: %v", err)
					}
				}
			},
		}
	})
}

// saveNew saves a new session with values under st and returns its ID.
func saveNew(t *testing.T, st sessions.Store, maxAge int, kv ...string) string {
	t.Helper()
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "https://example.com/", nil)
	s, err := st.New(r, "sessionid")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		s.Values[kv[i]] = kv[i+1]
	}
	if maxAge != 0 {
		s.Options.MaxAge = maxAge
	}
	if err := st.Save(r, httptest.NewRecorder(), s); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return s.ID
}

// load returns the session named by id.
func load(t *testing.T, st sessions.Store, id string) *sessions.Session {
	t.Helper()
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "https://example.com/", nil)
	r.AddCookie(&http.Cookie{Name: "sessionid", Value: id})
	s, err := st.New(r, "sessionid")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// TestSessionKeyAndTTL: a session is the hash "<prefix>session:<id>"
// whose TTL is its lifetime; Redis deletes it at the end, and the store
// then starts a new session for the old cookie.
func TestSessionKeyAndTTL(t *testing.T) {
	prefix := testPrefix(t)
	s := openStore(t, prefix)
	st := s.SessionStore()

	id := saveNew(t, st, 0, "a", "1")
	key := prefix + "session:" + id
	ttl, err := s.Client().PTTL(t.Context(), key).Result()
	if err != nil {
		t.Fatal(err)
	}
	if twoWeeks := 14 * 24 * time.Hour; ttl <= twoWeeks-time.Minute || ttl > twoWeeks {
		t.Errorf("TTL of a session with the default MaxAge: %v, want two weeks", ttl)
	}
	fields, err := s.Client().HKeys(t.Context(), key).Result()
	if err != nil || len(fields) != 2 {
		t.Errorf("session hash fields %v, %v; want d and e", fields, err)
	}

	short := saveNew(t, st, 1, "b", "2")
	if got := load(t, st, short); got.IsNew || got.Values["b"] != "2" {
		t.Fatalf("fresh one-second session: IsNew %v, values %v", got.IsNew, got.Values)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, err := s.Client().Exists(t.Context(), prefix+"session:"+short).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a one-second session is still in Redis after 5s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if got := load(t, st, short); !got.IsNew || got.ID != "" {
		t.Errorf("expired session: IsNew %v, ID %q; want a new session", got.IsNew, got.ID)
	}
	if got := load(t, st, id); got.IsNew || got.Values["a"] != "1" {
		t.Errorf("two-week session: IsNew %v, values %v", got.IsNew, got.Values)
	}
}

// TestSessionCorruptData: stored data that does not decode, or a key of
// the wrong shape, reads as no session, without an error.
func TestSessionCorruptData(t *testing.T) {
	prefix := testPrefix(t)
	s := openStore(t, prefix)
	st := s.SessionStore()
	id := saveNew(t, st, 0, "a", "1")
	if err := s.Client().HSet(t.Context(), prefix+"session:"+id, "d", "\xffnot an encoding").Err(); err != nil {
		t.Fatal(err)
	}
	if got := load(t, st, id); !got.IsNew || got.ID != "" {
		t.Errorf("corrupt data: IsNew %v, ID %q; want a new session", got.IsNew, got.ID)
	}
	other := saveNew(t, st, 0)
	if err := s.Client().HDel(t.Context(), prefix+"session:"+other, "e").Err(); err != nil {
		t.Fatal(err)
	}
	if got := load(t, st, other); !got.IsNew {
		t.Error("a session without its expiry was loaded")
	}
}

// TestSessionFailureIsUnavailable: with the client closed, New with a
// cookie fails with core.ErrUnavailable (restauth answers 503), never a
// panic, and the error shows no session ID.
func TestSessionFailureIsUnavailable(t *testing.T) {
	prefix := testPrefix(t)
	live := openStore(t, prefix).SessionStore()
	id := saveNew(t, live, 0, "a", "1")
	st := closedStore(t, prefix).SessionStore()
	r := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "https://example.com/", nil)
	r.AddCookie(&http.Cookie{Name: "sessionid", Value: id})
	s, err := st.New(r, "sessionid")
	if !errors.Is(err, core.ErrUnavailable) {
		t.Errorf("New on a closed client: %v, want core.ErrUnavailable", err)
	}
	if s == nil || !s.IsNew {
		t.Errorf("New on a closed client returned %v, want a new session", s)
	}
	if err != nil && strings.Contains(err.Error(), id) {
		t.Errorf("error shows the session ID: %q", err)
	}
}
