package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core/sessionkit"
)

// sessionInsertAttempts bounds the fresh IDs Save tries when one is
// already stored (with 165 random bits it does not happen).
const sessionInsertAttempts = 3

// SessionStore is a server-side gorilla/sessions Store in the
// restauth_session table of a Store's database (migration 0003). All
// state is in the database: any number of instances, in any number of
// processes, on one database see the same sessions and the same logouts.
// It is safe for concurrent use. Build it with Store.SessionStore.
//
// The cookie carries only the session ID, Django-style: 32 characters
// from [a-z0-9] drawn with crypto/rand (about 165 bits). It is not signed:
// the ID cannot be guessed and only the server-side data counts. A cookie
// value without exactly that shape is never looked up.
//
//   - New returns the session named by the request's cookie if its row
//     exists and has not expired (IsNew false, its ID and Values).
//     Otherwise it returns a new session: ID "", IsNew true, empty Values.
//     An ID the store does not know, expired or malformed, is never
//     adopted (session fixation). Options are a copy of the store's
//     Options. An unknown session is not an error, and stored data that no
//     longer decodes (a type no longer gob.Register-ed) reads as no
//     session, as Django does with corrupted session data. If the database
//     fails, New returns a new session and an error wrapping
//     core.ErrUnavailable: restauth answers 503 and never treats the
//     request as anonymous.
//   - Get is New cached per request by sessions.GetRegistry: two calls
//     with one request and name return the same *sessions.Session.
//   - Save with Options.MaxAge < 0 deletes the row (if the session has an
//     ID), sets the ID to "" and writes a deletion cookie (Max-Age=0).
//     Deleting a missing session is not an error.
//   - Save otherwise stores the Values, to expire MaxAge seconds later by
//     the store's clock (MaxAge 0, a browser-session cookie: the store's
//     Options.MaxAge, or DefaultSessionMaxAge if that is not positive), and
//     writes the cookie sessions.NewCookie(name, ID, Options). A session
//     with ID "" is INSERTed under a fresh ID: to rotate the ID at login,
//     Save the old session with MaxAge -1 (deleting it is the caller's
//     job), then Save it again with a positive MaxAge. A session with an
//     ID is UPDATEd only while its row exists and has not expired: if it
//     was deleted (a logout, possibly on another instance) or expired since
//     it was loaded, Save returns an error wrapping core.ErrNotFound,
//     writes nothing and does not bring it back.
//
// Every database call runs under the request's context; a database
// failure returns an error wrapping core.ErrUnavailable and writes no
// cookie.
//
// Values are encoded by sessionkit.EncodeValues: string keys with int64,
// int, string or bool values (all restauth itself stores) in a compact
// encoding, anything else with encoding/gob as map[interface{}]interface{},
// so every custom type stored in them must be gob.Register-ed, in every
// process sharing the database. Sessions stored as gob by earlier versions
// still load. Values that gob cannot encode, or whose encoding is larger than
// the size limit (DefaultSessionMaxSize unless WithSessionMaxSize), make Save
// fail with an error wrapping core.ErrInvalidValue before any SQL runs.
// Loaded values are private copies.
//
// A session expires when the store's clock (WithSessionClock) reaches its
// expiry; it is treated as absent from then on, even before Cleanup deletes its
// row.
type SessionStore struct {
	// Options are the cookie attributes every new or loaded session starts
	// with (a copy each time), and their MaxAge the default lifetime in
	// seconds. Defaults: Path "/", MaxAge 1209600 (two weeks), Secure,
	// HttpOnly, SameSite Lax. Set them before the store is used; a nil
	// Options means the defaults.
	Options *sessions.Options

	store         *Store
	now           func() time.Time
	maxSize       int
	reportCleanup func(error)
}

var _ sessions.Store = (*SessionStore)(nil)

// SessionStore returns a session store on s's database, configured by
// opts. It runs no SQL; the table comes with the migrations (Open applies
// them, or call Migrate). Closing s closes it too.
func (s *Store) SessionStore(opts ...SessionOption) *SessionStore {
	ss := &SessionStore{
		Options: defaultSessionOptions(),
		store:   s,
		now:     time.Now,
		maxSize: DefaultSessionMaxSize,
	}
	for _, opt := range opts {
		opt(ss)
	}
	return ss
}

