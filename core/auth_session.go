package core

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/sessions"
)

// Session value keys, as Django names them where it has one.
const (
	sessionUserID  = "_auth_user_id"
	sessionHash    = "_auth_user_hash"
	sessionCreated = "_auth_created"
	sessionSeen    = "_auth_seen"
)

// sessionTouchInterval limits how often a busy session is re-saved to push
// its idle deadline: once a minute, not on every request.
const sessionTouchInterval = time.Minute

// sessionAuthenticator is DRF's SessionAuthentication over a server-side
// sessions.Store: the session must belong to an active user, be within its
// idle and absolute timeouts, and carry the hash of the user's current
// password and token epoch (Django's session auth hash), so that a password
// change, a reset or a deactivation elsewhere ends it. Unsafe requests
// authenticated by a session must pass CSRF. It has no challenge.
type sessionAuthenticator struct {
	auth *Auth
}

// challenge implements authenticator: none, so failures are 403.
func (s *sessionAuthenticator) challenge() string { return "" }

// authenticate implements authenticator. An absent, unknown, expired,
// tampered or invalidated session is anonymous (not handled); a failing
// store is a 503, never anonymous (see sessionLoadFailed). The session
// store takes the request, so r is given ctx once a session cookie is
// present. A session that authenticated is remembered by its cookie in
// the login-state cache (within Config.RevocationStaleness; its user is
// still checked on every request) until it is due for a touch.
func (s *sessionAuthenticator) authenticate(ctx context.Context, w http.ResponseWriter, r *http.Request) (*Principal, error) {
	a := s.auth
	cookie, err := r.Cookie(a.cfg.Session.CookieName)
	if err != nil {
		return nil, nil
	}
	r = requestWithContext(r, ctx)
	now := a.cfg.Now()
	c := a.logins
	var (
		key    [sha256.Size]byte
		snap   cachedSession
		cached bool
	)
	if c != nil {
		key = sha256.Sum256([]byte(cookie.Value))
		snap, cached = c.session(key, now)
	}
	var (
		sess *sessions.Session
		gen  uint64
		read time.Time
	)
	if !cached || now.Sub(time.Unix(snap.seen, 0)) > sessionTouchInterval {
		if c != nil {
			gen, read = c.begin()
		}
		sess, err = a.cfg.Session.Store.Get(r, a.cfg.Session.CookieName)
		if err != nil {
			if sessionLoadFailed(err) {
				return nil, unavailable(err)
			}
			return nil, nil // tampered or undecodable: no session
		}
		if sess.IsNew {
			return nil, nil
		}
		snap = cachedSession{id: sess.ID}
		snap.userID, _ = sess.Values[sessionUserID].(int64)
		snap.created, _ = sess.Values[sessionCreated].(int64)
		snap.seen, _ = sess.Values[sessionSeen].(int64)
		snap.hash, _ = sess.Values[sessionHash].(string)
	}
	// A session another framework created (Django's, in a shared
	// django_session table) carries no login or activity time: the
	// store's expiry is its only deadline until restauth first touches it.
	if snap.userID == 0 || snap.created != 0 && now.Sub(time.Unix(snap.created, 0)) > a.cfg.Session.AbsoluteTimeout ||
		snap.seen != 0 && now.Sub(time.Unix(snap.seen, 0)) > a.cfg.Session.IdleTimeout {
		return nil, nil
	}
	box := new(principalWithUser)
	user := &box.user
	err = a.userInto(r.Context(), snap.userID, now, user)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable(err)
	}
	if !user.IsActive || !a.validSessionAuthHash(user, snap.hash) {
		return nil, nil
	}
	if err := a.CheckCSRF(r); err != nil {
		return nil, err
	}
	if sess != nil {
		if now.Sub(time.Unix(snap.seen, 0)) > sessionTouchInterval {
			sess.Values[sessionSeen] = now.Unix()
			sess.Options = a.sessionOptions()
			switch err := sess.Save(r, w); {
			case errors.Is(err, ErrNotFound):
				return nil, nil // logged out (elsewhere) since it was loaded
			case err != nil:
				return nil, unavailable(err)
			}
			snap.seen = now.Unix()
		}
		if c != nil {
			c.putSession(gen, read, key, snap)
		}
	}
	box.Principal = Principal{User: user, Method: MethodSession, Credential: snap.id}
	return &box.Principal, nil
}

