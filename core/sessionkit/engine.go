package sessionkit

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/sessions"

	"github.com/restauth/restauth/core"
)

// insertAttempts bounds the fresh IDs Save tries when one is already
// stored (with 165 random bits it does not happen).
const insertAttempts = 3

// Engine is the gorilla/sessions logic that memstore's and sqlstore's
// SessionStore share, over a Backend that only stores bytes (the model of
// alexedwards/scs). A store keeps its exported Options field and passes
// it to New and Save on every call. Set the fields before first use; the
// Engine is then safe for concurrent use if its Backend is.
//
//   - New reads the request's cookie name; only a value of the shape
//     ValidID accepts is looked up. A live session that decodes is
//     returned with IsNew false, its ID and Values; anything else
//     (no cookie, malformed, unknown, expired, or data DecodeValues, or
//     the Codec, rejects, as Django with corrupted data) gives a new session: ID "",
//     IsNew true, empty Values, never an adopted ID (session fixation).
//     Options are a copy of the store's. A Backend.Load error is returned
//     unchanged along with the new session; New never returns nil.
//   - Save refuses a cookie name net/http would drop from Set-Cookie. A
//     session without Options gets a copy of the store's. With MaxAge < 0
//     it deletes the session (if its ID is well formed), sets the ID to ""
//     and writes a deletion cookie. Otherwise it encodes the Values
//     (EncodeValues or the Codec, MaxSize) before touching the Backend, computes the
//     expiry by Now (MaxAge, or the store's MaxAge, or DefaultMaxAge),
//     inserts under a fresh ID when the ID is "" and updates otherwise; an
//     update of a session that is not live (or of an ID never issued)
//     returns an error wrapping core.ErrNotFound, writes nothing and does
//     not bring it back. The cookie sessions.NewCookie(name, ID, Options)
//     is written only after the Backend succeeded; a Backend error is
//     returned unchanged.
type Engine struct {
	// Backend stores the sessions. Required.
	Backend Backend
	// Name prefixes the errors the Engine makes ("memstore").
	Name string
	// Now is the clock of expiry, when saving, loading and cleaning up;
	// nil means time.Now.
	Now func() time.Time
	// MaxSize limits the encoded values of one session, in bytes; <= 0
	// means DefaultMaxSize.
	MaxSize int
	// OnCleanupError, if not nil, receives every error of a periodic
	// Cleanup run by StartCleanup, from its goroutine, except those caused
	// by stopping it.
	OnCleanupError func(error)
	// Codec, if not nil, encodes and decodes the values in place of
	// EncodeValues and DecodeValues (a Backend whose data another
	// framework reads too). nil keeps EncodeValues and DecodeValues.
	Codec Codec
}

// New implements sessions.Store.New for store, whose Options are opts (nil
// means DefaultOptions); see Engine for the semantics.
func (e *Engine) New(store sessions.Store, opts *sessions.Options, r *http.Request, name string) (*sessions.Session, error) {
	session := sessions.NewSession(store, name)
	session.Options = copyOptions(opts)
	session.IsNew = true
	id, ok := RequestID(r, name)
	if !ok {
		return session, nil
	}
	data, found, err := e.Backend.Load(r.Context(), id, e.now().UnixMicro())
	if err != nil || !found {
		return session, err
	}
	values, err := e.decode(data)
	if err != nil {
		return session, nil // corrupted: no session, as Django
	}
	session.ID, session.Values, session.IsNew = id, values, false
	return session, nil
}

// Save implements sessions.Store.Save for a store whose Options are opts
// (nil means DefaultOptions); see Engine for the semantics.
func (e *Engine) Save(opts *sessions.Options, r *http.Request, w http.ResponseWriter, session *sessions.Session) error {
	if err := (&http.Cookie{Name: session.Name(), Value: "x"}).Valid(); err != nil {
		return fmt.Errorf("%s: invalid session cookie name %q", e.Name, session.Name())
	}
	if session.Options == nil {
		session.Options = copyOptions(opts)
	}
	ctx := r.Context()
	if session.Options.MaxAge < 0 {
		if ValidID(session.ID) { // nothing else is ever stored
			if err := e.Backend.Delete(ctx, session.ID); err != nil {
				return err
			}
		}
		session.ID = ""
		http.SetCookie(w, sessions.NewCookie(session.Name(), "", session.Options))
		return nil
	}
	data, err := e.encode(session.Values)
	if err != nil {
		return err
	}
	now := e.now()
	expires := Expiry(now, lifetime(session.Options, opts))
	if session.ID == "" {
		id, err := e.insert(r, data, expires)
		if err != nil {
			return err
		}
		session.ID = id
	} else if err := e.update(r, session.ID, data, expires, now.UnixMicro()); err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(session.Name(), session.ID, session.Options))
	return nil
}

// insert stores a new session under a fresh ID and returns the ID.
func (e *Engine) insert(r *http.Request, data []byte, expires int64) (string, error) {
	for range insertAttempts {
		id := NewID()
		err := e.Backend.Insert(r.Context(), id, data, expires)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, ErrIDTaken) {
			return "", err
		}
	}
	return "", fmt.Errorf("%s: insert session: %d fresh IDs already stored", e.Name, insertAttempts)
}

// update rewrites live session id; a session that is not live, or an ID
// never issued, gives an error wrapping core.ErrNotFound.
func (e *Engine) update(r *http.Request, id string, data []byte, expires, now int64) error {
	err := ErrGone
	if ValidID(id) {
		err = e.Backend.Update(r.Context(), id, data, expires, now)
	}
	if errors.Is(err, ErrGone) {
		return fmt.Errorf("%s: session deleted or expired since it was loaded: %w", e.Name, core.ErrNotFound)
	}
	return err
}

// now reads the Engine's clock.
func (e *Engine) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// encode encodes values with the Codec, or EncodeValues.
func (e *Engine) encode(values map[interface{}]interface{}) ([]byte, error) {
	if e.Codec != nil {
		return e.Codec.Encode(values, e.maxSize())
	}
	return EncodeValues(values, e.maxSize())
}

// decode decodes data with the Codec, or DecodeValues.
func (e *Engine) decode(data []byte) (map[interface{}]interface{}, error) {
	if e.Codec != nil {
		return e.Codec.Decode(data)
	}
	return DecodeValues(data)
}

// maxSize is the Engine's size limit.
func (e *Engine) maxSize() int {
	if e.MaxSize <= 0 {
		return DefaultMaxSize
	}
	return e.MaxSize
}
