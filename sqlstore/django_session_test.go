package sqlstore_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/djangosign"
	"github.com/restauth/restauth/core/storetest"
	"github.com/restauth/restauth/sqlstore"
	"github.com/restauth/restauth/sqlstore/sqltest"
)

// The fixture's session (fixture-expectations.json "sessions"): alice's,
// made by Django's test client login, expiring 2036-12-03 18:38:31.004936.
const (
	djSessionKey  = "y35776fasj5g9h9fnrn4bixyf3gycao7"
	djSessionHash = "d2cab0d4177015324b19c1cf6e7ae51d2a389b06fddf6af2542ebfda88afe871"
	djBackend     = "django.contrib.auth.backends.ModelBackend"
)

// djClock is a settable clock safe for concurrent use.
type djClock struct{ ns atomic.Int64 }

func newDJClock(t time.Time) *djClock { c := &djClock{}; c.ns.Store(t.UnixNano()); return c }
func (c *djClock) now() time.Time     { return time.Unix(0, c.ns.Load()).UTC() }
func (c *djClock) set(t time.Time)    { c.ns.Store(t.UnixNano()) }

// djSessionRequest is a request carrying the session cookie key ("" none).
func djSessionRequest(key string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if key != "" {
		r.AddCookie(&http.Cookie{Name: "sessionid", Value: key})
	}
	return r
}

// djLoad loads the session key names through ss (New, not cached).
func djLoad(t *testing.T, ss *sqlstore.DjangoSessionStore, key string) *sessions.Session {
	t.Helper()
	sess, err := ss.New(djSessionRequest(key), "sessionid")
	if err != nil {
		t.Fatalf("New(%s): %v", key, err)
	}
	return sess
}

// djSessionData reads the session_data of key.
func djSessionData(t *testing.T, s *sqlstore.DjangoStore, key string) string {
	t.Helper()
	var data string
	if err := s.DB().GetContext(t.Context(), &data, s.DB().Rebind(`SELECT session_data FROM django_session WHERE session_key = ?`), key); err != nil {
		t.Fatalf("session_data of %s: %v", key, err)
	}
	return data
}

// djDecode decodes session data as Django does (djangosign's loader with
// the fixture's SECRET_KEY).
func djDecode(t *testing.T, data string) []djangosign.SessionItem {
	t.Helper()
	c, err := djangosign.NewSessionCodec([]byte(sqltest.DjangoSecretKey))
	if err != nil {
		t.Fatal(err)
	}
	items, err := c.Loads(data)
	if err != nil {
		t.Fatalf("Django cannot decode %q: %v", data, err)
	}
	return items
}

// TestDjangoSessionFixture: the session Django made for alice loads with
// her user ID as an int64, and its hash is valid for her current password
// hash (and for nobody else's); tampered data and the wrong secret read
// as no session.
func TestDjangoSessionFixture(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, url string) {
		ss := s.SessionStore()
		sess := djLoad(t, ss, djSessionKey)
		// The backend is restauth's default: Save writes it back, Values
		// leave it out.
		want := map[interface{}]interface{}{"_auth_user_id": int64(1), "_auth_user_hash": djSessionHash}
		if sess.IsNew || sess.ID != djSessionKey || !reflect.DeepEqual(sess.Values, want) {
			t.Fatalf("fixture session: IsNew %v, ID %q, %#v; want %#v", sess.IsNew, sess.ID, sess.Values, want)
		}
		alice, err := s.UserByID(t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := ss.SessionAuthHash(alice); got != djSessionHash {
			t.Errorf("SessionAuthHash(alice) = %s, want %s", got, djSessionHash)
		}
		if !ss.ValidSessionAuthHash(alice, sess.Values["_auth_user_hash"].(string)) {
			t.Error("the fixture's hash is not valid for alice")
		}
		bob, err := s.UserByID(t.Context(), 2)
		if err != nil {
			t.Fatal(err)
		}
		if ss.ValidSessionAuthHash(bob, djSessionHash) {
			t.Error("alice's hash is valid for bob")
		}
		if err := s.SetPassword(t.Context(), 1, "pbkdf2_sha256$260000$salt$changed="); err != nil {
			t.Fatal(err)
		}
		if alice, _ = s.UserByID(t.Context(), 1); ss.ValidSessionAuthHash(alice, djSessionHash) {
			t.Error("the hash survives a password change")
		}

		// Another SECRET_KEY cannot read it.
		other, err := sqlstore.OpenDjango(t.Context(), url, sqlstore.DjangoConfig{SecretKey: []byte("another-secret")}, sqltest.Drivers()...)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		if sess := djLoad(t, other.SessionStore(), djSessionKey); !sess.IsNew || sess.ID != "" || len(sess.Values) != 0 {
			t.Errorf("other secret: %+v, want no session", sess)
		}

		// Tampered: one character of the payload changed.
		data := djSessionData(t, s, djSessionKey)
		tampered := data[:10] + string(rune(data[10]^1)) + data[11:]
		djExec(t, s, `UPDATE django_session SET session_data = ? WHERE session_key = ?`, tampered, djSessionKey)
		if sess := djLoad(t, ss, djSessionKey); !sess.IsNew || sess.ID != "" || len(sess.Values) != 0 {
			t.Errorf("tampered session: %+v, want no session", sess)
		}
	})
}

