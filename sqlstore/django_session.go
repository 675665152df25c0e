package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/gorilla/sessions"
	"github.com/jmoiron/sqlx"

	"github.com/restauth/restauth/core"
	"github.com/restauth/restauth/core/djangosign"
	"github.com/restauth/restauth/core/sessionkit"
)

// DjangoSessionStore is a server-side gorilla/sessions Store on Django's
// own django_session table (session_key, session_data, expire_date),
// shared with the Django project: a session either side creates is
// accepted by the other, and a logout on either side (its row deleted)
// ends it for both. It is SessionStore (its Options, Get, New, Save,
// Cleanup and StartCleanup, and SessionOptions, with the semantics
// documented there) with Django's storage and encoding:
//
//   - The cookie carries the session_key, 32 characters from [a-z0-9],
//     as Django's do; a key of another shape (Django accepts any of 8 to
//     40 characters, but never writes one) is never looked up.
//   - Only a row whose expire_date is after the store's clock loads, as
//     Django's db backend reads it; Save updates only such a live row and
//     writes expire_date = now + MaxAge (Django recomputes it on every
//     save too). A session the Django side logged out (row deleted) is not
//     brought back.
//   - session_data is Django's signing.dumps of the session dict (salt
//     "django.contrib.sessions.SessionStore", JSON, zlib-compressed when
//     shorter, HMAC-SHA256 with DjangoConfig.SecretKey; see
//     djangosign.SessionCodec). Data that does not verify (another
//     SECRET_KEY, tampering) or decode loads as no session, as in Django.
//     Django 3.2's SHA-1 and pre-3.1 formats load too.
//   - Values map to the dict: "_auth_user_id" is an int64 in Values and
//     the user's primary key as a JSON string in the dict ("1"), as
//     Django writes it; other int64 and int values are JSON numbers,
//     strings and bools are themselves. Reading, every integral JSON
//     number (an integer literal within int64) is an int64, any other
//     number a json.Number, null nil, and objects and arrays
//     json.RawMessage, so that what Django or other apps store passes
//     through a restauth Save unchanged. Keys must be strings, values of
//     those types only: anything else fails Save with an error wrapping
//     core.ErrInvalidValue before any SQL runs, as does a dict whose JSON
//     is over the size limit (WithSessionMaxSize; it bounds the JSON,
//     before compression: the stored text is at most about 4/3 of it).
//   - A session with "_auth_user_id" and no "_auth_user_backend" gets
//     DjangoConfig.SessionBackend on Save (Django ignores a session
//     without a backend in its AUTHENTICATION_BACKENDS), and a loaded
//     "_auth_user_backend" equal to DjangoConfig.SessionBackend is left
//     out of Values (Save writes it back), so Values hold what restauth
//     put there; another backend (a session Django's allauth backend
//     logged in) is in Values and kept. The dict is
//     written with "_auth_user_id", "_auth_user_backend" and
//     "_auth_user_hash" first, in Django's order, then the other keys
//     sorted.
//   - "_auth_user_hash" is Django's session auth hash
//     (SessionAuthHash), which binds the session to the user's password
//     hash: a password change on either side ends the user's other
//     sessions on both. Django has no login or activity time in the
//     session: core's "_auth_created" and "_auth_seen" are stored as
//     extra keys that Django ignores, and a Django-made session has
//     neither, so only its expire_date limits it until restauth touches
//     it.
//   - Cleanup deletes the rows with expire_date <= now (Django's
//     clearsessions deletes those < now; neither loads a row whose
//     expire_date is now).
//
// Times are written in Django's form for the dialect (see
// django_times.go). An expiry beyond year 9999 is written as the last
// microsecond of 9999, the last instant Django can read.
type DjangoSessionStore struct {
	*SessionStore
	secret []byte
}

var (
	_ core.SessionAuthHasher = (*DjangoSessionStore)(nil)
	_ sessionkit.Backend     = djangoSessions{}
	_ sessionkit.Codec       = djangoSessionCodec{}
)

// SessionStore returns a session store on the Django database's
// django_session table, configured by opts (those of Store.SessionStore).
// It runs no SQL; the table is Django's (manage.py migrate). Closing d
// closes it too.
func (d *DjangoStore) SessionStore(opts ...SessionOption) *DjangoSessionStore {
	codec, err := djangosign.NewSessionCodec(d.cfg.SecretKey)
	if err != nil {
		// OpenDjango refuses an empty SecretKey, the only error.
		panic("sqlstore: DjangoStore without a SecretKey: " + err.Error())
	}
	ss := &SessionStore{
		Options: sessionkit.DefaultOptions(),
		engine: sessionkit.Engine{
			Backend: djangoSessions{d},
			Name:    "sqlstore",
			Codec:   djangoSessionCodec{codec: codec, backend: d.cfg.SessionBackend},
		},
	}
	for _, opt := range opts {
		opt(ss)
	}
	return &DjangoSessionStore{SessionStore: ss, secret: d.cfg.SecretKey}
}