// sessionAuthHash binds a session to the user's password hash and token
// epoch (Django's get_session_auth_hash), keyed by the secret; a session
// store shared with another framework (SessionAuthHasher) binds it that
// framework's way instead.
func (a *Auth) sessionAuthHash(u *User) string {
	if h, ok := a.cfg.Session.Store.(SessionAuthHasher); ok {
		return h.SessionAuthHash(u)
	}
	m := hmac.New(sha256.New, a.sessionKey[:])
	m.Write([]byte(u.PasswordHash))
	m.Write([]byte{0})
	m.Write([]byte(strconv.FormatInt(u.TokenEpoch, 10)))
	return hex.EncodeToString(m.Sum(nil))
}

// validSessionAuthHash reports whether a session's hash still binds it
// to u, in constant time.
func (a *Auth) validSessionAuthHash(u *User, hash string) bool {
	if h, ok := a.cfg.Session.Store.(SessionAuthHasher); ok {
		return h.ValidSessionAuthHash(u, hash)
	}
	return hmac.Equal([]byte(hash), []byte(a.sessionAuthHash(u)))
}

// sessionOptions are the session cookie's attributes.
func (a *Auth) sessionOptions() *sessions.Options {
	return &sessions.Options{
		Path: "/", Domain: a.cfg.CookieDomain, MaxAge: int(a.cfg.Session.AbsoluteTimeout / time.Second),
		Secure: !a.cfg.InsecureCookies, HttpOnly: true, SameSite: a.cfg.CookieSameSite,
	}
}

// startSession logs user in with a brand-new session: any session the
// request carried is deleted first and the new one gets a fresh ID, so a
// planted or pre-login session ID never becomes authenticated (fixation).
// Login and registration, which call it, ignore the credentials they are
// sent; a forged cross-site call is refused by their origin check
// (anonymousCSRF) before anything changes.
func (a *Auth) startSession(w http.ResponseWriter, r *http.Request, user *User) error {
	store, name := a.cfg.Session.Store, a.cfg.Session.CookieName
	old, err := a.loadSession(r)
	if err != nil {
		return err
	}
	if err := a.endSession(w, r, old); err != nil {
		return err
	}
	sess, err := store.New(r, name)
	if sessionLoadFailed(err) {
		return unavailable(err)
	}
	if sess == nil {
		sess = sessions.NewSession(store, name)
	}
	now := a.cfg.Now().Unix()
	sess.ID, sess.IsNew = "", true
	sess.Values = map[interface{}]interface{}{
		sessionUserID: user.ID, sessionHash: a.sessionAuthHash(user), sessionCreated: now, sessionSeen: now,
	}
	sess.Options = a.sessionOptions()
	if err := store.Save(r, w, sess); err != nil {
		return unavailable(err)
	}
	return nil
}

// loadSession returns the live session the request's session cookie
// names, or nil when there is none (no cookie, an unknown, expired or
// undecodable one). A failing store is an error (503).
func (a *Auth) loadSession(r *http.Request) (*sessions.Session, error) {
	store, name := a.cfg.Session.Store, a.cfg.Session.CookieName
	if _, err := r.Cookie(name); err != nil {
		return nil, nil
	}
	sess, err := store.Get(r, name)
	if sessionLoadFailed(err) {
		return nil, unavailable(err)
	}
	if err != nil || sess.IsNew {
		return nil, nil
	}
	return sess, nil
}

// endSession deletes sess, the request's session as loadSession found it
// (nil: none), and always expires the session cookie (dj-rest-auth's
// logout does).
func (a *Auth) endSession(w http.ResponseWriter, r *http.Request, sess *sessions.Session) error {
	// The cookie's cached session is dropped once the store has deleted
	// it, so that no read begun before the delete can put it back.
	if c, err := r.Cookie(a.cfg.Session.CookieName); err == nil {
		var id string
		if sess != nil {
			id = sess.ID
		}
		defer a.logins.forgetSession(sha256.Sum256([]byte(c.Value)), id)
	}
	if sess != nil {
		sess.Options = a.sessionOptions()
		sess.Options.MaxAge = -1
		if err := a.cfg.Session.Store.Save(r, w, sess); err != nil && !errors.Is(err, ErrNotFound) {
			return unavailable(err)
		}
		return nil
	}
	a.deleteCookie(w, cookieSpec{name: a.cfg.Session.CookieName, path: "/", httpOnly: true})
	return nil
}

// sessionHashKey derives the key of sessionAuthHash from the secret, once.
func sessionHashKey(secret []byte) [32]byte {
	return sha256.Sum256(append([]byte("restauth.session.auth-hash"), secret...))
}