// TestDjangoSessionSavedForDjango: a session restauth saves is the row
// Django's db backend reads: a Django-shaped key, session_data that
// Django's loader decodes to the dict django.contrib.auth expects (the
// user ID as a string, the backend, the hash, in Django's order; core's
// own keys after them), and expire_date = now + MaxAge.
func TestDjangoSessionSavedForDjango(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		now := time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.UTC)
		ss := s.SessionStore(sqlstore.WithSessionClock(func() time.Time { return now }))
		alice, err := s.UserByID(t.Context(), 1)
		if err != nil {
			t.Fatal(err)
		}
		r := djSessionRequest("")
		sess, _ := ss.New(r, "sessionid")
		sess.Values["_auth_user_id"] = alice.ID
		sess.Values["_auth_user_hash"] = ss.SessionAuthHash(alice)
		sess.Values["_auth_seen"] = now.Unix()
		sess.Values["_auth_created"] = now.Unix()
		sess.Options.MaxAge = 3600
		w := httptest.NewRecorder()
		if err := ss.Save(r, w, sess); err != nil {
			t.Fatal(err)
		}
		if len(sess.ID) != 32 || strings.Trim(sess.ID, "abcdefghijklmnopqrstuvwxyz0123456789") != "" {
			t.Errorf("session key %q is not Django-shaped", sess.ID)
		}
		if c := w.Result().Cookies(); len(c) != 1 || c[0].Name != "sessionid" || c[0].Value != sess.ID {
			t.Errorf("cookies %v", c)
		}

		items := djDecode(t, djSessionData(t, s, sess.ID))
		want := []djangosign.SessionItem{
			{Key: "_auth_user_id", Value: "1"},
			{Key: "_auth_user_backend", Value: djBackend},
			{Key: "_auth_user_hash", Value: djSessionHash},
			{Key: "_auth_created", Value: json.Number(strconv.FormatInt(now.Unix(), 10))},
			{Key: "_auth_seen", Value: json.Number(strconv.FormatInt(now.Unix(), 10))},
		}
		if !reflect.DeepEqual(items, want) {
			t.Errorf("Django reads %#v, want %#v", items, want)
		}
		var expire djTime
		if err := s.DB().GetContext(t.Context(), &expire, s.DB().Rebind(`SELECT expire_date FROM django_session WHERE session_key = ?`), sess.ID); err != nil {
			t.Fatal(err)
		}
		if wantExp := now.Add(time.Hour).Truncate(time.Microsecond); !expire.Equal(wantExp) {
			t.Errorf("expire_date = %v, want %v", expire.Time, wantExp)
		}

		// And it loads back through the store as it was saved.
		back := djLoad(t, ss, sess.ID)
		wantValues := map[interface{}]interface{}{"_auth_user_id": int64(1),
			"_auth_user_hash": djSessionHash, "_auth_seen": now.Unix(), "_auth_created": now.Unix()}
		if back.IsNew || !reflect.DeepEqual(back.Values, wantValues) {
			t.Errorf("loaded %#v, want %#v", back.Values, wantValues)
		}

		// A backend set by the application is kept.
		sess.Values["_auth_user_backend"] = "allauth.account.auth_backends.AuthenticationBackend"
		if err := ss.Save(djSessionRequest(sess.ID), httptest.NewRecorder(), sess); err != nil {
			t.Fatal(err)
		}
		if items := djDecode(t, djSessionData(t, s, sess.ID)); items[1].Value != "allauth.account.auth_backends.AuthenticationBackend" {
			t.Errorf("backend rewritten: %#v", items)
		}
	})
}