// Get implements sessions.Store: New, cached for the request by
// sessions.GetRegistry.
func (s *DjangoSessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New implements sessions.Store; see SessionStore and DjangoSessionStore
// for the semantics. It never returns a nil session, even with an error.
// The session's Store() is s.
func (s *DjangoSessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	return s.engine.New(s, s.Options, r, name)
}

// Save implements sessions.Store; see SessionStore and DjangoSessionStore
// for the semantics.
func (s *DjangoSessionStore) Save(r *http.Request, w http.ResponseWriter, session *sessions.Session) error {
	return s.engine.Save(s.Options, r, w, session)
}

// SessionAuthHash implements core.SessionAuthHasher with Django's
// get_session_auth_hash of u's password hash under the SECRET_KEY.
func (s *DjangoSessionStore) SessionAuthHash(u *core.User) string {
	return djangosign.SessionAuthHash(s.secret, u.PasswordHash)
}

// ValidSessionAuthHash implements core.SessionAuthHasher: hash is
// Django's session auth hash of u's password hash, or its SHA-1 variant
// (Django 3.2 with DEFAULT_HASHING_ALGORITHM = "sha1"), in constant time.
func (s *DjangoSessionStore) ValidSessionAuthHash(u *core.User, hash string) bool {
	return djangosign.ValidSessionAuthHash(s.secret, u.PasswordHash, hash)
}

// djangoSessionQueries are the statements on django_session, rebound for
// the dialect. Times are Django datetimes (djangoTimeArg).
type djangoSessionQueries struct {
	load          string // key, now
	insert        string // key, data, expire
	update        string // data, expire, key, now
	live          string // key, now
	delete        string // key
	deleteExpired string // now
}

// newDjangoSessionQueries returns the django_session statements for d.
func newDjangoSessionQueries(d Dialect) djangoSessionQueries {
	bind := func(q string) string { return sqlx.Rebind(d.bindType(), q) }
	return djangoSessionQueries{
		load:          bind(`SELECT session_data FROM django_session WHERE session_key = ? AND expire_date > ?`),
		insert:        bind(`INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)`),
		update:        bind(`UPDATE django_session SET session_data = ?, expire_date = ? WHERE session_key = ? AND expire_date > ?`),
		live:          bind(`SELECT COUNT(*) FROM django_session WHERE session_key = ? AND expire_date > ?`),
		delete:        bind(`DELETE FROM django_session WHERE session_key = ?`),
		deleteExpired: bind(`DELETE FROM django_session WHERE expire_date <= ?`),
	}
}

// djangoMaxTime is the last microsecond Python's datetime (and so
// Django) can represent.
var djangoMaxTime = time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)

// time converts sessionkit's Unix microseconds to the
// statement argument of expire_date, clamped to djangoMaxTime.
func (b djangoSessions) time(micros int64) any {
	t := time.UnixMicro(micros).UTC()
	if t.After(djangoMaxTime) {
		t = djangoMaxTime
	}
	return djangoTimeArg(b.d.s.dialect, t)
}

// djangoSessions is DjangoSessionStore's sessionkit.Backend: the
// django_session table. Every failure wraps core.ErrUnavailable.
type djangoSessions struct{ d *DjangoStore }

// Load implements sessionkit.Backend.
func (b djangoSessions) Load(ctx context.Context, id string, now int64) ([]byte, bool, error) {
	var data []byte
	err := b.d.s.queryRow(ctx, b.d.q.session.load, []any{id, b.time(now)}, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, wrap("django: load session", err)
	}
	return data, true, nil
}

// Insert implements sessionkit.Backend: any constraint violation is a
// taken key.
func (b djangoSessions) Insert(ctx context.Context, id string, data []byte, expires int64) error {
	_, err := b.d.s.exec(ctx, b.d.q.session.insert, id, string(data), b.time(expires))
	switch {
	case err == nil:
		return nil
	case b.d.s.classify(err) != noConflict:
		return sessionkit.ErrIDTaken
	}
	return wrap("django: insert session", err)
}