// Get implements sessions.Store: New, cached for the request by
// sessions.GetRegistry.
func (s *SessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(s, name)
}

// New implements sessions.Store; see SessionStore for the semantics. It
// never returns a nil session, even with an error.
func (s *SessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	session := sessions.NewSession(s, name)
	session.Options = s.options()
	session.IsNew = true
	id, ok := sessionkit.RequestID(r, name)
	if !ok {
		return session, nil
	}
	data, found, err := s.load(r.Context(), id)
	if err != nil || !found {
		return session, err
	}
	values, err := sessionkit.DecodeValues(data)
	if err != nil {
		return session, nil // corrupted: no session, as Django
	}
	session.ID, session.Values, session.IsNew = id, values, false
	return session, nil
}

// Save implements sessions.Store; see SessionStore for the semantics. A
// session without Options gets a copy of the store's.
func (s *SessionStore) Save(r *http.Request, w http.ResponseWriter, session *sessions.Session) error {
	if err := checkCookieName(session.Name()); err != nil {
		return err
	}
	if session.Options == nil {
		session.Options = s.options()
	}
	ctx := r.Context()
	if session.Options.MaxAge < 0 {
		if sessionkit.ValidID(session.ID) { // nothing else is ever stored
			if _, err := s.store.exec(ctx, s.store.q.deleteSession, session.ID); err != nil {
				return wrap("delete session", err)
			}
		}
		session.ID = ""
		http.SetCookie(w, sessions.NewCookie(session.Name(), "", session.Options))
		return nil
	}
	data, err := sessionkit.EncodeValues(session.Values, s.maxSize)
	if err != nil {
		return err
	}
	now := s.now()
	expires := sessionkit.Expiry(now, s.lifetime(session.Options))
	if session.ID == "" {
		id, err := s.insert(ctx, data, expires)
		if err != nil {
			return err
		}
		session.ID = id
	} else if err := s.update(ctx, session.ID, data, expires, now.UnixMicro()); err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(session.Name(), session.ID, session.Options))
	return nil
}

// load reads the data of live session id.
func (s *SessionStore) load(ctx context.Context, id string) (data []byte, found bool, err error) {
	err = s.store.queryRow(ctx, s.store.q.sessionData, []any{id, s.now().UnixMicro()}, &data)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, false, nil
	case err != nil:
		return nil, false, wrap("load session", err)
	}
	return data, true, nil
}

// insert stores a new session under a fresh ID and returns the ID.
func (s *SessionStore) insert(ctx context.Context, data []byte, expires int64) (string, error) {
	for range sessionInsertAttempts {
		id := sessionkit.NewID()
		_, err := s.store.exec(ctx, s.store.q.insertSession, id, data, expires)
		if err == nil {
			return id, nil
		}
		if classify(s.store.dialect, err) == noViolation {
			return "", wrap("insert session", err)
		}
	}
	return "", fmt.Errorf("sqlstore: insert session: %d fresh IDs already stored", sessionInsertAttempts)
}

// update rewrites live session id; a session that is gone (or an ID the
// store never issued) returns errSessionGone.
func (s *SessionStore) update(ctx context.Context, id string, data []byte, expires, now int64) error {
	const op = "update session"
	if !sessionkit.ValidID(id) {
		return errSessionGone
	}
	res, err := s.store.exec(ctx, s.store.q.updateSession, data, expires, id, now)
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
	if err := s.store.db.GetContext(ctx, &live, s.store.q.sessionLive, id, now); err != nil {
		return wrap(op, err)
	}
	if live == 0 {
		return errSessionGone
	}
	return nil // MySQL without clientFoundRows: matched, but nothing changed
}

// options returns a copy of the store's Options (the defaults if nil).
func (s *SessionStore) options() *sessions.Options {
	if s.Options == nil {
		return defaultSessionOptions()
	}
	o := *s.Options
	return &o
}

// lifetime is how many seconds a session saved with o lives.
func (s *SessionStore) lifetime(o *sessions.Options) int {
	switch {
	case o.MaxAge > 0:
		return o.MaxAge
	case s.Options != nil && s.Options.MaxAge > 0:
		return s.Options.MaxAge
	}
	return DefaultSessionMaxAge
}