// TestDjangoSessionPassThrough: what Django or other apps keep in a
// session (nested values, floats, null) survives a restauth Save
// unchanged, and values that are not JSON are refused before any SQL.
func TestDjangoSessionPassThrough(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		c, err := djangosign.NewSessionCodec([]byte(sqltest.DjangoSecretKey))
		if err != nil {
			t.Fatal(err)
		}
		data, err := c.Dumps([]djangosign.SessionItem{
			{Key: "_auth_user_id", Value: "1"}, {Key: "_auth_user_backend", Value: djBackend},
			{Key: "_auth_user_hash", Value: djSessionHash},
			{Key: "_session_expiry", Value: 0}, {Key: "cart", Value: json.RawMessage(`{"z":[1,2.5,"é"],"a":null}`)},
			{Key: "ratio", Value: 0.5}, {Key: "none", Value: nil}, {Key: "flag", Value: true},
		})
		if err != nil {
			t.Fatal(err)
		}
		const key = "abcdefghijklmnopqrstuvwxyz012345"
		djExec(t, s, `INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)`,
			key, data, djTimeArg(s, time.Now().Add(time.Hour)))

		ss := s.SessionStore()
		sess := djLoad(t, ss, key)
		if sess.IsNew || sess.Values["_auth_user_id"] != int64(1) || sess.Values["_session_expiry"] != int64(0) ||
			sess.Values["ratio"] != json.Number("0.5") || sess.Values["flag"] != true {
			t.Fatalf("loaded %#v", sess.Values)
		}
		sess.Values["_auth_seen"] = int64(5)
		if err := ss.Save(djSessionRequest(key), httptest.NewRecorder(), sess); err != nil {
			t.Fatal(err)
		}
		got, err := djangosign.SessionJSON(djDecode(t, djSessionData(t, s, key)))
		if err != nil {
			t.Fatal(err)
		}
		want := `{"_auth_user_id":"1","_auth_user_backend":"django.contrib.auth.backends.ModelBackend","_auth_user_hash":"` + djSessionHash +
			`","_auth_seen":5,"_session_expiry":0,"cart":{"z":[1,2.5,"\u00e9"],"a":null},"flag":true,"none":null,"ratio":0.5}`
		if string(got) != want {
			t.Errorf("after a restauth Save Django reads\n%s\nwant\n%s", got, want)
		}

		before := djSessionData(t, s, key)
		for name, v := range map[string]interface{}{"float": 0.25, "bytes": []byte("x"), "struct": struct{}{}} {
			sess.Values["bad"] = v
			err := ss.Save(djSessionRequest(key), httptest.NewRecorder(), sess)
			if !errors.Is(err, core.ErrInvalidValue) {
				t.Errorf("Save with a %s value = %v, want ErrInvalidValue", name, err)
			}
		}
		delete(sess.Values, "bad")
		sess.Values[7] = "int key"
		if err := ss.Save(djSessionRequest(key), httptest.NewRecorder(), sess); !errors.Is(err, core.ErrInvalidValue) {
			t.Errorf("Save with an int key = %v, want ErrInvalidValue", err)
		}
		if after := djSessionData(t, s, key); after != before {
			t.Error("a refused Save changed the row")
		}
	})
}