// Update implements sessionkit.Backend; an UPDATE that matched no row is
// told from one that changed nothing by counting the live row, as
// SessionStore's.
func (b djangoSessions) Update(ctx context.Context, id string, data []byte, expires, now int64) error {
	const op = "django: update session"
	q := &b.d.q.session
	res, err := b.d.s.exec(ctx, q.update, string(data), b.time(expires), id, b.time(now))
	if err != nil {
		return wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	if n > 0 {
		return nil
	}
	var live int
	if err := b.d.s.queryRow(ctx, q.live, []any{id, b.time(now)}, &live); err != nil {
		return wrap(op, err)
	}
	if live == 0 {
		return sessionkit.ErrGone
	}
	return nil
}

// Delete implements sessionkit.Backend.
func (b djangoSessions) Delete(ctx context.Context, id string) error {
	if _, err := b.d.s.exec(ctx, b.d.q.session.delete, id); err != nil {
		return wrap("django: delete session", err)
	}
	return nil
}

// DeleteExpired implements sessionkit.Backend in one DELETE on Django's
// expire_date index; a done ctx wraps core.ErrUnavailable too.
func (b djangoSessions) DeleteExpired(ctx context.Context, now int64) (int, error) {
	const op = "django: clean up sessions"
	if err := ctx.Err(); err != nil {
		return 0, wrap(op, err)
	}
	res, err := b.d.s.db.ExecContext(ctx, b.d.q.session.deleteExpired, b.time(now))
	if err != nil {
		return 0, wrap(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, wrap(op, err)
	}
	return int(n), nil
}

// Session dict keys Django's auth uses, in the order django.contrib.auth.
// login writes them.
const (
	djangoSessionUserID  = "_auth_user_id"
	djangoSessionBackend = "_auth_user_backend"
	djangoSessionHash    = "_auth_user_hash"
)

// djangoSessionCodec is the sessionkit.Codec of DjangoSessionStore: values
// map ↔ Django session dict, signed as Django signs it.
type djangoSessionCodec struct {
	codec   *djangosign.SessionCodec
	backend string
}

// Encode implements sessionkit.Codec; see DjangoSessionStore.
func (c djangoSessionCodec) Encode(values map[interface{}]interface{}, maxSize int) ([]byte, error) {
	items := make([]djangosign.SessionItem, 0, len(values)+1)
	rest := make([]djangosign.SessionItem, 0, len(values))
	first := map[string]djangosign.SessionItem{}
	for k, v := range values {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("%w: session key of type %T (Django keys are strings)", core.ErrInvalidValue, k)
		}
		value, err := djangoSessionValue(key, v)
		if err != nil {
			return nil, err
		}
		switch key {
		case djangoSessionUserID, djangoSessionBackend, djangoSessionHash:
			first[key] = djangosign.SessionItem{Key: key, Value: value}
		default:
			rest = append(rest, djangosign.SessionItem{Key: key, Value: value})
		}
	}
	if _, ok := first[djangoSessionUserID]; ok {
		if _, ok := first[djangoSessionBackend]; !ok {
			first[djangoSessionBackend] = djangosign.SessionItem{Key: djangoSessionBackend, Value: c.backend}
		}
	}
	for _, key := range []string{djangoSessionUserID, djangoSessionBackend, djangoSessionHash} {
		if it, ok := first[key]; ok {
			items = append(items, it)
		}
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].Key < rest[j].Key })
	data, err := djangosign.SessionJSON(append(items, rest...))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", core.ErrInvalidValue, err)
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("%w: %d bytes of JSON, limit %d", sessionkit.ErrTooLarge, len(data), maxSize)
	}
	return []byte(c.codec.DumpsJSON(data)), nil
}

// djangoSessionValue converts one value to what the dict holds: the user
// ID as a decimal string, int64/int/string/bool/nil as themselves, and
// what Decode passes through (json.Number, json.RawMessage).
func djangoSessionValue(key string, v any) (any, error) {
	switch v := v.(type) {
	case int64:
		if key == djangoSessionUserID {
			return strconv.FormatInt(v, 10), nil
		}
		return v, nil
	case int:
		if key == djangoSessionUserID {
			return strconv.Itoa(v), nil
		}
		return v, nil
	case string, bool, nil, json.Number, json.RawMessage:
		return v, nil
	}
	return nil, fmt.Errorf("%w: session value of type %T under %q (a Django session holds JSON)", core.ErrInvalidValue, v, key)
}

// Decode implements sessionkit.Codec; see DjangoSessionStore. Data that
// does not verify or decode is an error (no session).
func (c djangoSessionCodec) Decode(data []byte) (map[interface{}]interface{}, error) {
	items, err := c.codec.Loads(string(data))
	if err != nil {
		return nil, err
	}
	values := make(map[interface{}]interface{}, len(items))
	for _, it := range items {
		v := it.Value
		switch x := v.(type) {
		case json.Number:
			if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
				v = n
			}
		case string:
			if it.Key == djangoSessionUserID {
				if n, err := strconv.ParseInt(x, 10, 64); err == nil && strconv.FormatInt(n, 10) == x {
					v = n
				}
			}
		}
		if it.Key == djangoSessionBackend && v == c.backend {
			continue // Encode writes it back (see DjangoSessionStore)
		}
		values[it.Key] = v
	}
	return values, nil
}