// TestDjangoSessionExpiry: only rows whose expire_date is after the
// store's clock load and update; Cleanup deletes the others, as Django's
// clearsessions; a session Django deleted (logout) is not brought back.
func TestDjangoSessionExpiry(t *testing.T) {
	forEachDjango(t, func(t *testing.T, s *sqlstore.DjangoStore, _ string) {
		ctx := t.Context()
		fixtureExpiry := time.Date(2036, 12, 3, 18, 38, 31, 4936000, time.UTC)
		clock := newDJClock(fixtureExpiry.Add(-time.Microsecond))
		ss := s.SessionStore(sqlstore.WithSessionClock(clock.now))
		if sess := djLoad(t, ss, djSessionKey); sess.IsNew {
			t.Fatal("fixture session not live a microsecond before its expire_date")
		}
		loaded := djLoad(t, ss, djSessionKey)
		clock.set(fixtureExpiry)
		if sess := djLoad(t, ss, djSessionKey); !sess.IsNew {
			t.Error("fixture session loads at its expire_date")
		}
		loaded.Values["_auth_seen"] = int64(1)
		if err := ss.Save(djSessionRequest(djSessionKey), httptest.NewRecorder(), loaded); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("Save of an expired session = %v, want ErrNotFound", err)
		}

		// A session of restauth's, live, survives the cleanup.
		live, _ := ss.New(djSessionRequest(""), "sessionid")
		live.Values["_auth_user_id"] = int64(2)
		if err := ss.Save(djSessionRequest(""), httptest.NewRecorder(), live); err != nil {
			t.Fatal(err)
		}
		if n, err := ss.Cleanup(ctx); err != nil || n != 1 {
			t.Errorf("Cleanup = %d, %v; want 1 (the fixture's)", n, err)
		}
		if n := djCount(t, s, `SELECT COUNT(*) FROM django_session`); n != 1 {
			t.Errorf("%d rows left, want restauth's live one", n)
		}

		// Django's logout deletes the row: an update is refused.
		stale := djLoad(t, ss, live.ID)
		djExec(t, s, `DELETE FROM django_session WHERE session_key = ?`, live.ID)
		stale.Values["_auth_seen"] = int64(2)
		if err := ss.Save(djSessionRequest(live.ID), httptest.NewRecorder(), stale); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("Save after Django's logout = %v, want ErrNotFound", err)
		}
		if n := djCount(t, s, `SELECT COUNT(*) FROM django_session`); n != 0 {
			t.Errorf("the deleted session came back (%d rows)", n)
		}

		// A lifetime past year 9999 is stored as the last instant Django
		// reads, and loads.
		far, _ := ss.New(djSessionRequest(""), "sessionid")
		far.Options.MaxAge = 1 << 62
		if err := ss.Save(djSessionRequest(""), httptest.NewRecorder(), far); err != nil {
			t.Fatalf("Save with a huge MaxAge: %v", err)
		}
		if sess := djLoad(t, ss, far.ID); sess.IsNew {
			t.Error("session with a huge MaxAge does not load")
		}
	})
}

// TestDjangoSessionConformance runs storetest's session suite on
// django_session, with JSONValues: a Django session is a JSON dict, so
// RoundTrip stores no float, []byte, int key, int or flash (gob-only
// values; TestDjangoSessionPassThrough checks what JSON holds).
func TestDjangoSessionConformance(t *testing.T) {
	for _, db := range sqltest.All() {
		t.Run(db.Name, func(t *testing.T) {
			db.RequireServer(t)
			// One Django database for the whole suite (making one takes
			// a second on a server); each case starts with django_session
			// emptied, the only table the session stores touch.
			url := db.DjangoEmptyURL(t)
			storetest.RunSessionStore(t, func(t *testing.T, now func() time.Time) storetest.SessionBackend {
				djExec(t, sqltest.OpenDjango(t, url), `DELETE FROM django_session`)
				var opened []*sqlstore.DjangoStore
				return storetest.SessionBackend{
					Open: func(t *testing.T) sessions.Store {
						s := sqltest.OpenDjango(t, url)
						opened = append(opened, s)
						return s.SessionStore(sqlstore.WithSessionClock(now))
					},
					Break: func(*testing.T) {
						for _, s := range opened {
							s.Close()
						}
					},
					JSONValues: true,
				}
			})
		})
	}
}
